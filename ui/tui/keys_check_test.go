package tui

import (
	"strings"
	"testing"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

func TestCheckKeys(t *testing.T) {
	st := tuitest.Styles(t, "ansi")
	tests := []struct {
		name string
		keys map[string]map[string][]string
		want string // "" for no error
	}{
		{name: "defaults", keys: nil},
		{name: "a fine rebind", keys: map[string]map[string][]string{"chat": {"poke": {"ctrl+p"}}}},
		{name: "unknown action", keys: map[string]map[string][]string{"chat": {"pokee": {"x"}}}, want: "no such action"},
		{name: "clash with global", keys: map[string]map[string][]string{"chat": {"poke": {"tab"}}}, want: `"tab" is bound to both poke and next-pane`},
		{name: "global rebind clashing with a pane", keys: map[string]map[string][]string{"global": {"zoom": {"p"}}}, want: `"p" is bound to both poke and zoom`},
		{name: "unbinding is fine", keys: map[string]map[string][]string{"global": {"zoom": {}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			panes := []Pane{&boxPane{id: PaneChat, capturing: true}}
			a := New(Options{Styles: st, Keys: tc.keys, Panes: panes})
			// The box pane's keys ignore the rebinds; apply them the way a
			// real pane does.
			panes[0] = &reboundPane{boxPane: panes[0].(*boxPane), keys: Rebind(panes[0].Keys(), tc.keys["chat"])}
			a.panes = panes
			err := a.CheckKeys()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}

type reboundPane struct {
	*boxPane
	keys []Binding
}

func (p *reboundPane) Keys() []Binding { return p.keys }

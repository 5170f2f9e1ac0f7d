package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// alertsPane is a pane whose badge counts alerts firing: urgent.
type alertsPane struct{ badgedPane }

func (p *alertsPane) UrgentBadge() bool { return p.badge != "" }

// longKeysPane has a binding whose label is wider than the key column.
type longKeysPane struct{ boxPane }

func (p *longKeysPane) Keys() []Binding {
	return []Binding{
		NewBinding("newline", "new line in the input", "alt+enter", "ctrl+j", "shift+enter"),
		NewBinding("up", "move up", "↑", "k"),
		NewBinding("poke", "poke it", "p"),
	}
}

// TestStatusBarKeepsAlerts: the hosts' count reads as alerts, and it is
// the count that stays when the status bar has room for no other.
func TestStatusBarKeepsAlerts(t *testing.T) {
	panes := []Pane{&boxPane{id: PaneChat}, &badgedPane{boxPane: &boxPane{id: PaneSessions}, badge: "4"},
		&alertsPane{badgedPane{boxPane: &boxPane{id: "hosts"}, badge: "4 alerts"}}}
	a := New(Options{Styles: tuitest.Styles(t, "ansi"), Hint: "set OPENROUTER_API_KEY", Panes: panes})
	for _, tc := range []struct {
		w, h      int
		want, not string
	}{
		{160, 48, "sessions 4 · hosts 4 alerts · f1 help", ""},
		{80, 24, "4 alerts · f1 help", "sessions 4"},
	} {
		a.Update(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
		status := tuitest.Lines(a.render())[tc.h-1]
		if !strings.Contains(status, tc.want) || (tc.not != "" && strings.Contains(status, tc.not)) {
			t.Errorf("status bar at %d cells: %q, want %q", tc.w, status, tc.want)
		}
	}
}

// TestTabsShrinkToShortNamesFirst: short of room, a tab keeps its
// number and a short name before it is left with its number only.
func TestTabsShrinkToShortNamesFirst(t *testing.T) {
	a, _ := sixPanes(t, 120, 30)
	a.Update(tuitest.Key("alt+4"))
	top := tuitest.Lines(a.render())[0]
	for _, want := range []string{"2 ses ", "3 sch ", "4 approvals 2", "6 aud "} {
		if !strings.Contains(top, want) {
			t.Errorf("tabs %q lack %q", top, want)
		}
	}
}

// TestCheatSheetAlignsInCells: every description starts in the same
// column, measured in cells, a label too wide for the column putting its
// description on the next line.
func TestCheatSheetAlignsInCells(t *testing.T) {
	panes := []Pane{&longKeysPane{boxPane{id: PaneChat}}}
	a := New(Options{Styles: tuitest.Styles(t, "ansi"), Panes: panes})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 40})
	a.Update(tuitest.Key("f1"))
	col := map[string]int{}
	for _, l := range tuitest.Lines(a.render()) {
		for _, desc := range []string{"new line in the input", "move up", "poke it"} {
			if i := strings.Index(l, desc); i >= 0 {
				col[desc] = ansi.StringWidth(l[:i])
			}
		}
	}
	if len(col) != 3 || col["new line in the input"] != col["move up"] || col["move up"] != col["poke it"] {
		t.Fatalf("descriptions start at columns %v, want one column", col)
	}
}

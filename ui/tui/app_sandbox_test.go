package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// A weaker sandbox than full is said once when the cockpit opens, and
// stays on the status bar until a key is pressed; a full one says nothing.
func TestAppSaysTheSandboxOnce(t *testing.T) {
	cases := []struct {
		name, notice string
	}{
		{"partial", "sandbox partial: Landlock ABI 3 (files), seccomp filters; Landlock ABI 3 cannot refuse TCP"},
		{"full", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			panes := []*boxPane{{id: PaneChat, capturing: true}, {id: PaneSessions}, {id: PaneAudit}}
			a := New(Options{Styles: tuitest.Styles(t, "ansi"), Hint: "set OPENROUTER_API_KEY", SandboxNotice: c.notice,
				Panes: []Pane{panes[0], panes[1], panes[2]}})
			a.Update(tea.WindowSizeMsg{Width: 160, Height: 24})
			tuitest.ForModel(t, a).Run(a.Init())
			status := tuitest.Lines(a.render())[23]
			if c.notice == "" {
				if strings.Contains(status, "sandbox") {
					t.Fatalf("a full sandbox was announced: %q", status)
				}
				return
			}
			tuitest.RequireContains(t, status, "sandbox partial", "any key hides")
			a.Update(tuitest.Key("esc"))
			if status := tuitest.Lines(a.render())[23]; strings.Contains(status, "sandbox") {
				t.Fatalf("the notice stayed after a key: %q", status)
			}
		})
	}
}

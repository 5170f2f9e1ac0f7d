package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// pastePane records the pastes it is given.
type pastePane struct {
	boxPane
	pastes []string
}

func (p *pastePane) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(tea.PasteMsg); ok {
		p.pastes = append(p.pastes, m.Content)
	}
	return nil
}

// A paste is typed: it goes to the focused pane only. Given to every
// pane, it also lands in a list's text filter or a session's rename
// prompt left open in a pane the person moved away from (/ in sessions,
// then alt+1 and a paste into the chat renames the session on the next
// enter there).
func TestAppPasteGoesToTheFocusedPaneOnly(t *testing.T) {
	panes := []*pastePane{{boxPane: boxPane{id: PaneChat, capturing: true}}, {boxPane: boxPane{id: PaneSessions, capturing: true}}, {boxPane: boxPane{id: PaneAudit}}}
	a := New(Options{Styles: tuitest.Styles(t, "ansi"), Panes: []Pane{panes[0], panes[1], panes[2]}})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})

	a.Update(tuitest.Key("alt+2"))
	a.Update(tea.PasteMsg{Content: "into sessions"})
	a.Update(tuitest.Key("alt+1"))
	a.Update(tea.PasteMsg{Content: "into chat"})

	want := map[PaneID][]string{PaneChat: {"into chat"}, PaneSessions: {"into sessions"}, PaneAudit: nil}
	for _, p := range panes {
		if got := p.pastes; len(got) != len(want[p.id]) || (len(got) > 0 && got[0] != want[p.id][0]) {
			t.Errorf("%s pane got pastes %q, want %q", p.id, got, want[p.id])
		}
	}
}

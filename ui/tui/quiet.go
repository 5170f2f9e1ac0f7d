package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
)

// quiet reports whether msg leaves the screen as it is: a spend that did
// not change, a store change (the reloads it starts say for themselves),
// or a message a pane says changes nothing it shows.
func (a *App) quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case spendMsg:
		return m.seq != a.spendSeq || m.spent == a.spent
	case CoreEventMsg:
		if _, ok := m.Event.(events.StoreChanged); ok {
			return true
		}
	}
	for _, p := range a.panes {
		if q, ok := p.(Quieter); ok && q.Quiet(msg) {
			return true
		}
	}
	return false
}

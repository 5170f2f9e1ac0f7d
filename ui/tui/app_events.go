package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
)

// coreEvent handles the core events the root itself shows.
func (a *App) coreEvent(m CoreEventMsg) tea.Cmd {
	switch e := m.Event.(type) {
	case events.BudgetWarning:
		return Toast(ToastWarn, e.Message)
	case events.RunCompleted:
		return a.refreshSpend()
	}
	return nil
}

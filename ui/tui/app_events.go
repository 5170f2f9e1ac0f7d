package tui

import (
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/panes/approvals"
)

// coreEvent handles the core events the root itself shows. Spending is
// read again when it may have changed, never on a timer.
func (a *App) coreEvent(m CoreEventMsg) tea.Cmd {
	switch e := m.Event.(type) {
	case events.BudgetWarning:
		return Toast(ToastWarn, e.Message)
	case events.RunCompleted:
		return a.refreshSpend()
	case events.StoreReplaced:
		// Lasting: the status bar keeps saying it, the toast draws the eye.
		a.storeNotice = "the database file was moved or replaced: quit and reopen to see the new one"
		return Toast(ToastError, "the database file "+e.Path+" was removed or replaced; this cockpit still shows and writes the old one until you quit and reopen it")
	case events.StoreChanged:
		// Spending is written with a run's usage and audit entry; a run in
		// another process shows in today's total as soon as it lands.
		if e.Has(events.PartUsage) || e.Has(events.PartAudit) {
			return a.refreshSpend()
		}
	}
	return nil
}

// waitingText is the toast for approvals that began waiting, whichever
// process proposed them (the approvals pane finds them when it reads the
// queue, and tells each once): what, how risky, how many more, and the
// key that shows the approvals pane.
func (a *App) waitingText(m approvals.WaitingMsg) string {
	if len(m.Entries) == 0 {
		return ""
	}
	e := m.Entries[0] // the riskiest
	text := "approval waiting: "
	if n := len(m.Entries); n > 1 {
		text = strconv.Itoa(n) + " approvals waiting: "
	}
	text += kit.OneLine(termsafe.Clean(e.Summary)) + " (" + actions.Risk(e.Risk).String() + " risk)"
	if n := len(m.Entries); n > 1 {
		text += " and " + strconv.Itoa(n-1) + " more"
	}
	for i, p := range a.panes[:min(len(a.panes), maxFocusKeys)] {
		if k := kit.KeyLabel(a.keys, "focus-"+strconv.Itoa(i+1)); p.ID() == PaneApprovals && k != "?" {
			text += " — " + k
		}
	}
	return text
}

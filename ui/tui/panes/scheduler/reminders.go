package scheduler

import (
	"context"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// A reminder must not pass unseen: its toast stays until a key is
// pressed, and once toasted it is marked shown, so another cockpit
// opening later does not show it again. Reminders that fired while no
// cockpit was open and no notification channel took them are shown when
// the pane opens (those of the last missedSince).

// unshownMsg is the read of the reminders nobody saw, on opening.
type unshownMsg struct {
	runs []store.TaskRun // oldest first
	err  error
}

// unshown reads the reminders that fired while nobody saw them.
func (p *Pane) unshown() tea.Cmd {
	svc, since := p.svc, p.now().Add(-missedSince)
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		runs, err := svc.UnshownReminders(ctx, since)
		return unshownMsg{runs: runs, err: err}
	})
}

// applyUnshown shows the reminders nobody saw in one sticky toast and
// marks them shown. The watch of the runs will not tell them again.
func (p *Pane) applyUnshown(m unshownMsg) tea.Cmd {
	if m.err != nil || len(m.runs) == 0 {
		return nil // a failed read is tried again at the next opening
	}
	if p.runs.told == nil {
		p.runs.told = map[store.TaskRunID]bool{}
	}
	ids := make([]store.TaskRunID, 0, len(m.runs))
	texts := make([]string, 0, len(m.runs))
	for _, r := range m.runs {
		p.runs.told[r.ID] = true
		ids = append(ids, r.ID)
		texts = append(texts, reminderText(r.TaskCommand, r.TaskName))
	}
	var text string
	if len(m.runs) == 1 {
		r := m.runs[0]
		text = "reminder while you were away (" + fireTime(p.now(), r.Finished) + "): " + texts[0]
	} else {
		text = strconv.Itoa(len(m.runs)) + " reminders while you were away: " + strings.Join(texts, " · ")
	}
	return tea.Batch(kit.StickyToast(kit.ToastWarn, text), p.markShown(ids))
}

// remind toasts a reminder's text until a key is pressed and marks the
// runs it tells shown.
func (p *Pane) remind(text string, ids ...store.TaskRunID) tea.Cmd {
	return tea.Batch(kit.StickyToast(kit.ToastWarn, text), p.markShown(ids))
}

// markShown records that the runs' reminders reached a person. A failure
// only means a later cockpit shows them again.
func (p *Pane) markShown(ids []store.TaskRunID) tea.Cmd {
	ids = written(ids)
	if p.svc == nil || len(ids) == 0 {
		return nil
	}
	svc := p.svc
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		_ = svc.MarkShown(ctx, ids...)
		return nil
	})
}

// written drops the zero ids (a run that was never written).
func written(ids []store.TaskRunID) []store.TaskRunID {
	out := ids[:0:0]
	for _, id := range ids {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out
}

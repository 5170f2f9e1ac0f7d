package scheduler

import (
	"context"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// runWatch follows the task_runs table through RunsSince, the way the
// approvals pane follows its queue: each read starts after the newest
// run write seen, so every run started or finished anywhere (this
// process, the daemon, macroa in another shell) is seen once per write.
// The first read only notes where the table ends (LastRunSeq), and runs
// that started before the pane opened are never announced, whatever they
// become later.
type runWatch struct {
	opened time.Time // when the pane opened
	seq    int64     // the newest run write seen (TaskRun.Seq)
	primed bool      // seq holds where the table ended at the first read
	asking bool      // a read is on its way
	again  bool      // a change came meanwhile: read again when it answers
	// told holds the runs still going that were announced already, and
	// reminders this pane ran (their outcome toast says the text). A
	// final run is never written again, so its entry goes once it is
	// seen final.
	told map[store.TaskRunID]bool
}

// runsMsg is a read of the runs written after the newest seen, or, on
// the first read (prime), where the table ends.
type runsMsg struct {
	prime bool
	runs  []store.TaskRun // oldest first
	last  int64           // the newest Seq read
	err   error
}

// watchRuns reads the runs written since the last seen, or, when a read
// is on its way, asks for another once it answers.
func (p *Pane) watchRuns() tea.Cmd {
	w := &p.runs
	if p.svc == nil {
		return nil
	}
	if w.asking {
		w.again = true
		return nil
	}
	w.asking = true
	svc, from := p.svc, w.seq
	if !w.primed {
		return kit.Query(timeout, func(ctx context.Context) tea.Msg {
			seq, err := svc.LastRunSeq(ctx)
			return runsMsg{prime: true, last: seq, err: err}
		})
	}
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		m := runsMsg{last: from}
		for range maxRunPages {
			runs, err := svc.RunsSince(ctx, m.last, runsPage)
			if err != nil {
				m.err = err
				break
			}
			for _, r := range runs {
				m.last = max(m.last, r.Seq)
			}
			m.runs = append(m.runs, runs...)
			if len(runs) < runsPage {
				break
			}
		}
		return m
	})
}

// applyRuns takes a read of the runs: the first one primes the watch,
// later ones announce reminders that fired and scheduled runs that
// failed. A failed read is tried again at the next change.
func (p *Pane) applyRuns(m runsMsg) tea.Cmd {
	w := &p.runs
	w.asking = false
	if w.told == nil {
		w.told = map[store.TaskRunID]bool{}
	}
	var toasts []tea.Cmd
	switch {
	case m.err != nil:
	case m.prime:
		w.seq, w.primed = m.last, true
	default:
		toasts = p.announce(m.runs)
		w.seq = max(w.seq, m.last)
	}
	if w.again {
		w.again = false
		toasts = append(toasts, p.watchRuns())
	}
	return tea.Sequence(toasts...)
}

// announce returns the toasts for runs just read: a reminder's text when
// it fires (it stays until a key is pressed, and the runs are marked
// shown), and a short one when a scheduled run fails (a run-now's
// outcome is told by the pane that asked for it).
func (p *Pane) announce(runs []store.TaskRun) []tea.Cmd {
	w := &p.runs
	var reminders, failed []store.TaskRun
	for _, r := range runs {
		told := w.told[r.ID]
		switch {
		case told:
		case !r.Started.IsZero() && r.Started.Before(w.opened):
			// It existed before the pane opened: no news.
		case r.TaskKind == store.TaskReminder && r.State != store.RunSkipped:
			// This pane's run-now tells its own reminder when it ends.
			if r.Trigger != store.TriggerNow || !p.running[r.Task] {
				reminders = append(reminders, r)
			}
			told = true
		case r.State == store.RunFailed && r.Trigger != store.TriggerNow:
			failed = append(failed, r)
			told = true
		}
		if r.State.Final() {
			delete(w.told, r.ID)
		} else if told {
			w.told[r.ID] = true
		}
	}
	var out []tea.Cmd
	if len(failed) > 0 {
		r := failed[len(failed)-1]
		text := "scheduled task " + kit.SafeLine(r.TaskName) + " failed"
		if e := firstLine(r.Error); e != "" {
			text += ": " + e
		}
		if n := len(failed) - 1; n > 0 {
			text += " (and " + strconv.Itoa(n) + " more failed)"
		}
		out = append(out, kit.Toast(kit.ToastError, text))
	}
	if len(reminders) > 0 {
		// Each text is said: a reminder is what a person asked to be told.
		texts := make([]string, len(reminders))
		ids := make([]store.TaskRunID, len(reminders))
		for i, r := range reminders {
			texts[i], ids[i] = reminderText(r.TaskCommand, r.TaskName), r.ID
		}
		text := "reminder: " + texts[0]
		if len(reminders) > 1 {
			text = strconv.Itoa(len(reminders)) + " reminders: " + strings.Join(texts, " · ")
		}
		out = append(out, p.remind(text, ids...))
	}
	return out
}

// reminderText is what a reminder says, cleaned and on one line; its
// name when it has no text.
func reminderText(text, name string) string {
	if s := kit.SafeLine(text); s != "" {
		return s
	}
	return kit.SafeLine(name)
}

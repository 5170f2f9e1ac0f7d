package scheduler

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// bindings are the pane's default keys. Every one that changes a task is
// dangerous: a read-only cockpit has none of them.
func bindings() []kit.Binding {
	return append(kit.ListBindings(),
		kit.NewBinding("detail", "details: the command, the spec, the next fire times, the history", "enter", "d"),
		kit.NewBinding("pause", "pause or resume the selected task", "space").Danger(),
		kit.NewBinding("run", "run the selected task now, here", "r").Danger(),
		kit.NewBinding("add", "add a task (a form that previews the next fire times)", "n").Danger(),
		kit.NewBinding("delete", "delete the selected task and its history (asks y/n)", "x").Danger(),
	)
}

// HandleKey answers an open form or question first, then the detail
// view's keys, the filter, movement and the pane's actions. esc backs
// out of the form, the question, the detail view, then the filter; with
// none of them it is left to the root.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	switch p.prompt {
	case adding:
		return p.form.key(p, msg), true
	case deleting:
		t := p.target
		p.prompt, p.target = browse, store.Task{}
		if k == "y" || k == "Y" {
			return p.deleteCmd(t), true
		}
		return nil, true // n, esc or anything else keeps the task
	}
	if p.list.Detail {
		if cmd, ok := p.actionKey(k, p.shown); ok {
			return cmd, true
		}
		return nil, p.list.DetailKey(p.Keys(), k)
	}
	if handled, changed := p.list.FilterKey(p.Keys(), msg); handled {
		if changed {
			p.narrow(p.selectedID())
		}
		return nil, true
	}
	switch {
	case p.list.Move(p.Keys(), k, len(p.rows)):
	case p.Matches("detail", k):
		if t, ok := p.selected(); ok && p.list.OpenDetail(len(p.rows)) {
			p.show(*t)
			return p.loadDetail(), true
		}
	default:
		t, ok := p.selected()
		if !ok {
			t = nil
		}
		return p.actionKey(k, t)
	}
	return nil, true
}

// show opens the detail view on t, its history to be read.
func (p *Pane) show(t store.Task) {
	if p.shown == nil || p.shown.ID != t.ID {
		p.history, p.next, p.detailOK, p.detErr = nil, nil, false, ""
	}
	p.gone = false
	p.shown = &t
}

// actionKey handles pause, run, add and delete on task t (nil: none
// selected). ok=false: k is none of them.
func (p *Pane) actionKey(k string, t *store.Task) (tea.Cmd, bool) {
	switch {
	case p.Matches("add", k):
		if p.svc == nil {
			return nil, true
		}
		p.form = newForm()
		p.prompt = adding
		return nil, true
	case p.Matches("pause", k):
		if t == nil {
			return nil, true
		}
		return p.pauseCmd(*t), true
	case p.Matches("run", k):
		if t == nil {
			return nil, true
		}
		return p.runCmd(*t), true
	case p.Matches("delete", k):
		if t == nil || p.svc == nil {
			return nil, true
		}
		p.prompt, p.target = deleting, *t
		return nil, true
	}
	return nil, false
}

// pauseCmd pauses a task that will fire, or resumes a paused one.
func (p *Pane) pauseCmd(t store.Task) tea.Cmd {
	switch {
	case p.svc == nil || p.acting[t.ID]:
		return nil
	case t.Done() && !t.Paused:
		return kit.Toast(kit.ToastInfo, kit.SafeLine(t.Name)+" is done: it fires no more")
	}
	p.acting[t.ID] = true
	svc, who, pause := p.svc, p.person, !t.Paused
	verb := "resumed"
	if pause {
		verb = "paused"
	}
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		got, err := svc.SetPaused(ctx, t.ID, pause, who(), where)
		return actedMsg{verb: verb, id: t.ID, name: t.Name, task: got, err: err}
	})
}

// deleteCmd deletes a task (the question was answered yes).
func (p *Pane) deleteCmd(t store.Task) tea.Cmd {
	if p.svc == nil || p.acting[t.ID] {
		return nil
	}
	p.acting[t.ID] = true
	svc, who := p.svc, p.person
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		got, err := svc.Delete(ctx, t.ID, who(), where)
		return actedMsg{verb: "deleted", id: t.ID, name: t.Name, task: got, err: err}
	})
}

// acted reports a pause, resume or delete and reads the tasks again.
func (p *Pane) acted(m actedMsg) tea.Cmd {
	delete(p.acting, m.id)
	name := kit.SafeLine(m.name)
	var toast tea.Cmd
	switch {
	case errors.Is(m.err, store.ErrTaskNotFound):
		toast = kit.Toast(kit.ToastWarn, name+" no longer exists")
	case m.err != nil:
		toast = kit.Toast(kit.ToastError, kit.Sentence(m.err))
	case m.verb == "deleted":
		if p.shown != nil && p.shown.ID == m.id {
			p.list.Detail, p.shown = false, nil
		}
		toast = kit.Toast(kit.ToastInfo, "deleted "+name)
	case m.verb == "resumed" && !m.task.NextRunAt.IsZero():
		toast = kit.Toast(kit.ToastInfo, "resumed "+name+": next run "+nextText(&m.task, p.now()))
	default:
		toast = kit.Toast(kit.ToastInfo, m.verb+" "+name)
	}
	return tea.Batch(p.reload(), toast)
}

// runCmd runs a task now, in this process: the call returns when the
// run ends, so it goes in a Cmd and the row says "running…" meanwhile.
func (p *Pane) runCmd(t store.Task) tea.Cmd {
	if p.svc == nil {
		return nil
	}
	if p.running[t.ID] {
		return kit.Toast(kit.ToastInfo, kit.SafeLine(t.Name)+" is running already")
	}
	p.running[t.ID] = true
	ctx, cancel := context.WithCancel(context.Background())
	p.cancels[t.ID] = cancel
	svc, who := p.svc, p.person
	return func() tea.Msg {
		defer cancel()
		run, err := svc.RunNow(ctx, t.ID, who(), where)
		return ranMsg{id: t.ID, name: t.Name, kind: t.Kind, text: t.Command, run: run, err: err}
	}
}

// Cancel interrupts the runs this pane started now (one waiting for an
// approval, say): ctrl+c stops them before it quits. The runs end
// interrupted, and their answers come as usual.
func (p *Pane) Cancel() bool {
	any := len(p.cancels) > 0
	for id, cancel := range p.cancels {
		cancel()
		delete(p.cancels, id)
	}
	return any
}

// ran reports a run-now's outcome and reads the tasks again.
func (p *Pane) ran(m ranMsg) tea.Cmd {
	delete(p.running, m.id)
	delete(p.cancels, m.id)
	name := kit.SafeLine(m.name)
	level, text := kit.ToastInfo, ""
	switch {
	case errors.Is(m.err, store.ErrTaskBusy):
		level, text = kit.ToastWarn, name+" is running already (a run of it is still going)"
	case errors.Is(m.err, store.ErrTaskNotFound):
		level, text = kit.ToastWarn, name+" no longer exists"
	case m.err != nil:
		level, text = kit.ToastError, kit.Sentence(m.err)
	case m.kind == store.TaskReminder && m.run.State == store.RunSucceeded:
		if m.run.ID != 0 {
			if p.runs.told == nil {
				p.runs.told = map[store.TaskRunID]bool{}
			}
			p.runs.told[m.run.ID] = true // told here: the watch need not
		}
		return tea.Batch(p.reload(), p.remind("reminder: "+reminderText(m.text, m.name), m.run.ID))
	case m.run.State == store.RunInterrupted:
		level, text = kit.ToastWarn, "the run of "+name+" was interrupted"
	case m.run.State == store.RunFailed:
		level, text = kit.ToastError, "ran "+name+": failed"
		if e := firstLine(m.run.Error); e != "" {
			text += ": " + e
		}
	default:
		text = "ran " + name + ": " + string(m.run.State)
		if !m.run.Started.IsZero() && !m.run.Finished.IsZero() {
			text += " in " + span(m.run.Finished.Sub(m.run.Started))
		}
	}
	return tea.Batch(p.reload(), kit.Toast(level, text))
}

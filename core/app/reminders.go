package app

import (
	"context"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
)

// reminders are the kernel's reminders, kept by the scheduler as tasks of
// kind reminder: their text is only ever shown when they fire. The
// scheduler is built on the first reminder, never with the kernel.
type reminders struct{ a *App }

var _ skills.Reminders = reminders{}

func (r reminders) AddReminder(ctx context.Context, message, spec, session, source string) (store.Task, error) {
	s, err := r.a.Schedules()
	if err != nil {
		return store.Task{}, err
	}
	return s.Add(ctx, scheduler.AddRequest{Kind: store.TaskReminder, Name: skills.ReminderName(message),
		Command: message, Spec: spec, Session: session, By: reminderBy(source), Source: source})
}

// ListReminders lists the reminders still to fire, paused ones included.
func (r reminders) ListReminders(ctx context.Context) ([]store.Task, error) {
	s, err := r.a.Schedules()
	if err != nil {
		return nil, err
	}
	tasks, err := s.List(ctx, true)
	if err != nil {
		return nil, err
	}
	out := tasks[:0]
	for _, t := range tasks {
		if t.Kind == store.TaskReminder && !t.Done() {
			out = append(out, t)
		}
	}
	return out, nil
}

func (r reminders) CancelReminder(ctx context.Context, id store.TaskID, source string) (store.Task, error) {
	s, err := r.a.Schedules()
	if err != nil {
		return store.Task{}, err
	}
	return s.Delete(ctx, id, reminderBy(source), source)
}

// reminderBy names who set a reminder: the person at a front end, or the
// scheduler or autonomy loop whose request did.
func reminderBy(source string) string {
	switch kernel.Source(source) {
	case kernel.SourceScheduler, kernel.SourceAutonomy:
		return source
	}
	return approvals.Person(approvals.Where(source)).Who
}

package app

import (
	"context"
	"os"
	"time"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/redact"
)

// Schedules returns the scheduler, built on first use from the store, the
// broker, the kernel (for request tasks) and the approval queue (for what
// their requests propose). A front end that runs due tasks (the daemon,
// the cockpit) calls its Start; Shutdown stops it before the store closes.
func (a *App) Schedules() (*scheduler.Service, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.schedules != nil {
		return a.schedules, nil
	}
	db, err := a.openStore(context.Background())
	if err != nil {
		return nil, err
	}
	secrets := a.cfg.SecretValues()
	env := a.opts.Environ
	if env == nil {
		env = os.Environ()
	}
	a.schedules = scheduler.New(scheduler.Options{
		Store:    db,
		Bus:      a.broker(),
		Run:      a.runTask,
		Redact:   func(s string) string { return redact.String(s, secrets...) },
		Log:      a.logger(),
		Location: localZone(env),
		Holder:   approvals.Runner(),
		Alive:    approvals.Alive,
	})
	// Reminders and failed runs go to the notification channels from the
	// process that fired them, whether or not it called Start.
	a.startNotify(a.cfg)
	return a.schedules, nil
}

// runTask runs a request task through the kernel as the scheduler: batch
// priority, and what its request proposes goes to the approval queue,
// where the run waits for a person's answer (never runs unapproved).
func (a *App) runTask(ctx context.Context, w scheduler.Work) scheduler.Outcome {
	q, err := a.Approvals()
	if err != nil {
		return scheduler.Outcome{Error: err.Error()}
	}
	ask := q.Asker(approvals.AskOptions{
		Where:   "scheduler",
		Wait:    true,
		Timeout: 24 * time.Hour, // bounded by the entry's own expiry
		OnPending: func(e approvals.Entry) {
			w.Waiting(e.ID)
		},
	})
	res := a.Run(ctx, kernel.Request{TurnID: w.TurnID, Input: w.Task.Command, Session: w.Task.Session,
		Source: kernel.SourceScheduler, Ask: ask})
	out := scheduler.Outcome{Success: res.Success, Output: res.Transcript(), Error: res.Error, Cancelled: res.Cancelled}
	if res.Refused && out.Error == "" {
		out.Error = "it proposed an action nobody approved"
	}
	return out
}

// stopSchedules stops the scheduler's runner, if one was started: runs
// still going are interrupted and recorded, and the lease released.
func (a *App) stopSchedules() {
	a.mu.Lock()
	s := a.schedules
	a.mu.Unlock()
	if s != nil {
		s.Stop(0)
	}
}

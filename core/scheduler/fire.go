package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// fireDue claims and starts every task due now, and returns the next due
// time (zero when no task is due later).
func (r *runner) fireDue(ctx context.Context) (time.Time, error) {
	s := r.s
	for {
		now := s.o.Now()
		due, err := s.o.Store.DueTasks(ctx, now, dueBatch)
		if err != nil {
			return time.Time{}, err
		}
		for _, t := range due {
			if err := r.fire(ctx, t, now); err != nil {
				if errors.Is(err, store.ErrNotLeaseHolder) {
					r.setHolding(false)
					return time.Time{}, err
				}
				if !errors.Is(err, store.ErrRunClaimed) {
					s.o.Log.Warn("scheduler: claim task", "task", t.ID, "err", err)
				}
			}
		}
		if len(due) < dueBatch {
			break
		}
	}
	t, ok, err := s.o.Store.NextDue(ctx)
	if err != nil || !ok {
		return time.Time{}, err
	}
	return t.NextRunAt, nil
}

// fire claims one due task's runs and starts those that are not skipped,
// one after another on a goroutine of their own.
func (r *runner) fire(ctx context.Context, t store.Task, now time.Time) error {
	s := r.s
	c := plan(t, now, s.o.Location)
	c.Holder = s.o.Holder
	runs, err := s.o.Store.ClaimDue(ctx, c)
	if err != nil {
		return err
	}
	var start []store.TaskRun
	for _, run := range runs {
		if run.State == store.RunSkipped {
			s.o.Log.Info("task run skipped", "task", t.ID, "name", t.Name, "due", run.DueAt, "why", run.Error)
			s.fired(t, run)
			continue
		}
		start = append(start, run)
	}
	if len(start) == 0 {
		return nil
	}
	r.runs.Add(1)
	go func() {
		defer r.runs.Done()
		for _, run := range start {
			ctx, cancel := context.WithCancel(r.runCtx)
			r.mu.Lock()
			r.going[run.ID] = goingRun{task: t.ID, cancel: cancel}
			r.mu.Unlock()
			s.execute(ctx, t, run)
			r.mu.Lock()
			delete(r.going, run.ID)
			r.mu.Unlock()
			cancel()
		}
	}()
	return nil
}

// plan decides a due task's runs at now by its missed-run policy, and its
// next due time after now.
func plan(t store.Task, now time.Time, loc *time.Location) store.Claim {
	c := store.Claim{Task: t.ID, Due: t.NextRunAt}
	spec, err := schedule.ParseStored(t.Spec, loc)
	if err != nil {
		// A row this binary cannot read never fires again, once recorded.
		c.Runs = []store.PlannedRun{{DueAt: t.NextRunAt, Trigger: store.TriggerSchedule,
			Skip: fmt.Sprintf("its schedule %q no longer reads: %v", t.Spec, err)}}
		return c
	}
	cap := t.MissedCap
	if cap < 1 {
		cap = 1
	}
	o := occurrences(spec, t.NextRunAt, now, cap)
	c.Next = o.next
	if len(o.missed) > 0 {
		switch t.Missed {
		case store.MissedSkip:
			c.Runs = append(c.Runs, store.PlannedRun{DueAt: o.missed[len(o.missed)-1], Trigger: store.TriggerMissed,
				Skip: fmt.Sprintf("%s missed while no process ran the scheduler; the task skips missed runs", runsWord(o.count, o.more))})
		case store.MissedAll:
			for _, d := range o.missed {
				c.Runs = append(c.Runs, store.PlannedRun{DueAt: d, Trigger: store.TriggerMissed})
			}
		default:
			// One run makes up for all of them, unless one is on time anyway.
			if len(o.onTime) == 0 {
				c.Runs = append(c.Runs, store.PlannedRun{DueAt: o.missed[len(o.missed)-1], Trigger: store.TriggerMissed})
			}
		}
	}
	for _, d := range o.onTime {
		c.Runs = append(c.Runs, store.PlannedRun{DueAt: d, Trigger: store.TriggerSchedule})
	}
	return c
}

func runsWord(n int, more bool) string {
	switch {
	case more:
		return fmt.Sprintf("%d or more runs", n)
	case n == 1:
		return "1 run"
	}
	return fmt.Sprintf("%d runs", n)
}

// due is what a due task's schedule held between its due time and now.
type due struct {
	missed []time.Time // the missed due times, oldest first, at most the cap
	count  int         // how many were missed (at least, when more)
	more   bool        // more were missed than counted
	onTime []time.Time // the newest due time, when it is within MissedGrace of now
	next   time.Time   // the first due time after now; zero when none
}

// occurrences reads the due times from first up to now. The newest is on
// time unless it is more than MissedGrace late; every earlier one was
// missed (no process ran it when it was due). An every: spec keeps its
// phase from first and is computed, not walked; other specs are walked up
// to the cap, and the on-time one is found from now.
func occurrences(spec schedule.Spec, first, now time.Time, cap int) due {
	var o due
	cutoff := now.Add(-MissedGrace) // due before it: late
	if spec.Kind() == schedule.Every {
		step, _ := spec.Next(time.Time{})
		period := step.Sub(time.Time{})
		n := int64(now.Sub(first)/period) + 1 // due times at or before now
		missed := n
		if newest := first.Add(time.Duration(n-1) * period); !newest.Before(cutoff) {
			o.onTime = []time.Time{newest}
			missed--
		}
		o.count = int(missed)
		for k := int64(0); k < missed && k < int64(cap); k++ {
			o.missed = append(o.missed, first.Add(time.Duration(k)*period))
		}
		o.next = first.Add(time.Duration(n) * period)
		return o
	}
	// The on-time due time: the newest in [cutoff, now], if any.
	var onTime time.Time
	d, ok := spec.Next(cutoff.Add(-time.Nanosecond))
	if d.Before(first) {
		d, ok = first, true
	}
	for ok && !d.After(now) {
		onTime = d
		d, ok = spec.Next(d)
	}
	if ok {
		o.next = d
	}
	if !onTime.IsZero() {
		o.onTime = []time.Time{onTime}
	}
	// The missed ones: every due time from first before the on-time one
	// (or up to now), walked no further than the cap.
	end := now
	if !onTime.IsZero() {
		end = onTime.Add(-time.Nanosecond)
	}
	for m, ok := first, true; ok && !m.After(end); m, ok = spec.Next(m) {
		if len(o.missed) == cap {
			o.more = true
			break
		}
		o.missed = append(o.missed, m)
		o.count++
	}
	return o
}

// execute runs a claimed run and records its outcome.
func (s *Service) execute(ctx context.Context, t store.Task, run store.TaskRun) store.TaskRun {
	s.fired(t, run)
	var o Outcome
	var audit []store.AuditEntry
	turn := store.NewTurnID()
	switch t.Kind {
	case store.TaskReminder:
		o = Outcome{Success: true, Output: t.Command}
		audit = append(audit, store.AuditEntry{TurnID: turn, Session: t.Session, Source: "scheduler",
			Input: s.o.Redact(t.Command), Route: "reminder", Skill: "reminder", ChosenBy: "scheduler",
			Action: s.o.Redact(fmt.Sprintf("remind (task %s %q): %s", t.ID, t.Name, t.Command)), Success: true})
	default:
		if s.o.Run == nil {
			o = Outcome{Error: "this process cannot run requests"}
			break
		}
		o = s.o.Run(ctx, Work{Task: t, Run: run, TurnID: turn, Waiting: func(id store.ApprovalID) {
			if err := s.o.Store.SetRunWaiting(context.WithoutCancel(ctx), run.ID, id); err != nil && !errors.Is(err, store.ErrRunClaimed) {
				s.o.Log.Warn("scheduler: mark run waiting", "run", run.ID, "err", err)
			}
		}})
	}
	state := store.RunSucceeded
	switch {
	case o.Cancelled || (ctx.Err() != nil && !o.Success):
		state = store.RunInterrupted
		if o.Error == "" || ctx.Err() != nil {
			o.Error = "Macroa stopped before the run finished"
		}
	case !o.Success:
		state = store.RunFailed
	}
	// The outcome is recorded even when ctx ended: that is what ended it.
	rec, err := s.o.Store.FinishRun(context.WithoutCancel(ctx), run.ID, store.RunOutcome{
		State: state, Output: s.o.Redact(o.Output), Error: s.o.Redact(o.Error), TurnID: turn}, audit...)
	if err != nil {
		if !errors.Is(err, store.ErrRunClaimed) {
			s.o.Log.Warn("scheduler: record run", "run", run.ID, "err", err)
		}
		run.State, run.Error = state, o.Error
		return run
	}
	s.o.Log.Info("task run", "task", t.ID, "name", t.Name, "run", rec.ID, "state", rec.State, "trigger", rec.Trigger)
	s.fired(t, rec)
	return rec
}

// fired publishes a run's start or end.
func (s *Service) fired(t store.Task, run store.TaskRun) {
	e := events.TaskFired{Task: string(t.ID), Name: termsafe.Clean(t.Name), Kind: string(t.Kind), Run: int64(run.ID),
		State: string(run.State), Trigger: string(run.Trigger)}
	if t.Kind == store.TaskReminder {
		e.Message = termsafe.Clean(t.Command)
	}
	if run.State == store.RunFailed || run.State == store.RunInterrupted {
		e.Error = termsafe.Clean(run.Error)
	}
	s.publish(e)
}

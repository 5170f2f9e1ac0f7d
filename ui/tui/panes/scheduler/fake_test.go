package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
)

// fakeScheduler is an in-memory scheduler with the service's rules: specs
// are read by core/schedule (a bad one is a *schedule.Error and nothing is
// stored), a name another task still to fire has is refused
// (scheduler.ErrNameTaken), runs get a Seq that moves on every write, a
// run-now of a task whose command starts with "fail" fails. It records
// every call that changes something.
type fakeScheduler struct {
	mu    sync.Mutex
	now   time.Time
	tasks map[store.TaskID]store.Task
	runs  []store.TaskRun
	seq   int64
	ids   int
	// calls records each change: "pause ID by who from where", "add NAME
	// SPEC KIND MISSED by who from source", "delete ID ...", "run ID ...".
	calls []string
	// status is what Status says.
	status scheduler.Status
	// marked are the runs MarkShown was called with.
	marked []store.TaskRunID
	// hold, when set, keeps RunNow from returning until it is closed or
	// its context ends (the run is then interrupted).
	hold chan struct{}
}

func newFake(now time.Time) *fakeScheduler {
	return &fakeScheduler{now: now, tasks: map[store.TaskID]store.Task{},
		status: scheduler.Status{Held: true, Self: true, Lease: store.Lease{Role: "tui"}}}
}

// add puts tasks in the table as they are.
func (f *fakeScheduler) add(ts ...store.Task) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range ts {
		if t.Kind == "" {
			t.Kind = store.TaskRequest
		}
		f.tasks[t.ID] = t
	}
}

// record writes a run (a new one, or a new state of one), moving its Seq.
func (f *fakeScheduler) record(r store.TaskRun) store.TaskRun {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recordLocked(r)
}

func (f *fakeScheduler) recordLocked(r store.TaskRun) store.TaskRun {
	if t, ok := f.tasks[r.Task]; ok {
		r.TaskName, r.TaskKind, r.TaskCommand = t.Name, t.Kind, t.Command
	}
	if r.ID == 0 {
		r.ID = store.TaskRunID(len(f.runs) + 1)
	}
	f.seq++
	r.Seq = f.seq
	f.runs = slices.DeleteFunc(f.runs, func(x store.TaskRun) bool { return x.ID == r.ID })
	f.runs = append(f.runs, r)
	return r
}

func (f *fakeScheduler) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeScheduler) List(ctx context.Context, all bool) ([]store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Task
	for _, t := range f.tasks {
		if all || !t.Paused && !t.Done() {
			out = append(out, t)
		}
	}
	// By next due time; paused and done ones after, by name.
	slices.SortFunc(out, func(a, b store.Task) int {
		al, bl := !a.Paused && !a.Done(), !b.Paused && !b.Done()
		switch {
		case al && !bl:
			return -1
		case bl && !al:
			return 1
		case al && !a.NextRunAt.Equal(b.NextRunAt):
			return a.NextRunAt.Compare(b.NextRunAt)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

func (f *fakeScheduler) Describe(t store.Task) string {
	s, err := schedule.ParseStored(t.Spec, time.UTC)
	if err != nil {
		return t.Spec
	}
	return s.Describe()
}

func (f *fakeScheduler) Preview(text string, n int) (scheduler.Preview, error) {
	s, err := schedule.Parse(text, f.now, time.UTC)
	if err != nil {
		return scheduler.Preview{}, err
	}
	return scheduler.Preview{Machine: s.String(), Words: s.Describe(), Next: s.NextN(n, f.now)}, nil
}

func (f *fakeScheduler) Add(ctx context.Context, r scheduler.AddRequest) (store.Task, error) {
	s, err := schedule.Parse(r.Spec, f.now, time.UTC)
	if err != nil {
		return store.Task{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tasks {
		if r.Kind != store.TaskReminder && t.Name == r.Name && !t.Done() {
			return store.Task{}, fmt.Errorf("add task: %w: %q is task %s; pick another name, or delete that one first",
				scheduler.ErrNameTaken, r.Name, t.ID)
		}
	}
	f.calls = append(f.calls, fmt.Sprintf("add %s %s %s %s by %s from %s", r.Name, s.String(), r.Kind, r.Missed, r.By, r.Source))
	f.ids++
	next, _ := s.Next(f.now)
	t := store.Task{ID: store.TaskID(fmt.Sprintf("new%07d", f.ids)), Name: r.Name, Command: r.Command, Kind: r.Kind,
		Spec: s.String(), Missed: r.Missed, MissedCap: 10, NextRunAt: next, CreatedAt: f.now, CreatedBy: r.By, Source: r.Source}
	f.tasks[t.ID] = t
	return t, nil
}

func (f *fakeScheduler) Delete(ctx context.Context, id store.TaskID, by, where string) (store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tasks[id]
	if !ok {
		return store.Task{}, store.ErrTaskNotFound
	}
	f.calls = append(f.calls, fmt.Sprintf("delete %s by %s from %s", id, by, where))
	delete(f.tasks, id)
	return t, nil
}

func (f *fakeScheduler) SetPaused(ctx context.Context, id store.TaskID, paused bool, by, where string) (store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tasks[id]
	if !ok {
		return store.Task{}, store.ErrTaskNotFound
	}
	verb := "resume"
	if paused {
		verb = "pause"
	}
	f.calls = append(f.calls, fmt.Sprintf("%s %s by %s from %s", verb, id, by, where))
	t.Paused = paused
	if !paused {
		if s, err := schedule.ParseStored(t.Spec, time.UTC); err == nil {
			t.NextRunAt, _ = s.Next(f.now)
		}
	}
	f.tasks[id] = t
	return t, nil
}

func (f *fakeScheduler) RunNow(ctx context.Context, id store.TaskID, by, where string) (store.TaskRun, error) {
	f.mu.Lock()
	t, ok := f.tasks[id]
	hold := f.hold
	if ok {
		f.calls = append(f.calls, fmt.Sprintf("run %s by %s from %s", id, by, where))
	}
	f.mu.Unlock()
	if !ok {
		return store.TaskRun{}, store.ErrTaskNotFound
	}
	interrupted := false
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			interrupted = true
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r := store.TaskRun{Task: id, DueAt: f.now, Trigger: store.TriggerNow, State: store.RunSucceeded,
		Started: f.now, Finished: f.now.Add(1500 * time.Millisecond), Output: "ok\n"}
	switch {
	case interrupted:
		r.State, r.Error, r.Output = store.RunInterrupted, "interrupted", ""
	case strings.HasPrefix(t.Command, "fail"):
		r.State, r.Error, r.Output = store.RunFailed, "exit status 1\nmore", ""
	}
	r = f.recordLocked(r)
	t.RunCount++
	t.LastState, t.LastRunAt = r.State, r.Started
	f.tasks[id] = t
	return r, nil
}

func (f *fakeScheduler) History(ctx context.Context, id store.TaskID, limit int) ([]store.TaskRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.TaskRun
	for i := len(f.runs) - 1; i >= 0 && len(out) < limit; i-- {
		if f.runs[i].Task == id {
			out = append(out, f.runs[i])
		}
	}
	slices.SortStableFunc(out, func(a, b store.TaskRun) int { return b.Started.Compare(a.Started) })
	return out, nil
}

func (f *fakeScheduler) RunsSince(ctx context.Context, seq int64, limit int) ([]store.TaskRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.TaskRun
	for _, r := range f.runs {
		if r.Seq > seq {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b store.TaskRun) int { return int(a.Seq - b.Seq) })
	return out[:min(len(out), limit)], nil
}

func (f *fakeScheduler) LastRunSeq(ctx context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seq, nil
}

func (f *fakeScheduler) NextTimes(t store.Task, n int) []time.Time {
	if t.Done() || n <= 0 {
		return nil
	}
	s, err := schedule.ParseStored(t.Spec, time.UTC)
	if err != nil {
		return []time.Time{t.NextRunAt}
	}
	return append([]time.Time{t.NextRunAt}, s.NextN(n-1, t.NextRunAt)...)
}

func (f *fakeScheduler) Status(ctx context.Context) (scheduler.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, nil
}

func (f *fakeScheduler) UnshownReminders(ctx context.Context, since time.Time) ([]store.TaskRun, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.TaskRun
	for _, r := range f.runs {
		if r.TaskKind == store.TaskReminder && r.State == store.RunSucceeded && r.Shown.IsZero() && r.Finished.After(since) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b store.TaskRun) int { return a.Finished.Compare(b.Finished) })
	return out, nil
}

// MarkShown sets the runs' Shown (moving no Seq, as the store does) and
// records the ids in marked.
func (f *fakeScheduler) MarkShown(ctx context.Context, ids ...store.TaskRunID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.marked = append(f.marked, id)
		for i := range f.runs {
			if f.runs[i].ID == id && f.runs[i].Shown.IsZero() {
				f.runs[i].Shown = f.now
			}
		}
	}
	return nil
}

// markedIDs are the runs MarkShown was called with, in order.
func (f *fakeScheduler) markedIDs() []store.TaskRunID {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.marked)
}

// The fake serves the pane, and so does the real service.
var (
	_ Service = (*fakeScheduler)(nil)
	_ Service = (*scheduler.Service)(nil)
)

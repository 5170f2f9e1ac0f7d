package scheduler

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// rig is a scheduler over a real database file, with an executor that
// counts the runs it is handed.
type rig struct {
	db   *store.DB
	bus  *events.Bus
	svc  *Service
	runs atomic.Int64
}

type rigOptions struct {
	holder string
	alive  func(string) bool
	run    func(ctx context.Context, w Work) Outcome
}

func newRig(t *testing.T, path string, o rigOptions) *rig {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{db: db, bus: events.New(nil)}
	if o.alive == nil {
		o.alive = func(string) bool { return true }
	}
	run := o.run
	if run == nil {
		run = func(ctx context.Context, w Work) Outcome { return Outcome{Success: true, Output: "ok"} }
	}
	r.svc = New(Options{Store: db, Bus: r.bus, Holder: o.holder, Alive: o.alive,
		LeaseTTL: 900 * time.Millisecond, RenewEvery: 300 * time.Millisecond,
		Run: func(ctx context.Context, w Work) Outcome { r.runs.Add(1); return run(ctx, w) }})
	t.Cleanup(func() {
		r.svc.Stop(0)
		r.bus.Close()
		db.Close()
	})
	return r
}

func dbPath(t *testing.T) string { return filepath.Join(t.TempDir(), "macroa.db") }

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func add(t *testing.T, s *Service, name, command, spec string, kind store.TaskKind) store.Task {
	t.Helper()
	task, err := s.Add(context.Background(), AddRequest{Name: name, Command: command, Spec: spec, Kind: kind, By: "person:test", Source: "test"})
	if err != nil {
		t.Fatalf("Add(%s): %v", spec, err)
	}
	return task
}

func history(t *testing.T, db *store.DB, id store.TaskID) []store.TaskRun {
	t.Helper()
	runs, err := db.TaskHistory(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func TestTwoRunnersFireEachRunOnce(t *testing.T) {
	path := dbPath(t)
	a := newRig(t, path, rigOptions{holder: "h/1/1"})
	b := newRig(t, path, rigOptions{holder: "h/2/2"})
	task := add(t, a.svc, "tick", "!true", "every:1", store.TaskRequest)
	for _, r := range []*rig{a, b} {
		if err := r.svc.Start(context.Background(), "test"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 15*time.Second, "four runs", func() bool { return len(history(t, a.db, task.ID)) >= 4 })
	a.svc.Stop(time.Second)
	b.svc.Stop(time.Second)
	runs := history(t, a.db, task.ID)
	sort.Slice(runs, func(i, j int) bool { return runs[i].DueAt.Before(runs[j].DueAt) })
	seen := map[int64]bool{}
	runners := map[string]bool{}
	for i, r := range runs {
		if seen[r.DueAt.UnixMilli()] {
			t.Fatalf("due time %v ran twice", r.DueAt)
		}
		seen[r.DueAt.UnixMilli()] = true
		runners[r.Runner] = true
		if r.State != store.RunSucceeded {
			t.Errorf("run %d: %s %s", r.ID, r.State, r.Error)
		}
		if i > 0 && r.DueAt.Sub(runs[i-1].DueAt) != time.Second {
			t.Errorf("runs %d and %d are %v apart, want 1s (phase kept, none lost)", i-1, i, r.DueAt.Sub(runs[i-1].DueAt))
		}
	}
	if got := a.runs.Load() + b.runs.Load(); got != int64(len(runs)) {
		t.Fatalf("%d executions for %d runs", got, len(runs))
	}
	if len(runners) != 1 {
		t.Fatalf("runs by %v: want one lease holder", runners)
	}
}

func TestReminderNotifiesAndRunsNothing(t *testing.T) {
	r := newRig(t, dbPath(t), rigOptions{holder: "h/1/1"})
	sub := r.bus.SubscribeWith(context.Background(), events.SubscribeOptions[events.Event]{
		Filter: func(e events.Event) bool { _, ok := e.(events.TaskFired); return ok }})
	at := time.Now().Add(1200 * time.Millisecond).Unix()
	task := add(t, r.svc, "reminder: rm", "!rm -rf ~ \x1b[31mnow", "once:"+itoa(at+1), store.TaskReminder)
	if err := r.svc.Start(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	var fired events.TaskFired
	deadline := time.After(10 * time.Second)
	for fired.State != string(store.RunSucceeded) {
		select {
		case e := <-sub.C:
			fired = e.(events.TaskFired)
		case <-deadline:
			t.Fatal("the reminder never fired")
		}
	}
	if fired.Message != "!rm -rf ~ now" || fired.Kind != string(store.TaskReminder) {
		t.Fatalf("fired = %+v (the text must be cleaned)", fired)
	}
	if n := r.runs.Load(); n != 0 {
		t.Fatalf("a reminder was handed to the executor %d times", n)
	}
	got, _ := r.db.GetTask(context.Background(), task.ID)
	if !got.Done() || got.LastState != store.RunSucceeded {
		t.Fatalf("task after firing: %+v", got)
	}
	entries, _ := r.db.RecentAudit(context.Background(), 5)
	found := false
	for _, e := range entries {
		found = found || (e.Skill == "reminder" && e.Source == "scheduler" && strings.Contains(e.Action, "remind"))
	}
	if !found {
		t.Fatalf("no reminder audit entry in %+v", entries)
	}
}

func TestStopInterruptsRunsAfterGrace(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	r := newRig(t, dbPath(t), rigOptions{holder: "h/1/1", run: func(ctx context.Context, w Work) Outcome {
		once.Do(func() { close(started) })
		<-ctx.Done()
		return Outcome{Cancelled: true, Error: "cancelled"}
	}})
	task := add(t, r.svc, "slow", "!sleep 100", "every:1", store.TaskRequest)
	if err := r.svc.Start(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the run never started")
	}
	r.svc.Stop(50 * time.Millisecond)
	runs := history(t, r.db, task.ID)
	var interrupted int
	for _, x := range runs {
		if x.State == store.RunRunning || x.State == store.RunWaiting {
			t.Fatalf("run %d still %s after Stop", x.ID, x.State)
		}
		if x.State == store.RunInterrupted {
			interrupted++
		}
	}
	if interrupted != 1 {
		t.Fatalf("runs = %+v, want one interrupted", runs)
	}
	if _, held, _ := r.db.GetLease(context.Background(), store.SchedulerLease); held {
		t.Fatal("the lease was not released")
	}
}

func TestDeadHoldersLeaseAndRunsAreTakenOver(t *testing.T) {
	path := dbPath(t)
	dead := "h/9/9"
	alive := func(h string) bool { return h != dead }
	r := newRig(t, path, rigOptions{holder: "h/1/1", alive: alive})
	ctx := context.Background()
	task := add(t, r.svc, "left", "!true", "every:3600", store.TaskRequest)
	// The dead process held the lease for a long time and was running a task.
	if _, got, err := r.db.AcquireLease(ctx, store.SchedulerLease, dead, "daemon", time.Hour, nil, nil); err != nil || !got {
		t.Fatal(got, err)
	}
	left, err := r.db.StartRunNow(ctx, task.ID, dead)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Start(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the lease taken over", r.svc.Holding)
	x, _ := r.db.GetRun(ctx, left.ID)
	if x.State != store.RunInterrupted || !strings.Contains(x.Error, dead) {
		t.Fatalf("the dead process's run is %s: %s", x.State, x.Error)
	}
	if r.runs.Load() != 0 {
		t.Fatal("the interrupted run was run again")
	}
}

func TestWaitingForTheLeaseThenTakingItOnRelease(t *testing.T) {
	path := dbPath(t)
	a := newRig(t, path, rigOptions{holder: "h/1/1"})
	b := newRig(t, path, rigOptions{holder: "h/2/2"})
	ctx := context.Background()
	if err := a.svc.Start(ctx, "daemon"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "a holds the lease", a.svc.Holding)
	if err := b.svc.Start(ctx, "tui"); err != nil {
		t.Fatal(err)
	}
	st, err := b.svc.Status(ctx)
	if err != nil || !st.Held || st.Self || st.Lease.Role != "daemon" {
		t.Fatalf("status seen by b: %+v, %v", st, err)
	}
	a.svc.Stop(0)
	// b learns of the release from the store watcher in a real process;
	// here the event is published by hand.
	b.bus.Publish(events.StoreChanged{Parts: []events.StorePart{events.PartSchedules}, At: time.Now()})
	waitFor(t, 5*time.Second, "b takes the released lease", b.svc.Holding)
	task := add(t, b.svc, "after", "!true", "every:1", store.TaskRequest)
	waitFor(t, 10*time.Second, "b fires", func() bool { return len(history(t, b.db, task.ID)) >= 1 })
}

func TestAddRefusesAndStoresNothing(t *testing.T) {
	r := newRig(t, dbPath(t), rigOptions{holder: "h/1/1"})
	for _, spec := range []string{"cron:61 * * * *", "every:0", "daily:9:00", "once:abc", "once:1", "TZ=Nowhere/x daily:07:00", ""} {
		if _, err := r.svc.Add(context.Background(), AddRequest{Name: "x", Command: "!true", Spec: spec}); err == nil {
			t.Errorf("Add(%q) was accepted", spec)
		}
	}
	if tasks, _ := r.svc.List(context.Background(), true); len(tasks) != 0 {
		t.Fatalf("refused specs stored %d tasks", len(tasks))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A daemon started while a cockpit runs due tasks takes over from it at
// once; the cockpit stops claiming and runs nothing twice.
func TestDaemonTakesOverFromCockpit(t *testing.T) {
	path := dbPath(t)
	tui := newRig(t, path, rigOptions{holder: "h/1/1"})
	daemon := newRig(t, path, rigOptions{holder: "h/2/2"})
	ctx := context.Background()
	if err := tui.svc.Start(ctx, "tui"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the cockpit holds the lease", tui.svc.Holding)
	task := add(t, tui.svc, "tick", "!true", "every:1", store.TaskRequest)
	waitFor(t, 10*time.Second, "a run in the cockpit", func() bool { return tui.runs.Load() >= 1 })
	if err := daemon.svc.Start(ctx, RoleDaemon); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the daemon takes the lease", daemon.svc.Holding)
	// The cockpit learns of it from the store watcher in a real process.
	tui.bus.Publish(events.StoreChanged{Parts: []events.StorePart{events.PartSchedules}, At: time.Now()})
	waitFor(t, 5*time.Second, "the cockpit gives up", func() bool { return !tui.svc.Holding() })
	waitFor(t, 10*time.Second, "a run in the daemon", func() bool { return daemon.runs.Load() >= 1 })
	seen := map[int64]bool{}
	for _, r := range history(t, tui.db, task.ID) {
		if seen[r.DueAt.UnixMilli()] {
			t.Fatalf("due time %v ran twice", r.DueAt)
		}
		seen[r.DueAt.UnixMilli()] = true
	}
}

func TestNamesSayWhichTask(t *testing.T) {
	r := newRig(t, dbPath(t), rigOptions{holder: "h/1/1"})
	ctx := context.Background()
	add(t, r.svc, "backup", "!true", "every:3600", store.TaskRequest)
	if _, err := r.svc.Add(ctx, AddRequest{Name: "backup", Command: "!true", Spec: "every:60"}); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a second backup: %v", err)
	}
	for _, bad := range []string{"evil\x1b[2J", "two\nlines", "bidi\u202e", "bell\a"} {
		if _, err := r.svc.Add(ctx, AddRequest{Name: bad, Command: "!true", Spec: "every:60"}); !errors.Is(err, ErrNameControls) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	first := add(t, r.svc, "reminder: stretch", "stretch", "in 1 hour", store.TaskReminder)
	second := add(t, r.svc, "reminder: stretch", "stretch", "in 2 hours", store.TaskReminder)
	if first.Name != "reminder: stretch" || second.Name != "reminder: stretch (2)" {
		t.Fatalf("reminder names: %q, %q", first.Name, second.Name)
	}
}

func TestRunNowOfAReminderIsShown(t *testing.T) {
	r := newRig(t, dbPath(t), rigOptions{holder: "h/1/1"})
	ctx := context.Background()
	task := add(t, r.svc, "reminder: tea", "tea", "in 1 hour", store.TaskReminder)
	run, err := r.svc.RunNow(ctx, task.ID, "person:test", "cli")
	if err != nil || run.State != store.RunSucceeded {
		t.Fatalf("run now: %+v, %v", run, err)
	}
	if left, _ := r.svc.UnshownReminders(ctx, time.Now().Add(-time.Hour)); len(left) != 0 {
		t.Fatalf("a reminder run by the person who sees it is left to show again: %+v", left)
	}
}

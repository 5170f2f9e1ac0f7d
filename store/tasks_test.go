package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func addTestTask(t testing.TB, db *DB, name string, next time.Time) Task {
	t.Helper()
	task, err := db.AddTask(context.Background(), Task{Name: name, Command: "!true", Kind: TaskRequest,
		Spec: "every:60", NextRunAt: next, CreatedBy: "person:test", Source: "cli"}, AuditEntry{Source: "cli"})
	if err != nil {
		t.Fatalf("AddTask: %v", err)
	}
	return task
}

func takeLease(t testing.TB, db *DB, holder string) {
	t.Helper()
	if _, got, err := db.AcquireLease(context.Background(), SchedulerLease, holder, "test", time.Minute, nil, nil); err != nil || !got {
		t.Fatalf("AcquireLease(%s) = %v, %v", holder, got, err)
	}
}

func TestAddTaskRefusesWhatCannotRun(t *testing.T) {
	db := openTest(t)
	next := time.Now().Add(time.Hour)
	ok := Task{Name: "n", Command: "!true", Kind: TaskRequest, Spec: "every:5", NextRunAt: next}
	cases := []struct {
		name string
		edit func(*Task)
		want string
	}{
		{"no name", func(x *Task) { x.Name = " " }, "needs a name"},
		{"no command", func(x *Task) { x.Command = "" }, "needs a command"},
		{"bad kind", func(x *Task) { x.Kind = "shell" }, "unknown task kind"},
		{"no spec", func(x *Task) { x.Spec = "" }, "needs a schedule"},
		{"never runs", func(x *Task) { x.NextRunAt = time.Time{} }, "never run"},
		{"bad policy", func(x *Task) { x.Missed = "twice" }, "missed-run policy"},
		{"cap too big", func(x *Task) { x.MissedCap = MaxMissedCap + 1 }, "cap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := ok
			c.edit(&x)
			if _, err := db.AddTask(context.Background(), x, AuditEntry{}); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	tasks, err := db.ListTasks(context.Background(), true)
	if err != nil || len(tasks) != 0 {
		t.Fatalf("after refusals: %d tasks, %v", len(tasks), err)
	}
}

func TestAddTaskWritesItsAuditEntry(t *testing.T) {
	db := openTest(t)
	before := lastAuditID(t, db)
	task := addTestTask(t, db, "brief", time.Now().Add(time.Minute))
	got := auditAfter(t, db, before)
	if len(got) != 1 || got[0].Skill != "schedule" || !strings.Contains(got[0].Action, string(task.ID)) {
		t.Fatalf("audit = %+v", got)
	}
	verifyChain(t, db)
}

func TestFindTask(t *testing.T) {
	db := openTest(t)
	a := addTestTask(t, db, "alpha", time.Now().Add(time.Minute))
	b := addTestTask(t, db, "beta", time.Now().Add(time.Minute))
	t1 := addTestTask(t, db, "twin", time.Now().Add(time.Minute))
	t2 := addTestTask(t, db, "twin", time.Now().Add(time.Minute))
	// unique is the shortest prefix of a's id that no other id starts with;
	// common the longest a shares with b.
	unique := 1
	for _, o := range []TaskID{b.ID, t1.ID, t2.ID} {
		for unique < len(a.ID) && strings.HasPrefix(string(o), string(a.ID[:unique])) {
			unique++
		}
	}
	common := 0
	for common < len(a.ID) && a.ID[common] == b.ID[common] {
		common++
	}
	ctx := context.Background()
	cases := []struct {
		ref     string
		want    TaskID
		missing bool
		ambig   int
	}{
		{ref: string(a.ID), want: a.ID},
		{ref: strings.ToUpper(string(a.ID[:unique])), want: a.ID},
		{ref: "alpha", want: a.ID},
		{ref: "beta", want: b.ID},
		{ref: "gamma", missing: true},
		{ref: "", missing: true},
		{ref: "twin", ambig: 2},
	}
	if common > 0 {
		cases = append(cases, struct {
			ref     string
			want    TaskID
			missing bool
			ambig   int
		}{ref: string(a.ID[:common]), ambig: 2})
	}
	for _, c := range cases {
		got, err := db.FindTask(ctx, c.ref)
		var amb *AmbiguousTaskError
		switch {
		case c.missing:
			if !errors.Is(err, ErrTaskNotFound) {
				t.Errorf("FindTask(%q) err = %v, want not found", c.ref, err)
			}
		case c.ambig > 0:
			if !errors.As(err, &amb) || len(amb.Matches) < c.ambig {
				t.Errorf("FindTask(%q) err = %v, want ambiguous", c.ref, err)
			}
		case err != nil || got.ID != c.want:
			t.Errorf("FindTask(%q) = %s, %v; want %s", c.ref, got.ID, err, c.want)
		}
	}
}

func TestClaimDueOnceAcrossConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "macroa.db")
	ctx := context.Background()
	var dbs []*DB
	for range 2 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	due := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	task := addTestTask(t, dbs[0], "race", due)
	takeLease(t, dbs[0], "h/1/1")
	// Both believe they hold the lease (one's view is stale): the claim
	// itself must let only one through.
	var wg sync.WaitGroup
	results := make([][]TaskRun, 2)
	errs := make([]error, 2)
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = db.ClaimDue(ctx, Claim{Task: task.ID, Due: due, Next: due.Add(time.Minute),
				Holder: "h/1/1", Runs: []PlannedRun{{DueAt: due, Trigger: TriggerSchedule}}})
		}()
	}
	wg.Wait()
	claimed := 0
	for i := range 2 {
		switch {
		case errs[i] == nil && len(results[i]) == 1:
			claimed++
		case errors.Is(errs[i], ErrRunClaimed):
		default:
			t.Fatalf("claim %d: %v %v", i, results[i], errs[i])
		}
	}
	if claimed != 1 {
		t.Fatalf("%d claims went through, want 1", claimed)
	}
	runs, _ := dbs[0].TaskHistory(ctx, task.ID, 10)
	if len(runs) != 1 || runs[0].State != RunRunning {
		t.Fatalf("runs = %+v", runs)
	}
}

func TestClaimDueNeedsTheLease(t *testing.T) {
	db := openTest(t)
	clock := useFakeClock(db)
	due := clock.now()
	task := addTestTask(t, db, "x", due)
	claim := Claim{Task: task.ID, Due: due, Next: due.Add(time.Minute), Holder: "h/1/1",
		Runs: []PlannedRun{{DueAt: due, Trigger: TriggerSchedule}}}
	ctx := context.Background()
	if _, err := db.ClaimDue(ctx, claim); !errors.Is(err, ErrNotLeaseHolder) {
		t.Fatalf("without the lease: %v", err)
	}
	takeLease(t, db, "h/2/2")
	if _, err := db.ClaimDue(ctx, claim); !errors.Is(err, ErrNotLeaseHolder) {
		t.Fatalf("with another's lease: %v", err)
	}
	if _, err := db.ReleaseLease(ctx, SchedulerLease, "h/2/2"), error(nil); err != nil {
		t.Fatal(err)
	}
	takeLease(t, db, "h/1/1")
	clock.advance(2 * time.Minute) // the lease expired: a holder that stopped renewing claims nothing
	if _, err := db.ClaimDue(ctx, claim); !errors.Is(err, ErrNotLeaseHolder) {
		t.Fatalf("with an expired lease: %v", err)
	}
}

func TestClaimDueSkipsWhileARunIsGoing(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	due := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	task := addTestTask(t, db, "slow", due)
	takeLease(t, db, "h/1/1")
	first, err := db.ClaimDue(ctx, Claim{Task: task.ID, Due: due, Next: due.Add(time.Second), Holder: "h/1/1",
		Runs: []PlannedRun{{DueAt: due, Trigger: TriggerSchedule}}})
	if err != nil || len(first) != 1 {
		t.Fatal(first, err)
	}
	second, err := db.ClaimDue(ctx, Claim{Task: task.ID, Due: due.Add(time.Second), Next: due.Add(2 * time.Second),
		Holder: "h/1/1", Runs: []PlannedRun{{DueAt: due.Add(time.Second), Trigger: TriggerSchedule}}})
	if err != nil || len(second) != 0 {
		t.Fatalf("second claim = %+v, %v; want the task moved on and no run", second, err)
	}
	got, _ := db.GetTask(ctx, task.ID)
	if got.RunCount != 1 || !got.NextRunAt.Equal(due.Add(2*time.Second)) {
		t.Fatalf("task = %+v", got)
	}
}

func TestFinishRunAndHistoryBound(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	task := addTestTask(t, db, "many", time.Now().Add(time.Hour))
	for i := range MaxTaskRuns + 5 {
		run, err := db.StartRunNow(ctx, task.ID, "h/1/1")
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if _, err := db.StartRunNow(ctx, task.ID, "h/1/1"); !errors.Is(err, ErrTaskBusy) {
			t.Fatalf("second run while one goes: %v", err)
		}
		out := strings.Repeat("x", MaxRunOutput+10)
		done, err := db.FinishRun(ctx, run.ID, RunOutcome{State: RunFailed, Output: out, Error: "boom\nmore"})
		if err != nil || done.State != RunFailed || len(done.Output) != MaxRunOutput {
			t.Fatalf("finish %d: %+v %v", i, done.State, err)
		}
		if _, err := db.FinishRun(ctx, run.ID, RunOutcome{State: RunSucceeded}); !errors.Is(err, ErrRunClaimed) {
			t.Fatalf("finishing twice: %v", err)
		}
	}
	runs, err := db.TaskHistory(ctx, task.ID, 0)
	if err != nil || len(runs) != MaxTaskRuns {
		t.Fatalf("history holds %d runs, want %d (%v)", len(runs), MaxTaskRuns, err)
	}
	got, _ := db.GetTask(ctx, task.ID)
	if got.LastState != RunFailed || got.LastError != "boom" || got.RunCount != MaxTaskRuns+5 {
		t.Fatalf("task = %+v", got)
	}
}

func TestInterruptDeadRuns(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	task := addTestTask(t, db, "victim", time.Now().Add(time.Hour))
	dead, err := db.StartRunNow(ctx, task.ID, "h/99/1")
	if err != nil {
		t.Fatal(err)
	}
	other := addTestTask(t, db, "alive", time.Now().Add(time.Hour))
	live, _ := db.StartRunNow(ctx, other.ID, "h/1/1")
	before := lastAuditID(t, db)
	got, err := db.InterruptDeadRuns(ctx, func(r string) bool { return r == "h/1/1" }, "daemon")
	if err != nil || len(got) != 1 || got[0].ID != dead.ID || got[0].State != RunInterrupted {
		t.Fatalf("interrupted = %+v, %v", got, err)
	}
	if a := auditAfter(t, db, before); len(a) != 1 || a[0].Success || !strings.Contains(a[0].Action, "interrupted") {
		t.Fatalf("audit = %+v", a)
	}
	if _, err := db.FinishRun(ctx, dead.ID, RunOutcome{State: RunSucceeded}); !errors.Is(err, ErrRunClaimed) {
		t.Fatalf("an interrupted run finished later: %v", err)
	}
	if r, _ := db.GetRun(ctx, live.ID); r.State != RunRunning {
		t.Fatalf("the live run became %s", r.State)
	}
}

func TestLeaseTakeover(t *testing.T) {
	db := openTest(t)
	clock := useFakeClock(db)
	ctx := context.Background()
	alive := map[string]bool{"a/1/1": true, "b/2/2": true}
	isAlive := func(h string) bool { return alive[h] }
	if _, got, _ := db.AcquireLease(ctx, SchedulerLease, "a/1/1", "daemon", 15*time.Second, isAlive, nil); !got {
		t.Fatal("a could not take a free lease")
	}
	if l, got, _ := db.AcquireLease(ctx, SchedulerLease, "b/2/2", "tui", 15*time.Second, isAlive, nil); got || l.Holder != "a/1/1" {
		t.Fatalf("b took a held lease: %+v", l)
	}
	clock.advance(10 * time.Second)
	if _, err := db.RenewLease(ctx, SchedulerLease, "a/1/1", 15*time.Second); err != nil {
		t.Fatal(err)
	}
	clock.advance(10 * time.Second) // renewed: still a's
	if _, got, _ := db.AcquireLease(ctx, SchedulerLease, "b/2/2", "tui", 15*time.Second, isAlive, nil); got {
		t.Fatal("b took a renewed lease")
	}
	alive["a/1/1"] = false // a died: b takes over before the lease expires
	if l, got, _ := db.AcquireLease(ctx, SchedulerLease, "b/2/2", "tui", 15*time.Second, isAlive, nil); !got || l.Role != "tui" {
		t.Fatalf("b did not take a dead holder's lease: %+v", l)
	}
	if _, err := db.RenewLease(ctx, SchedulerLease, "a/1/1", 15*time.Second); !errors.Is(err, ErrNotLeaseHolder) {
		t.Fatalf("a renewed a lease it lost: %v", err)
	}
	clock.advance(time.Minute) // b stopped renewing: anyone may take it
	alive["a/1/1"] = true
	if _, got, _ := db.AcquireLease(ctx, SchedulerLease, "a/1/1", "daemon", 15*time.Second, isAlive, nil); !got {
		t.Fatal("a could not take an expired lease")
	}
	// A holder that yields (a cockpit to a daemon) is preempted while alive.
	yields := func(l Lease) bool { return l.Role == "tui" }
	if err := db.ReleaseLease(ctx, SchedulerLease, "a/1/1"); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := db.AcquireLease(ctx, SchedulerLease, "b/2/2", "tui", 15*time.Second, isAlive, nil); !got {
		t.Fatal("b could not take the lease back")
	}
	if _, got, _ := db.AcquireLease(ctx, SchedulerLease, "a/1/1", "daemon", 15*time.Second, isAlive, yields); !got {
		t.Fatal("a did not preempt a holder that yields")
	}
	if _, err := db.RenewLease(ctx, SchedulerLease, "b/2/2", 15*time.Second); !errors.Is(err, ErrNotLeaseHolder) {
		t.Fatalf("the preempted holder renewed: %v", err)
	}
}

func TestUnshownReminders(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	rem, err := db.AddTask(ctx, Task{Name: "reminder: stretch", Command: "stretch", Kind: TaskReminder, Spec: "every:60",
		NextRunAt: time.Now().Add(time.Hour)}, AuditEntry{})
	if err != nil {
		t.Fatal(err)
	}
	req := addTestTask(t, db, "request", time.Now().Add(time.Hour))
	var runs []TaskRunID
	for _, id := range []TaskID{rem.ID, req.ID, rem.ID} {
		r, err := db.StartRunNow(ctx, id, "h/1/1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.FinishRun(ctx, r.ID, RunOutcome{State: RunSucceeded}); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r.ID)
	}
	got, err := db.UnshownReminders(ctx, time.Now().Add(-time.Hour), 10)
	if err != nil || len(got) != 2 || got[0].ID != runs[0] || got[1].ID != runs[2] || got[0].TaskCommand != "stretch" {
		t.Fatalf("unshown = %+v, %v", got, err)
	}
	if err := db.MarkShown(ctx, runs[0]); err != nil {
		t.Fatal(err)
	}
	got, _ = db.UnshownReminders(ctx, time.Now().Add(-time.Hour), 10)
	if len(got) != 1 || got[0].ID != runs[2] {
		t.Fatalf("after marking one: %+v", got)
	}
	if got, _ := db.UnshownReminders(ctx, time.Now().Add(time.Minute), 10); len(got) != 0 {
		t.Fatalf("since the future: %+v", got)
	}
}

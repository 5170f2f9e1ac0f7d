package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// The scheduler's promises, tried on the built binary: one lease holder
// among several runners, each due run started once, a killed holder's
// run interrupted and its lease taken over, and tasks added by another
// process fired by the daemon.

// daemonProc is a running `macroa daemon`.
type daemonProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // how it exited, once done is closed
}

func startDaemon(t *testing.T, s *sandbox) *daemonProc {
	t.Helper()
	cmd := exec.Command(binPath, "daemon")
	cmd.Dir, cmd.Env = s.home, s.env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemonProc{cmd: cmd, done: make(chan struct{})}
	go func() { d.err = cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return d
}

// openTaskStore opens the sandbox's database beside the processes using it.
func openTaskStore(t *testing.T, s *sandbox) *store.DB {
	t.Helper()
	var db *store.DB
	deadline := time.Now().Add(20 * time.Second)
	for {
		var err error
		db, err = store.Open(context.Background(), filepath.Join(s.data, "macroa.db"))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// leaseHeldBy waits until the scheduler lease is held by a process with pid
// (0: anyone) and role.
func leaseHeldBy(t *testing.T, db *store.DB, pid int, role string, within time.Duration) store.Lease {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		l, ok, err := db.GetLease(context.Background(), store.SchedulerLease)
		if err == nil && ok && l.Role == role && (pid == 0 || strings.Contains(l.Holder, "/"+strconv.Itoa(pid)+"/")) &&
			l.ExpiresAt.After(time.Now()) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lease was not held by %s (pid %d) within %v: %+v", role, pid, within, l)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addTask adds a task through the CLI and returns its id.
func addTask(t *testing.T, s *sandbox, db *store.DB, name, command, spec string) store.Task {
	t.Helper()
	r := s.macroa("schedule", "add", name, command, spec)
	if r.code != 0 {
		t.Fatalf("schedule add: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	task, err := db.FindTask(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func runsOf(t *testing.T, db *store.DB, id store.TaskID) []store.TaskRun {
	t.Helper()
	runs, err := db.TaskHistory(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].DueAt.Before(runs[j].DueAt) })
	return runs
}

func waitRuns(t *testing.T, db *store.DB, id store.TaskID, within time.Duration, what string, cond func([]store.TaskRun) bool) []store.TaskRun {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		runs := runsOf(t, db, id)
		if cond(runs) {
			return runs
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; runs: %d", what, len(runs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestE2ETaskAddedElsewhereFiresInDaemon: the CLI adds a task; the
// daemon, which holds the lease, is woken by the change and fires it on
// time, every time.
func TestE2ETaskAddedElsewhereFiresInDaemon(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	d := startDaemon(t, s)
	db := openTaskStore(t, s)
	leaseHeldBy(t, db, d.cmd.Process.Pid, "daemon", 20*time.Second)
	task := addTask(t, s, db, "brief", "!date", "every:2")
	runs := waitRuns(t, db, task.ID, 30*time.Second, "three finished runs", func(r []store.TaskRun) bool {
		n := 0
		for _, x := range r {
			if x.State == store.RunSucceeded {
				n++
			}
		}
		return n >= 3
	})
	for _, x := range runs {
		if !strings.Contains(x.Runner, "/"+strconv.Itoa(d.cmd.Process.Pid)+"/") {
			t.Errorf("run %d ran in %s, not the daemon", x.ID, x.Runner)
		}
		if late := x.Started.Sub(x.DueAt); late > time.Second || late < 0 {
			t.Errorf("run %d started %v after its due time", x.ID, late)
		}
	}
	// SIGTERM: the daemon stops cleanly and gives the lease up.
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		if d.err != nil {
			t.Fatalf("daemon exit after SIGTERM: %v", d.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the daemon did not stop on SIGTERM")
	}
	if _, held, _ := db.GetLease(context.Background(), store.SchedulerLease); held {
		t.Fatal("the daemon kept the lease after stopping")
	}
}

// TestE2ETwoRunnersSixtySeconds: a daemon and a cockpit run side by side
// for 60 s on an every:1 task, the daemon stopping and a new one starting
// on the way: it fires 60 ± 1 times, no due time twice.
func TestE2ETwoRunnersSixtySeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("a one-minute test")
	}
	t.Parallel()
	s := newSandbox(t)
	d := startDaemon(t, s)
	db := openTaskStore(t, s)
	leaseHeldBy(t, db, d.cmd.Process.Pid, "daemon", 20*time.Second)
	ts := startTUI(t, s, nil, 100, 30)
	ts.waitText("no model")
	task := addTask(t, s, db, "tick", "!true", "every:1")
	first := task.NextRunAt
	end := first.Add(60 * time.Second)
	reached := func(at time.Time) func([]store.TaskRun) bool {
		return func(r []store.TaskRun) bool { return len(r) > 0 && !r[len(r)-1].DueAt.Before(at) }
	}
	// A third of the way in the daemon stops (the cockpit takes over at
	// once); two thirds in a new daemon starts and waits for the lease.
	waitRuns(t, db, task.ID, 40*time.Second, "20 s of runs", reached(first.Add(20*time.Second)))
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	<-d.done
	waitRuns(t, db, task.ID, 40*time.Second, "40 s of runs", reached(first.Add(40*time.Second)))
	startDaemon(t, s)
	runs := waitRuns(t, db, task.ID, 40*time.Second, "a minute of runs", reached(end))
	n := 0
	seen := map[int64]bool{}
	runners := map[string]bool{}
	for _, x := range runs {
		runners[x.Runner] = true
		if seen[x.DueAt.UnixMilli()] {
			t.Fatalf("due time %v started twice", x.DueAt)
		}
		seen[x.DueAt.UnixMilli()] = true
		if x.DueAt.Before(end) {
			n++
		}
	}
	if n < 59 || n > 61 {
		t.Fatalf("%d runs in 60 s, want 60 ± 1", n)
	}
	if len(runners) < 2 {
		t.Fatalf("runs by %v: the cockpit never took over", runners)
	}
	ts.quit()
}

// TestE2EKillLeaseHolderMidRun: kill -9 of the daemon while it runs a
// task: that run ends interrupted (never run again), the cockpit takes
// the lease, and the later runs fire on time from it.
func TestE2EKillLeaseHolderMidRun(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	d := startDaemon(t, s)
	db := openTaskStore(t, s)
	leaseHeldBy(t, db, d.cmd.Process.Pid, "daemon", 20*time.Second)
	ts := startTUI(t, s, nil, 100, 30)
	ts.waitText("no model")
	task := addTask(t, s, db, "slow", "!sleep 4", "every:5")
	daemonTag := "/" + strconv.Itoa(d.cmd.Process.Pid) + "/"
	runs := waitRuns(t, db, task.ID, 30*time.Second, "a run going in the daemon", func(r []store.TaskRun) bool {
		return len(r) > 0 && r[len(r)-1].State == store.RunRunning && strings.Contains(r[len(r)-1].Runner, daemonTag)
	})
	victim := runs[len(runs)-1]
	if err := d.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	<-d.done
	leaseHeldBy(t, db, 0, "tui", 10*time.Second)
	x, err := db.GetRun(context.Background(), victim.ID)
	if err != nil {
		t.Fatal(err)
	}
	waitRuns(t, db, task.ID, 10*time.Second, "the killed run marked interrupted", func([]store.TaskRun) bool {
		x, _ = db.GetRun(context.Background(), victim.ID)
		return x.State == store.RunInterrupted
	})
	later := waitRuns(t, db, task.ID, 30*time.Second, "a later run from the cockpit", func(r []store.TaskRun) bool {
		for _, y := range r {
			if y.DueAt.After(killed) && !strings.Contains(y.Runner, daemonTag) {
				return true
			}
		}
		return false
	})
	seen := map[int64]bool{}
	for _, y := range later {
		if seen[y.DueAt.UnixMilli()] {
			t.Fatalf("due time %v started twice", y.DueAt)
		}
		seen[y.DueAt.UnixMilli()] = true
		if y.DueAt.After(killed) {
			if late := y.Started.Sub(y.DueAt); late > time.Second {
				t.Errorf("run %d after the takeover started %v late", y.ID, late)
			}
		}
	}
	ts.quit()
}

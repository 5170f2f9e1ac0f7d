package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// listedTask is the part of `schedule list --json` the tests read.
type listedTask struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Command   string   `json:"command"`
	Kind      string   `json:"kind"`
	Schedule  string   `json:"schedule"`
	State     string   `json:"state"`
	NextRuns  []string `json:"next_runs"`
	RunCount  int      `json:"run_count"`
	LastState string   `json:"last_state"`
}

// listTasks runs `schedule list --json` with args and decodes it.
func listTasks(t *testing.T, s *sandbox, args ...string) []listedTask {
	t.Helper()
	r := s.macroa(append([]string{"schedule", "list", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("schedule list --json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var out []listedTask
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("schedule list --json: %v\n%s", err, r.stdout)
	}
	return out
}

// addTaskJSON adds a task through `schedule add --json` and returns it.
func addTaskJSON(t *testing.T, s *sandbox, args ...string) listedTask {
	t.Helper()
	r := s.macroa(append([]string{"schedule", "add", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("schedule add %q: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	var task listedTask
	if err := json.Unmarshal([]byte(r.stdout), &task); err != nil {
		t.Fatalf("schedule add --json: %v\n%s", err, r.stdout)
	}
	return task
}

// TestE2EScheduleLifecycle: a task is added, listed, shown, paused,
// resumed, run now and deleted, each step saying what it did.
func TestE2EScheduleLifecycle(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)

	r := s.macroa("schedule", "add", "disk", "!echo hello-from-task", "every 6 hours")
	expect(t, r, 0, "every 6 hours")
	for _, want := range []string{"Task disk scheduled (ID: ", "Next run: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("add says no %q:\n%s", want, r.stdout)
		}
	}
	tasks := listTasks(t, s)
	if len(tasks) != 1 || tasks[0].Name != "disk" || tasks[0].Schedule != "every 6 hours" || len(tasks[0].NextRuns) != 3 {
		t.Fatalf("list --json after add: %+v", tasks)
	}
	id := tasks[0].ID
	if !strings.Contains(r.stdout, id) {
		t.Errorf("add did not print the id %s:\n%s", id, r.stdout)
	}

	r = s.macroa("schedule", "list")
	expect(t, r, 0, id)
	// The countdown is rounded up: just added, every 6 hours is 6h away.
	for _, want := range []string{"NEXT RUN", "every 6 hours", "(in 6h)", "disk"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list shows no %q:\n%s", want, r.stdout)
		}
	}

	r = s.macroa("schedule", "show", id[:4])
	expect(t, r, 0, "Task "+id+": disk")
	if n := strings.Count(r.stdout, "(in "); n != 3 {
		t.Errorf("show gives %d upcoming times, want 3:\n%s", n, r.stdout)
	}

	expect(t, s.macroa("schedule", "pause", "disk"), 0, "Paused task "+id)
	if got := listTasks(t, s); len(got) != 0 {
		t.Errorf("a paused task is listed without --all: %+v", got)
	}
	if got := listTasks(t, s, "--all"); len(got) != 1 || got[0].State != "paused" {
		t.Errorf("list --all after pause: %+v", got)
	}
	expect(t, s.macroa("schedule", "list", "--all"), 0, "paused")
	expect(t, s.macroa("schedule", "resume", id), 0, "Resumed task "+id)
	if got := listTasks(t, s); len(got) != 1 || got[0].State != "active" {
		t.Errorf("list after resume: %+v", got)
	}

	r = s.macroa("schedule", "run-now", id)
	expect(t, r, 0, "hello-from-task")
	if !strings.Contains(r.stdout, "succeeded") {
		t.Errorf("run-now does not say how it went:\n%s", r.stdout)
	}
	r = s.macroa("schedule", "history", id)
	expect(t, r, 0, "succeeded")
	if !strings.Contains(r.stdout, "now") {
		t.Errorf("history does not say the run was asked for now:\n%s", r.stdout)
	}
	r = s.macroa("schedule", "history", id, "--json")
	var runs []struct {
		State   string `json:"state"`
		Trigger string `json:"trigger"`
		Output  string `json:"output"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &runs); err != nil || len(runs) != 1 ||
		runs[0].State != "succeeded" || runs[0].Trigger != "now" || !strings.Contains(runs[0].Output, "hello-from-task") {
		t.Errorf("history --json: %v %+v\n%s", err, runs, r.stdout)
	}
	if got := listTasks(t, s); got[0].RunCount != 1 || got[0].LastState != "succeeded" {
		t.Errorf("list after run-now: %+v", got)
	}
	r = s.macroa("schedule", "show", id, "--json")
	var shown struct {
		ID   string            `json:"id"`
		Runs []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.ID != id || len(shown.Runs) != 1 {
		t.Errorf("show --json: %v\n%s", err, r.stdout)
	}

	r = s.macroa("schedule", "delete", id, "--json")
	var gone struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Deleted bool   `json:"deleted"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &gone); err != nil || r.code != 0 || gone.ID != id || gone.Name != "disk" || !gone.Deleted {
		t.Errorf("delete --json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	expect(t, s.macroa("schedule", "delete", "--help"), 0, `"deleted": true`)
	if got := listTasks(t, s, "--all"); len(got) != 0 {
		t.Errorf("list --all after delete: %+v", got)
	}
	r = s.macroa("schedule", "delete", id, "--json")
	if r.code != 1 || !strings.Contains(r.stderr, "no task") {
		t.Errorf("deleting it again: exit %d, stderr %q; want exit 1 saying there is no such task", r.code, r.stderr)
	}
}

// TestE2EScheduleRunNowFailure: run-now of a command that fails prints
// its outcome and exits 1; a reminder's run-now tells its text and runs
// nothing.
func TestE2EScheduleRunNowFailure(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	fail := addTaskJSON(t, s, "broken", "!exit 3", "every:60")
	r := s.macroa("schedule", "run-now", fail.ID)
	if r.code != 1 || !strings.Contains(r.stderr, "failed") {
		t.Errorf("run-now of a failing task: exit %d, stderr %q; want exit 1 saying it failed", r.code, r.stderr)
	}
	expect(t, s.macroa("schedule", "history", fail.ID), 0, "failed")

	canary := s.home + "/reminder-ran"
	rem := addTaskJSON(t, s, "--reminder", "tea", "!touch "+canary, "in 10 minutes")
	if rem.Kind != "reminder" {
		t.Fatalf("--reminder made a %q task", rem.Kind)
	}
	r = s.macroa("schedule", "run-now", "tea")
	expect(t, r, 0, "!touch "+canary)
	if exists(canary) {
		t.Error("a reminder's text was run")
	}
}

// TestE2EScheduleInvalidSpecs: a schedule that does not parse is refused
// with its reason and the accepted forms (exit 2), and nothing is stored.
func TestE2EScheduleInvalidSpecs(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, c := range []struct{ spec, reason string }{
		{"cron:61 * * * *", "61"},
		{"every:0", "every"},
		{"daily:9:00", "daily"},
		{"once:abc", "abc"},
		{"TZ=Nowhere/x daily:07:00", "Nowhere/x"},
		{"", "empty"},
		{"whenever you like", "whenever"},
	} {
		r := s.macroa("schedule", "add", "x", "!true", c.spec)
		if r.code != 2 {
			t.Errorf("%q: exit %d, want 2\nstdout: %s\nstderr: %s", c.spec, r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"refused", c.reason, "Accepted forms", "cron:<minute hour", "every day at 7:30", "Nothing was added"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%q: the refusal does not say %q:\n%s", c.spec, want, r.stderr)
			}
		}
		assertNoCrash(t, r)
	}
	// A long refused schedule is echoed cut short; the reason stays.
	long := "whenever " + strings.Repeat("x", 5000)
	r := s.macroa("schedule", "add", "x", "!true", long)
	first, _, _ := strings.Cut(r.stderr, "\n")
	if r.code != 2 || len(first) > 400 || !strings.Contains(first, "…") || !strings.Contains(first, "whenever") || !strings.Contains(first, "refused: ") {
		t.Errorf("a 5,000-character schedule: exit %d, first line (%d bytes): %q", r.code, len(first), first)
	}
	if got := listTasks(t, s, "--all"); len(got) != 0 {
		t.Errorf("refused schedules stored tasks: %+v", got)
	}
}

// TestE2EScheduleTimes: times are printed in the local zone with its
// name, a countdown just after adding reads the whole time asked for, and
// history shows when a run started to the second.
func TestE2EScheduleTimes(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	utc := []string{"TZ=UTC"}
	r := s.run("", utc, "schedule", "add", "berlin", "!true", "TZ=Europe/Berlin every day at 7:30")
	expect(t, r, 0, "07:30 (Europe/Berlin)")
	stampRE := regexp.MustCompile(`Next run: \d{4}-\d\d-\d\d 0[56]:30 UTC \(in `)
	if !stampRE.MatchString(r.stdout) {
		t.Errorf("add does not print the next run in UTC with its zone:\n%s", r.stdout)
	}
	r = s.run("", utc, "schedule", "show", "berlin")
	if n := len(regexp.MustCompile(`\d\d:30 UTC \(in `).FindAllString(r.stdout, -1)); r.code != 0 || n != 3 {
		t.Errorf("show gives %d next runs with their zone, want 3:\n%s", n, r.stdout)
	}
	expect(t, s.run("", utc, "schedule", "list"), 0, ":30 UTC (in ")

	r = s.run("", utc, "schedule", "add", "soon", "!true", "in 10 minutes", "--reminder")
	expect(t, r, 0, "(in 10m)")
	expect(t, s.run("", utc, "schedule", "list"), 0, "(in 10m)")

	expect(t, s.run("", utc, "schedule", "run-now", "berlin"), 0, "succeeded")
	r = s.run("", utc, "schedule", "history", "berlin")
	if !regexp.MustCompile(`(?m)^\s*\d+\s+(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC\s+now\s`).MatchString(r.stdout) {
		t.Errorf("history does not show when the run started to the second with its zone:\n%s", r.stdout)
	}
	st := s.run("", utc, "daemon", "status")
	if !regexp.MustCompile(`Next:\s+\S+ at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in `).MatchString(st.stdout) {
		t.Errorf("daemon status does not name the next run's zone:\n%s", st.stdout)
	}
}

func TestCountdown(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{10*time.Minute - 300*time.Millisecond, "10m"},
		{6*time.Hour - time.Second, "6h"},
		{6*time.Hour + 90*time.Second, "6h02m"},
		{59*time.Minute + 30*time.Second, "1h"},
		{42*time.Second + time.Millisecond, "43s"},
		{24*time.Hour - time.Second, "1d"},
		{50 * time.Hour, "2d2h"},
		{48*time.Hour - time.Minute, "2d"},
	} {
		if got := countdown(c.d); got != c.want {
			t.Errorf("countdown(%s) = %s, want %s", c.d, got, c.want)
		}
	}
}

// TestE2EScheduleUsageErrors: wrong flags and arguments are usage errors
// (exit 2) and store nothing.
func TestE2EScheduleUsageErrors(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, args := range [][]string{
		{"add", "x", "!true"},
		{"add", "x", "!true", "every:60", "extra"},
		{"add", "", "!true", "every:60"},
		{"add", "x", " ", "every:60"},
		{"add", "x", "!true", "every:60", "--missed", "sometimes"},
		{"add", "x", "!true", "every:60", "--missed", "all", "--missed-cap", "100000"},
		{"add", "x", "!true", "every:60", "--missed-cap", "5"},
		{"add", "x", "!true", "every:60", "--missed", "all", "--missed-cap", "0"},
		{"add", "x", "!true", "every:60", "--session", "bad\nname"},
		{"history", "x", "--limit", "0"},
		{"frobnicate"},
	} {
		r := s.macroa(append([]string{"schedule"}, args...)...)
		if r.code != 2 || r.stderr == "" {
			t.Errorf("schedule %q: exit %d, stderr %q; want exit 2 with a reason", args, r.code, r.stderr)
		}
		assertNoCrash(t, r)
	}
	if got := listTasks(t, s, "--all"); len(got) != 0 {
		t.Errorf("usage errors stored tasks: %+v", got)
	}
	// --missed all takes a cap; the task keeps it.
	r := s.macroa("schedule", "add", "capped", "!true", "every:60", "--missed", "all", "--missed-cap", "3")
	expect(t, r, 0, "capped")
	expect(t, s.macroa("schedule", "show", "capped"), 0, "at most 3")

	// --dry-run says what a schedule means and adds nothing.
	// The machine form names the local zone, so the task keeps its wall
	// time if the machine's zone changes.
	r = s.run("", []string{"TZ=Europe/Berlin"}, "schedule", "add", "y", "!true", "every day at 7:30", "--dry-run")
	expect(t, r, 0, "every day at 07:30 (TZ=Europe/Berlin daily:07:30)")
	if !strings.Contains(r.stdout, "Nothing was added") || strings.Count(r.stdout, "(in ") != 3 {
		t.Errorf("add --dry-run:\n%s", r.stdout)
	}
	if r = s.macroa("schedule", "add", "y", "!true", "daily:25:00", "--dry-run"); r.code != 2 || !strings.Contains(r.stderr, "Accepted forms") {
		t.Errorf("add --dry-run of an invalid schedule: exit %d\n%s", r.code, r.stderr)
	}
	if got := listTasks(t, s, "--all"); len(got) != 1 {
		t.Errorf("--dry-run stored a task: %+v", got)
	}
}

// TestE2EScheduleAmbiguousPrefix: a prefix naming several tasks lists
// them, exits 1 and changes nothing; one naming a single task acts on it.
func TestE2EScheduleAmbiguousPrefix(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	// 17 ids over 16 hex digits: two share their first digit.
	byFirst := map[byte][]string{}
	for i := range 17 {
		task := addTaskJSON(t, s, "task-"+string(rune('a'+i)), "!true", "every:3600")
		byFirst[task.ID[0]] = append(byFirst[task.ID[0]], task.ID)
	}
	var prefix string
	var ids []string
	for c, list := range byFirst {
		if len(list) > 1 {
			prefix, ids = string(c), list
			break
		}
	}
	for _, verb := range []string{"delete", "pause", "run-now", "show"} {
		r := s.macroa("schedule", verb, prefix)
		if r.code != 1 || !strings.Contains(r.stderr, "nothing was changed") {
			t.Errorf("%s %s: exit %d, want 1 saying nothing changed\n%s", verb, prefix, r.code, r.stderr)
		}
		for _, id := range ids {
			if !strings.Contains(r.stderr, id) {
				t.Errorf("%s %s does not list %s:\n%s", verb, prefix, id, r.stderr)
			}
		}
		assertNoCrash(t, r)
	}
	got := listTasks(t, s, "--all")
	if len(got) != 17 {
		t.Fatalf("%d tasks after ambiguous commands, want 17", len(got))
	}
	for _, task := range got {
		if task.State != "active" || task.RunCount != 0 {
			t.Errorf("an ambiguous command changed %+v", task)
		}
	}
	expect(t, s.macroa("schedule", "delete", ids[0]), 0, "deleted")
	if got := listTasks(t, s, "--all"); len(got) != 16 {
		t.Errorf("%d tasks after deleting one, want 16", len(got))
	}
	// A name in use by a task that will still fire is refused: a name
	// must say which task it is.
	expect(t, s.macroa("schedule", "add", "dup", "!true", "every:3600"), 0, "dup")
	if r := s.macroa("schedule", "add", "dup", "!true", "every:3600"); r.code != 1 || !strings.Contains(r.stderr, "pick another name") {
		t.Errorf("a second task named dup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := s.macroa("schedule", "delete", "zz-no-such-task")
	if r.code != 1 || !strings.Contains(r.stderr, "no task") {
		t.Errorf("delete of an unknown task: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestE2EScheduleHostileText: escape sequences in a task's name and
// command never reach the terminal raw, from any subcommand.
func TestE2EScheduleHostileText(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	name := "N" + hostileArg
	// A name cannot hold them at all (shown cleaned, it could not be typed
	// back); a command can, and is shown cleaned.
	if r := s.macroa("schedule", "add", name, "!true", "every:3600"); r.code != 1 || !strings.Contains(r.stderr, "control characters") {
		t.Errorf("a hostile name: exit %d\n%s", r.code, r.stderr)
	}
	task := addTaskJSON(t, s, "hostile", "!echo "+hostileArg, "every:3600")
	for _, args := range [][]string{
		{"add", name + "2", hostileArg, "every:3600"},
		{"add", "n3", "!true", hostileArg},
		{"list"},
		{"list", "--all", "--json"},
		{"show", task.ID},
		{"show", task.ID, "--json"},
		{"run-now", task.ID},
		{"history", task.ID},
		{"history", task.ID, "--json"},
		{"show", hostileArg},
		{"delete", task.ID},
	} {
		r := s.macroa(append([]string{"schedule"}, args...)...)
		for stream, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if c := controlBytes(out); c != "" {
				t.Errorf("schedule %s: %s holds %s:\n%q", args[0], stream, c, out)
			}
		}
		assertNoCrash(t, r)
	}
}

// TestE2EScheduleRunNowWaitsForApproval: a task whose request proposes a
// command waits, in run-now, for a person; run-now says which approval
// and how to answer it, nothing runs until someone approves it from
// another process, and then the run finishes.
func TestE2EScheduleRunNowWaitsForApproval(t *testing.T) {
	s, srv, env := agentSandbox(t, "")
	canary := filepath.Join(s.home, "canary")
	r := s.run("", env, "schedule", "add", "tidy", "please do the thing", "every:3600")
	expect(t, r, 0, "Task tidy scheduled")
	agentProposes(t, srv, "touch "+canary)

	cmd := exec.Command(binPath, "schedule", "run-now", "tidy")
	cmd.Dir = s.home
	cmd.Env = append(append([]string{}, s.env...), env...)
	var out, errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })

	var id string
	waitFor(t, "run-now to name the approval it waits for", 30*time.Second, func() bool {
		m := approveCommandRE.FindStringSubmatch(errb.String())
		if m != nil {
			id = m[1]
		}
		return m != nil
	})
	if exists(canary) {
		t.Fatal("the proposed command ran before anyone approved it")
	}
	expect(t, s.run("", env, "schedule", "history", "tidy"), 0, "waits for approval "+id)
	expect(t, s.run("", env, "approvals", "approve", "--yes", id), 0, "succeeded")
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("run-now did not finish once approved\nstdout: %s\nstderr: %s", out.String(), errb.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 || !exists(canary) {
		t.Errorf("run-now after the approval: exit %d, canary %v\nstdout: %s\nstderr: %s", code, exists(canary), out.String(), errb.String())
	}
	if c := controlBytes(errb.String()); c != "" {
		t.Errorf("stderr holds %s", c)
	}
}

// TestE2EScheduleListAligned: wide and combining characters in names do
// not shift the list's columns.
func TestE2EScheduleListAligned(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	names := []string{"日本語の名前", "x", "e\u0301cole", "wide ｗｉｄｅ"}
	for _, n := range names {
		addTaskJSON(t, s, n, "!true", "every:7200")
	}
	r := s.macroa("schedule", "list")
	expect(t, r, 0, "SCHEDULE")
	assertAligned(t, r.stdout, regexp.MustCompile(`every 2 hours.*$`), "SCHEDULE", len(names))
	assertAligned(t, r.stdout, regexp.MustCompile(`\d\d:\d\d \S+ \(in .*$`), "NEXT RUN", len(names))
}

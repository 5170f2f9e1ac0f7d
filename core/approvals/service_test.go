package approvals

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// TestWaitWokenByAnotherProcess: an Ask that waits is woken by the store
// watcher's StoreChanged{approvals} when another process (another store
// connection) approves and runs the entry; the safety re-read is off, so
// only the event can wake it.
func TestWaitWokenByAnotherProcess(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.svc.safety = time.Hour
	other := r.service(openDB(t, r.dbPath), events.New(nil))

	pending := make(chan Entry, 1)
	answered := make(chan Answer, 1)
	go func() {
		ans, err := r.svc.Ask(context.Background(), Proposal{Action: command("echo ran-elsewhere")},
			AskOptions{Where: Cockpit, Wait: true, Timeout: time.Hour, OnPending: func(e Entry) { pending <- e }})
		if err != nil {
			t.Error(err)
		}
		answered <- ans
	}()
	e := <-pending
	got, err := other.Approve(context.Background(), e.ID, person, Remember{})
	if err != nil || got.State != store.ApprovalSucceeded {
		t.Fatalf("approve in the other process: %s %v", got.State, err)
	}
	select {
	case ans := <-answered:
		t.Fatalf("the wait ended before anything told it: %+v", ans)
	default:
	}
	// What the watcher publishes when another connection commits.
	r.bus.Publish(events.StoreChanged{Parts: []events.StorePart{events.PartApprovals}, At: time.Now()})
	ans := <-answered
	if !ans.Ran || ans.TimedOut || ans.Entry.State != store.ApprovalSucceeded || !strings.Contains(ans.Entry.Output, "ran-elsewhere") {
		t.Fatalf("answer %+v", ans)
	}
}

// TestWaitWokenHere: an approval in this process wakes the wait through
// ApprovalChanged; a rejection's note comes back; a timeout leaves the
// entry pending, and a later approval still runs it.
func TestWaitWokenHere(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.svc.safety = time.Hour
	ask := func(shell string, timeout time.Duration, answer func(Entry)) Answer {
		ans, err := r.svc.Ask(context.Background(), Proposal{Action: command(shell)},
			AskOptions{Where: REPL, Wait: true, Timeout: timeout, OnPending: func(e Entry) { go answer(e) }})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	ans := ask("echo approved-here", time.Hour, func(e Entry) { _, _ = r.svc.Approve(context.Background(), e.ID, person, Remember{}) })
	if !ans.Ran || ans.Entry.State != store.ApprovalSucceeded {
		t.Fatalf("approved: %+v", ans)
	}
	ans = ask("echo rejected", time.Hour, func(e Entry) { _, _ = r.svc.Reject(context.Background(), e.ID, person, "not now") })
	if ans.Ran || ans.Entry.State != store.ApprovalRejected || ans.Entry.Note != "not now" {
		t.Fatalf("rejected: %+v", ans)
	}
	ans = ask("echo nobody-answers", 50*time.Millisecond, func(Entry) {})
	if !ans.TimedOut || ans.Entry.State != store.ApprovalPending {
		t.Fatalf("timed out: %+v", ans)
	}
	if got, err := r.svc.Approve(context.Background(), ans.Entry.ID, person, Remember{}); err != nil || got.State != store.ApprovalSucceeded {
		t.Fatalf("a later approval: %s %v", got.State, err)
	}
	// A context that ends leaves the entry pending too.
	ctx, cancel := context.WithCancel(context.Background())
	got, err := r.svc.Ask(ctx, Proposal{Action: command("echo cancelled")}, AskOptions{Wait: true, OnPending: func(Entry) { cancel() }})
	if err != nil || !got.TimedOut || got.Entry.State != store.ApprovalPending {
		t.Fatalf("cancelled: %+v %v", got, err)
	}
}

// TestConcurrentApprove: two processes (two store connections, two
// services) approve the same entries at once: each runs exactly once,
// and the loser is told it was already decided.
func TestConcurrentApprove(t *testing.T) {
	r := newRig(t, policy.Suggest)
	other := r.service(openDB(t, r.dbPath), events.New(nil))
	counter := filepath.Join(r.dir, "counter")
	const n = 8
	for i := range n {
		e := r.ask(command("echo "+strconv.Itoa(i)+" >> "+counter), AskOptions{}).Entry
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j, s := range []*Service{r.svc, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[j] = s.Approve(context.Background(), e.ID, Decider{Who: "person:p" + strconv.Itoa(j), Where: CLI}, Remember{})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			var c *store.ApprovalConflict
			switch {
			case err == nil:
				won++
			case errors.As(err, &c) && errors.Is(err, store.ErrApprovalDecided):
			default:
				t.Fatalf("entry %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("entry %d: %d approvals won (%v)", i, won, errs)
		}
	}
	lines := strings.Split(strings.TrimSpace(readString(t, counter)), "\n")
	if len(lines) != n {
		t.Fatalf("the counter has %d lines, want %d: %q", len(lines), n, lines)
	}
}

// TestExpiry: the timer expires a pending entry when its time comes,
// without polling; an approval after that is refused.
func TestExpiry(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.cfg.Expiry = 300 * time.Millisecond
	sub := r.bus.Subscribe(t.Context())
	if err := r.svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	canary := filepath.Join(r.dir, "canary")
	e := r.ask(command("touch "+canary), AskOptions{}).Entry
	deadline := time.After(20 * time.Second)
	for expired := false; !expired; {
		select {
		case ev := <-sub:
			if c, ok := ev.(events.ApprovalChanged); ok && c.ID == string(e.ID) && c.State == string(store.ApprovalExpired) {
				expired = true
			}
		case <-deadline:
			t.Fatal("the entry never expired")
		}
	}
	_, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if !errors.Is(err, store.ErrApprovalDecided) && !errors.Is(err, store.ErrApprovalExpired) {
		t.Fatalf("approving an expired entry: %v", err)
	}
	if exists(canary) {
		t.Fatal("an expired entry ran")
	}
}

// TestRecoverExpires: Recover expires what is past its time (a process
// that was not running when it expired).
func TestRecoverExpires(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.svc.now = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	e := r.ask(command("echo late"), AskOptions{}).Entry
	r.svc.now = time.Now
	got, err := r.svc.Recover(context.Background())
	if err != nil || len(got) != 1 || got[0].ID != e.ID || got[0].State != store.ApprovalExpired {
		t.Fatalf("recover: %+v %v", got, err)
	}
}

// TestMemoryKinds: remember and forget go through the memory writer,
// each with its audit entry.
func TestMemoryKinds(t *testing.T) {
	r := newRig(t, policy.AutoFull)
	ans := r.ask(actions.Action{Kind: actions.MemoryRemember, Params: actions.Memory{Key: "editor", Value: "helix"}}, AskOptions{})
	if !ans.Ran || ans.Entry.State != store.ApprovalSucceeded {
		t.Fatalf("remember: %+v", ans.Entry)
	}
	f, ok, err := r.db.GetFact(context.Background(), "", "editor")
	if err != nil || !ok || f.Value != "helix" {
		t.Fatalf("fact %+v %v %v", f, ok, err)
	}
	ans = r.ask(actions.Action{Kind: actions.MemoryForget, Params: actions.Memory{Key: "editor"}}, AskOptions{})
	if !ans.Ran || ans.Entry.State != store.ApprovalSucceeded {
		t.Fatalf("forget: %+v", ans.Entry)
	}
	if _, ok, _ := r.db.GetFact(context.Background(), "", "editor"); ok {
		t.Fatal("the fact is still there")
	}
	// At suggest it waits, and nothing is written.
	r.cfg.Level = policy.Suggest
	ans = r.ask(actions.Action{Kind: actions.MemoryRemember, Params: actions.Memory{Key: "shell", Value: "fish"}}, AskOptions{})
	if ans.Ran {
		t.Fatal("ran at suggest")
	}
	if _, ok, _ := r.db.GetFact(context.Background(), "", "shell"); ok {
		t.Fatal("a pending memory change was written")
	}
}

// TestRules: approving with Remember makes a rule the gate applies to
// the same kind and target (under any alias), never to others, never to
// protected targets or critical risk, never at observe; revoking it asks
// again.
func TestRules(t *testing.T) {
	r := newRig(t, policy.Suggest)
	ctx := context.Background()
	e := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{}).Entry
	if _, err := r.svc.Approve(ctx, e.ID, person, Remember{Scope: store.ScopeAlways}); err != nil {
		t.Fatal(err)
	}
	rules, err := r.svc.Rules(ctx)
	if err != nil || len(rules) != 1 || rules[0].Target != "nginx.service" {
		t.Fatalf("rules %+v %v", rules, err)
	}
	ans := r.ask(service(actions.ServiceRestart, "nginx.service"), AskOptions{})
	if !ans.Ran || ans.Entry.DecidedBy != "rule:"+strconv.FormatInt(int64(rules[0].ID), 10) {
		t.Fatalf("the rule did not apply: ran %v, by %q", ans.Ran, ans.Entry.DecidedBy)
	}
	if rules, _ = r.svc.Rules(ctx); rules[0].Uses != 1 {
		t.Errorf("uses %d", rules[0].Uses)
	}
	for _, a := range []actions.Action{service(actions.ServiceRestart, "redis"), service(actions.ServiceStop, "nginx")} {
		if ans := r.ask(a, AskOptions{}); ans.Ran {
			t.Errorf("the rule covered %s", a.Summary())
		}
	}
	r.cfg.Level = policy.Observe
	if ans := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{}); ans.Ran {
		t.Error("a rule ran something at observe")
	}
	r.cfg.Level = policy.Suggest

	// Never for a protected target or a critical risk: refused, and the
	// entry stays undecided.
	for _, a := range []actions.Action{service(actions.ServiceRestart, "sshd"), {Kind: actions.SystemReboot, Params: actions.Reboot{}}} {
		e := r.ask(a, AskOptions{}).Entry
		if _, err := r.svc.Approve(ctx, e.ID, person, Remember{Scope: store.ScopeHost}); err == nil {
			t.Errorf("%s was remembered", a.Summary())
		}
		if got, _ := r.svc.Get(ctx, e.ID); got.State != store.ApprovalPending {
			t.Errorf("%s: %s after a refused remember", a.Summary(), got.State)
		}
	}
	if rules, _ := r.svc.Rules(ctx); len(rules) != 1 {
		t.Fatalf("%d rules", len(rules))
	}

	if err := r.svc.Revoke(ctx, rules[0].ID, person); err != nil {
		t.Fatal(err)
	}
	if ans := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{}); ans.Ran {
		t.Error("a revoked rule still applies")
	}
}

// TestOutputStreamed: each line is published as it is printed, cleaned
// and redacted; the whole output is kept with the entry.
func TestOutputStreamed(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.cfg.Secrets = []string{"s3cr3t-t0ken-value"}
	sub := r.bus.Subscribe(t.Context())
	e := r.ask(command(`printf 'one\ntwo \033[31mred\033[0m\ntoken s3cr3t-t0ken-value\n'; echo oops >&2`), AskOptions{}).Entry
	got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if err != nil || got.State != store.ApprovalSucceeded {
		t.Fatalf("%s %v", got.State, err)
	}
	var lines []string
	var states []string
	stderr := false
	for done := false; !done; {
		select {
		case ev := <-sub:
			switch x := ev.(type) {
			case events.ApprovalOutput:
				if x.ID == string(e.ID) {
					lines = append(lines, x.Text)
					stderr = stderr || x.Stderr && x.Text == "oops\n"
				}
			case events.ApprovalChanged:
				if x.ID == string(e.ID) {
					states = append(states, x.State)
					done = x.State == string(store.ApprovalSucceeded)
				}
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no final event")
		}
	}
	all := strings.Join(lines, "")
	for _, want := range []string{"one\n", "two red\n", "token [redacted]\n"} {
		if !strings.Contains(all, want) {
			t.Errorf("published %q, want %q in it", all, want)
		}
	}
	if !stderr {
		t.Error("the stderr line was not marked")
	}
	if strings.Contains(all+got.Output, "s3cr3t") || strings.Contains(all+got.Output, "\033") {
		t.Errorf("a secret or an escape got through: %q / %q", all, got.Output)
	}
	if !strings.Contains(got.Output, "two red\n") {
		t.Errorf("kept %q", got.Output)
	}
	want := []string{"pending", "approved", "running", "succeeded"}
	if strings.Join(states, " ") != strings.Join(want, " ") {
		t.Errorf("transitions %v, want %v", states, want)
	}
}

// TestFailedCommand: a command that exits non-zero, or whose check does
// not hold, fails with its exit code.
func TestFailedCommand(t *testing.T) {
	r := newRig(t, policy.Suggest)
	e := r.ask(command("echo going; exit 3"), AskOptions{}).Entry
	got, _ := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if got.State != store.ApprovalFailed || got.ExitCode != 3 || !strings.Contains(got.Output, "going") {
		t.Fatalf("%s exit %d: %q", got.State, got.ExitCode, got.Error)
	}
	// A unit that does not come up: the check fails the restart.
	r.fake("systemctl", `case "$1" in is-active) echo failed; exit 3 ;; esac`)
	e = r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{}).Entry
	got, _ = r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if got.State != store.ApprovalFailed || !strings.Contains(got.Error, "check failed") {
		t.Fatalf("%s: %q", got.State, got.Error)
	}
}

// TestCommandDir: command.run runs in its directory.
func TestCommandDir(t *testing.T) {
	r := newRig(t, policy.Suggest)
	e := r.ask(actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "pwd", Dir: r.dir}}, AskOptions{}).Entry
	got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if err != nil || strings.TrimSpace(got.Output) != r.dir {
		t.Fatalf("%s in %q: %v", got.State, got.Output, err)
	}
}

// TestRunnerAlive: this process is alive; a process that ended, a
// garbled name or a reused pid with another start time are not; another
// machine's runner cannot be judged and counts as alive.
func TestRunnerAlive(t *testing.T) {
	me := Runner()
	if !Alive(me) {
		t.Fatalf("Alive(%q) = false", me)
	}
	parts := strings.Split(me, "/")
	host, pid := parts[0], parts[1]
	ticks, _ := strconv.ParseUint(parts[2], 10, 64)
	for _, tc := range []struct {
		runner string
		alive  bool
	}{
		{host + "/" + pid + "/" + strconv.FormatUint(ticks+1, 10), false},
		{host + "/999999999/1", false},
		{"garbage", false},
		{host + "/x/1", false},
		{"some-other-machine/1/1", true},
	} {
		if got := Alive(tc.runner); got != tc.alive {
			t.Errorf("Alive(%q) = %v, want %v", tc.runner, got, tc.alive)
		}
	}
}

// TestStopWaitsForRuns: Stop cancels a run in flight and waits for its
// outcome to be recorded; no run starts after.
func TestStopWaitsForRuns(t *testing.T) {
	r := newRig(t, policy.Suggest)
	e := r.ask(command("echo started; sleep 60"), AskOptions{}).Entry
	e2 := r.ask(command("echo never"), AskOptions{}).Entry
	sub := r.bus.Subscribe(t.Context())
	done := make(chan Entry, 1)
	go func() {
		got, _ := r.svc.Approve(context.Background(), e.ID, person, Remember{})
		done <- got
	}()
	for started := false; !started; {
		if x, ok := (<-sub).(events.ApprovalOutput); ok && x.ID == string(e.ID) {
			started = true
		}
	}
	r.svc.Stop()
	got, err := r.svc.Get(context.Background(), e.ID)
	if err != nil || got.State != store.ApprovalFailed {
		t.Fatalf("after Stop: %s %v", got.State, err)
	}
	<-done
	if _, err := r.svc.Ask(context.Background(), Proposal{Action: command("echo proposed late")}, AskOptions{}); !errors.Is(err, ErrStopped) {
		t.Fatalf("ask after Stop: %v", err)
	}
	if _, err := r.svc.Approve(context.Background(), e2.ID, person, Remember{}); !errors.Is(err, ErrStopped) {
		t.Fatalf("approve after Stop: %v", err)
	}
	if got, _ := r.svc.Get(context.Background(), e2.ID); got.State != store.ApprovalPending {
		t.Fatalf("approved after Stop: %s", got.State)
	}
}

// TestCancelledRun: a run whose context ends (ctrl+c) is stopped, and its
// outcome recorded as failed.
func TestCancelledRun(t *testing.T) {
	r := newRig(t, policy.Suggest)
	canary := filepath.Join(r.dir, "canary")
	e := r.ask(command("echo started; sleep 60; touch "+canary), AskOptions{}).Entry
	ctx, cancel := context.WithCancel(context.Background())
	r.svc.exec.started = func(store.ApprovalID) { cancel() }
	got, err := r.svc.Approve(ctx, e.ID, person, Remember{})
	if err != nil || got.State != store.ApprovalFailed || !strings.Contains(got.Error, "cancelled") {
		t.Fatalf("%s %q %v", got.State, got.Error, err)
	}
	if exists(canary) {
		t.Fatal("the cancelled command went on")
	}
}

// TestAuditNamesWhoDecided: every transition is in the audit log, naming
// who chose it (the proposer, the policy, the person) and from where.
func TestAuditNamesWhoDecided(t *testing.T) {
	r := newRig(t, policy.AutoSafe)
	ctx := context.Background()
	ran := r.ask(actions.Action{Kind: actions.DiagnosticRun, Params: actions.Diagnostic{Name: "load"}}, AskOptions{Where: REPL}).Entry
	e := r.ask(command("echo by a person; exit 1"), AskOptions{Where: REPL}).Entry
	if _, err := r.svc.Approve(ctx, e.ID, Person(Cockpit), Remember{}); err != nil {
		t.Fatal(err)
	}
	log, err := r.db.RecentAudit(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		a := log[i]
		if a.Skill == "approval" {
			got = append(got, strings.Fields(a.Action)[0]+" "+strings.TrimSuffix(strings.Fields(a.Action)[1], ":")+" "+a.ChosenBy+" "+a.Source+" "+strconv.FormatBool(a.Success))
		}
	}
	p := "person:" + login()
	want := []string{
		"approved " + string(ran.ID) + " policy repl true",
		"running " + string(ran.ID) + " policy repl true",
		"succeeded " + string(ran.ID) + " policy repl true",
		"pending " + string(e.ID) + " agent repl true",
		"approved " + string(e.ID) + " " + p + " cockpit true",
		"running " + string(e.ID) + " " + p + " cockpit true",
		"failed " + string(e.ID) + " " + p + " cockpit false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A remembered shell command covers it only in the directory it was
// approved in: "rm -rf ./*" approved in a project never runs by itself in
// the home directory.
func TestRuleKeepsTheDirectory(t *testing.T) {
	r := newRig(t, policy.Suggest)
	ctx := context.Background()
	proj, home := filepath.Join(r.dir, "proj"), filepath.Join(r.dir, "home")
	for _, d := range []string{proj, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(home, "thesis.txt")
	if err := os.WriteFile(keep, []byte("years of work"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := func(dir string) actions.Action {
		return actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "rm -rf ./*", Dir: dir}}
	}
	e := r.ask(in(proj), AskOptions{}).Entry
	if _, err := r.svc.Approve(ctx, e.ID, person, Remember{Scope: store.ScopeAlways}); err != nil {
		t.Fatal(err)
	}
	if ans := r.ask(in(home), AskOptions{}); ans.Ran || !exists(keep) {
		t.Fatalf("the rule made in %s ran in %s: %+v", proj, home, ans.Entry)
	}
	if ans := r.ask(in(proj), AskOptions{}); !ans.Ran {
		t.Errorf("the rule did not apply where it was made: %+v", ans.Entry)
	}
}

package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// appsOn returns n started Apps over one data dir, as n processes of
// Macroa would be, with config.toml holding toml.
func appsOn(t *testing.T, n int, toml string) ([]*App, string) {
	t.Helper()
	dir := t.TempDir()
	if toml != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var apps []*App
	for range n {
		cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
		if err != nil {
			t.Fatal(err)
		}
		a := New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
		t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
		if err := a.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	return apps, dir
}

func commandAction(shell string) actions.Action {
	return actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell}}
}

var tester = approvals.Decider{Who: "person:tester", Where: approvals.Cockpit}

// TestApprovalAcrossApps: a proposal waiting in one process is approved
// in another; the waiting one learns of it (the watcher's StoreChanged)
// and answers with the run's outcome.
func TestApprovalAcrossApps(t *testing.T) {
	apps, dir := appsOn(t, 2, "")
	ctx := context.Background()
	pending := make(chan store.Approval, 1)
	answered := make(chan approvals.Answer, 1)
	go func() {
		ans, err := apps[0].Ask(ctx, approvals.Proposal{Action: commandAction("echo approved elsewhere > " + filepath.Join(dir, "out"))},
			approvals.AskOptions{Where: approvals.Cockpit, Wait: true, Timeout: time.Hour, OnPending: func(e store.Approval) { pending <- e }})
		if err != nil {
			t.Error(err)
		}
		answered <- ans
	}()
	e := <-pending
	got, err := apps[1].Approve(ctx, e.ID, tester, approvals.Remember{})
	if err != nil || got.State != store.ApprovalSucceeded || got.DecidedBy != tester.Who {
		t.Fatalf("approve in the second App: %+v %v", got, err)
	}
	ans := <-answered
	if !ans.Ran || ans.Entry.State != store.ApprovalSucceeded || ans.TimedOut {
		t.Fatalf("the waiting App's answer: %+v", ans)
	}
}

// TestApproveRace: two Apps on one store approve the same entries at
// once: each action runs exactly once, and the loser is told who won.
func TestApproveRace(t *testing.T) {
	apps, dir := appsOn(t, 2, "")
	ctx := context.Background()
	counter := filepath.Join(dir, "counter")
	const n = 5
	for i := range n {
		ans, err := apps[0].Ask(ctx, approvals.Proposal{Action: commandAction("echo run >> " + counter + " # " + string(rune('a'+i)))}, approvals.AskOptions{Where: approvals.CLI})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(apps))
		for j, a := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[j] = a.Approve(ctx, ans.Entry.ID, tester, approvals.Remember{})
			}()
		}
		wg.Wait()
		var c *store.ApprovalConflict
		ok0, ok1 := errs[0] == nil, errs[1] == nil
		if ok0 == ok1 || !errors.As(errors.Join(errs...), &c) || !errors.Is(c, store.ErrApprovalDecided) {
			t.Fatalf("entry %d: %v", i, errs)
		}
	}
	b, err := os.ReadFile(counter)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(b), "\n"); lines != n {
		t.Fatalf("%d runs, want %d", lines, n)
	}
}

// TestApprovalConfig: [policy] reaches the gate: the level, [policy.hosts]
// with "local" for this machine, protected units and denied commands.
func TestApprovalConfig(t *testing.T) {
	apps, dir := appsOn(t, 1, `[policy]
autonomy = "auto-full"
protected = ["myapp"]
deny_commands = ["iptables -F"]
approval_expiry = "2h"

[[hosts]]
name = "web1"
address = "192.0.2.10"

[policy.hosts]
local = "auto-safe"
web1 = "suggest"
`)
	a := apps[0]
	ctx := context.Background()
	ask := func(act actions.Action) approvals.Answer {
		t.Helper()
		ans, err := a.Ask(ctx, approvals.Proposal{Action: act}, approvals.AskOptions{Where: approvals.CLI})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	// auto-safe here: a medium-risk restart asks (auto-full would run it).
	if ans := ask(actions.Action{Kind: actions.ServiceRestart, Params: actions.Service{Unit: "nginx"}}); ans.Ran || ans.Entry.Level != string(policy.AutoSafe) {
		t.Errorf("restart: ran %v at %q", ans.Ran, ans.Entry.Level)
	}
	if ans := ask(actions.Action{Kind: actions.ServiceRestart, Host: "web1", Params: actions.Service{Unit: "nginx"}}); ans.Entry.Level != string(policy.Suggest) {
		t.Errorf("web1 judged at %q", ans.Entry.Level)
	}
	if ans := ask(actions.Action{Kind: actions.ServiceStop, Params: actions.Service{Unit: "myapp.service"}}); ans.Entry.Protected != "myapp" {
		t.Errorf("the configured protected unit: %+v", ans.Entry)
	}
	canary := filepath.Join(dir, "canary")
	ans := ask(commandAction("touch " + canary + "; /sbin/iptables -F INPUT"))
	if ans.Entry.Verdict != string(policy.Deny) || ans.Entry.Risk != int(actions.Critical) || exists(canary) {
		t.Errorf("the denied command: %+v", ans.Entry)
	}
	if d := time.Until(ans.Entry.ExpiresAt); d < time.Hour || d > 2*time.Hour {
		t.Errorf("expires in %v, want 2h", d)
	}
	if ans := ask(actions.Action{Kind: actions.DiagnosticRun, Params: actions.Diagnostic{Name: "load"}}); !ans.Ran {
		t.Errorf("a low-risk diagnostic did not run at auto-safe: %+v", ans.Entry)
	}
	if ans := ask(commandAction("echo read only")); ans.Ran {
		t.Errorf("shell text ran by itself at auto-safe: %+v", ans.Entry)
	}
}

// TestApprovalsRecoverAtStart: an entry a dead process had approved is
// interrupted when an App starts, and the change is published.
func TestApprovalsRecoverAtStart(t *testing.T) {
	a, dir := newApp(t)
	cfg, _ := a.Config()
	if err := EnsureDataDir(dir); err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(context.Background(), cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	host := strings.Split(approvals.Runner(), "/")[0]
	canary := filepath.Join(dir, "canary")
	params, _ := actions.EncodeParams(actions.Command{Shell: "touch " + canary})
	dead, _, err := other.ProposeApproval(context.Background(), store.Approval{State: store.ApprovalApproved, Kind: string(actions.CommandRun),
		Params: string(params), Summary: "touch", Risk: 3, Verdict: "ask", DecidedBy: "person:gone", DecidedWhere: "cli",
		Runner: host + "/999999999/1", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Source: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := a.Subscribe(ctx)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, func(e any) bool {
		c, ok := e.(events.ApprovalChanged)
		return ok && c.ID == string(dead.ID) && c.State == string(store.ApprovalInterrupted)
	})
	got, err := a.GetApproval(ctx, dead.ID)
	if err != nil || got.State != store.ApprovalInterrupted || exists(canary) {
		t.Fatalf("%s %v, canary %v", got.State, err, exists(canary))
	}
}

// TestApprovalsWatched: a change to the queue by another process is
// published as StoreChanged{approvals}.
func TestApprovalsWatched(t *testing.T) {
	_, other, sub := startedApp(t, false)
	params, _ := actions.EncodeParams(actions.Command{Shell: "true"})
	if _, _, err := other.ProposeApproval(context.Background(), store.Approval{Kind: string(actions.CommandRun), Params: string(params),
		Summary: "true", Risk: 1, Verdict: "ask", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Source: "cli"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sub, func(e any) bool {
		c, ok := e.(events.StoreChanged)
		return ok && c.Has(events.PartApprovals)
	})
}

// TestApprovalsShutdown: Shutdown stops a run in flight and records its
// outcome before the store closes.
func TestApprovalsShutdown(t *testing.T) {
	apps, _ := appsOn(t, 1, "")
	a := apps[0]
	ctx := context.Background()
	ans, err := a.Ask(ctx, approvals.Proposal{Action: commandAction("echo started; sleep 60")}, approvals.AskOptions{Where: approvals.CLI})
	if err != nil {
		t.Fatal(err)
	}
	sub := a.Subscribe(ctx)
	go func() { _, _ = a.Approve(ctx, ans.Entry.ID, tester, approvals.Remember{}) }()
	waitFor(t, sub, func(e any) bool { o, ok := e.(events.ApprovalOutput); return ok && o.ID == string(ans.Entry.ID) })
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	cfg, _ := a.Config()
	db, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.GetApproval(ctx, ans.Entry.ID)
	if err != nil || got.State != store.ApprovalFailed {
		t.Fatalf("after Shutdown: %s %v", got.State, err)
	}
}

// TestApprovalMemory: the memory kinds go through the memory service.
func TestApprovalMemory(t *testing.T) {
	apps, _ := appsOn(t, 1, "[policy]\nautonomy = \"auto-full\"\n")
	a := apps[0]
	ctx := context.Background()
	for _, act := range []actions.Action{
		{Kind: actions.MemoryRemember, Params: actions.Memory{Key: "pager", Value: "less"}},
	} {
		ans, err := a.Ask(ctx, approvals.Proposal{Action: act}, approvals.AskOptions{Where: approvals.CLI})
		if err != nil || !ans.Ran || ans.Entry.State != store.ApprovalSucceeded {
			t.Fatalf("%s: %+v %v", act.Summary(), ans.Entry, err)
		}
	}
	f, ok, err := a.MemoryService().Get(ctx, "", "pager")
	if err != nil || !ok || f.Value != "less" {
		t.Fatalf("%+v %v %v", f, ok, err)
	}
	ans, err := a.Ask(ctx, approvals.Proposal{Action: actions.Action{Kind: actions.MemoryForget, Params: actions.Memory{Key: "nothing-here"}}}, approvals.AskOptions{})
	if err != nil || ans.Entry.State != store.ApprovalFailed || !strings.Contains(ans.Entry.Error, "nothing is remembered") {
		t.Fatalf("forgetting what is not there: %+v %v", ans.Entry, err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestApprovalPolicyReload: a level set in config.toml by another process
// (macroa autonomy) judges the next proposal; a file that no longer loads
// keeps the last good policy.
func TestApprovalPolicyReload(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("[policy]\nautonomy = \"suggest\"\n")
	load := func() (*config.Config, error) {
		return config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	}
	cfg, err := load()
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
	a.opts.reloadConfig = load
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	ctx := context.Background()
	n := 0
	ask := func() approvals.Answer {
		t.Helper()
		n++ // a new action each time: an identical one would merge
		name := []string{"load", "uptime", "free", "df"}[n%4]
		ans, err := a.Ask(ctx, approvals.Proposal{Action: actions.Action{Kind: actions.DiagnosticRun, Params: actions.Diagnostic{Name: name}}}, approvals.AskOptions{Where: approvals.CLI})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	if ans := ask(); ans.Ran {
		t.Fatal("ran at suggest")
	}
	write("[policy]\nautonomy = \"auto-safe\"\n")
	if ans := ask(); !ans.Ran || ans.Entry.Level != string(policy.AutoSafe) {
		t.Fatalf("after the change: ran %v at %q", ans.Ran, ans.Entry.Level)
	}
	write("[policy]\nautonomy = \"reckless\"\n")
	if ans := ask(); !ans.Ran || ans.Entry.Level != string(policy.AutoSafe) {
		t.Fatalf("after a broken change: ran %v at %q", ans.Ran, ans.Entry.Level)
	}
	write("[policy]\nautonomy = \"observe\"\n")
	if ans := ask(); ans.Ran || ans.Entry.Level != string(policy.Observe) {
		t.Fatalf("after the fix: ran %v at %q", ans.Ran, ans.Entry.Level)
	}
}

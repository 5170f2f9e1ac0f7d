package approvals

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// TestAskGate: what the gate lets run runs at once and is recorded
// approved by policy; what asks is queued pending and does not run; what
// it denies is queued as critical and never runs, at any level.
func TestAskGate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		level   policy.Level
		action  func(canary string) actions.Action
		ran     bool
		verdict policy.Verdict
		risk    actions.Risk
	}{
		// Shell text always asks, even when it reads only as far as the
		// gate can tell; a typed low-risk action runs at auto-safe.
		{"read-only command at auto-safe asks", policy.AutoSafe, func(c string) actions.Action { return command("echo hello") }, false, policy.Ask, actions.Medium},
		{"read-only command at auto-full asks", policy.AutoFull, func(c string) actions.Action { return command("echo hello") }, false, policy.Ask, actions.Medium},
		{"read-only command at suggest asks", policy.Suggest, func(c string) actions.Action { return command("echo hello") }, false, policy.Ask, actions.Medium},
		{"read-only command at observe asks", policy.Observe, func(c string) actions.Action { return command("echo hello") }, false, policy.Ask, actions.Medium},
		{"a diagnostic at auto-safe runs", policy.AutoSafe, func(string) actions.Action {
			return actions.Action{Kind: actions.DiagnosticRun, Params: actions.Diagnostic{Name: "load"}}
		}, true, policy.Run, actions.Low},
		{"a diagnostic at suggest asks", policy.Suggest, func(string) actions.Action {
			return actions.Action{Kind: actions.DiagnosticRun, Params: actions.Diagnostic{Name: "load"}}
		}, false, policy.Ask, actions.Low},
		{"a write at auto-safe asks", policy.AutoSafe, func(c string) actions.Action { return command("touch " + c) }, false, policy.Ask, actions.High},
		{"a write at auto-full asks (shell text)", policy.AutoFull, func(c string) actions.Action { return command("touch " + c) }, false, policy.Ask, actions.High},
		{"a restart at auto-full runs", policy.AutoFull, func(string) actions.Action { return service(actions.ServiceRestart, "nginx") }, true, policy.Run, actions.Medium},
		{"a restart at auto-safe asks", policy.AutoSafe, func(string) actions.Action { return service(actions.ServiceRestart, "nginx") }, false, policy.Ask, actions.Medium},
		{"stopping sshd at auto-full is denied", policy.AutoFull, func(string) actions.Action { return service(actions.ServiceStop, "sshd") }, false, policy.Deny, actions.Critical},
		{"a hostile chain at auto-full is denied", policy.AutoFull, func(c string) actions.Action { return command("touch " + c + " ; systemctl stop sshd") }, false, policy.Deny, actions.Critical},
		{"reboot at auto-full asks", policy.AutoFull, func(string) actions.Action {
			return actions.Action{Kind: actions.SystemReboot, Params: actions.Reboot{}}
		}, false, policy.Ask, actions.Critical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.level)
			canary := filepath.Join(r.dir, "canary")
			ans := r.ask(tc.action(canary), AskOptions{Where: CLI})
			e := ans.Entry
			if ans.Ran != tc.ran {
				t.Fatalf("Ran = %v, want %v (entry %+v)", ans.Ran, tc.ran, e)
			}
			if e.Verdict != string(tc.verdict) || actions.Risk(e.Risk) != tc.risk {
				t.Errorf("verdict %s risk %d, want %s %d (%s)", e.Verdict, e.Risk, tc.verdict, tc.risk, e.Reason)
			}
			if tc.ran {
				if e.State != store.ApprovalSucceeded || e.DecidedBy != "policy" {
					t.Errorf("state %s by %q, want succeeded by policy (%s)", e.State, e.DecidedBy, e.Error)
				}
				return
			}
			if e.State != store.ApprovalPending {
				t.Errorf("state %s, want pending", e.State)
			}
			if exists(canary) {
				t.Error("the canary was written: the action ran")
			}
			for _, c := range r.systemctlCalls() {
				if !strings.HasPrefix(c, "is-active") {
					t.Errorf("systemctl was run: %q", c)
				}
			}
			got, err := r.svc.Get(context.Background(), e.ID)
			if err != nil || got.State != store.ApprovalPending || got.Level != string(tc.level) {
				t.Errorf("stored: %s at %q, %v", got.State, got.Level, err)
			}
		})
	}
}

// TestAskHostLevel: a host's level overrides the global one.
func TestAskHostLevel(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.cfg.Policy.HostLevels = map[string]policy.Level{"": policy.AutoFull}
	ans := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{Where: CLI})
	if !ans.Ran || ans.Entry.Level != string(policy.AutoFull) {
		t.Fatalf("at the local host's auto-full: ran %v, level %q", ans.Ran, ans.Entry.Level)
	}
	r.cfg.Policy.HostLevels = map[string]policy.Level{"": policy.Observe}
	r.cfg.Level = policy.AutoFull
	ans = r.ask(service(actions.ServiceRestart, "redis"), AskOptions{Where: CLI})
	if ans.Ran || ans.Entry.Level != string(policy.Observe) {
		t.Fatalf("at the local host's observe: ran %v, level %q", ans.Ran, ans.Entry.Level)
	}
}

// TestPreApproved: a person's advance approval runs what asks, but never
// what the gate denies, a critical risk, a protected target, or anything
// at observe.
func TestPreApproved(t *testing.T) {
	for _, tc := range []struct {
		name   string
		level  policy.Level
		action func(canary string) actions.Action
		ran    bool
	}{
		{"a write that asks runs", policy.Suggest, func(c string) actions.Action { return command("touch " + c) }, true},
		{"denied stays pending", policy.AutoFull, func(c string) actions.Action { return command("touch " + c + "; systemctl stop ssh.service") }, false},
		{"denied by the configured list stays pending", policy.Suggest, func(c string) actions.Action { return command("touch " + c + " && shutdown -h now") }, false},
		{"critical stays pending", policy.AutoFull, func(string) actions.Action {
			return actions.Action{Kind: actions.SystemReboot, Params: actions.Reboot{}}
		}, false},
		{"protected stays pending", policy.Suggest, func(string) actions.Action { return service(actions.ServiceRestart, "sshd.service") }, false},
		{"nothing at observe", policy.Observe, func(c string) actions.Action { return command("touch " + c) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.level)
			r.cfg.Policy.DeniedCommands = []string{"shutdown"}
			canary := filepath.Join(r.dir, "canary")
			ans := r.ask(tc.action(canary), AskOptions{Where: CLI, PreApproved: true})
			if ans.Ran != tc.ran {
				t.Fatalf("Ran = %v, want %v: %+v", ans.Ran, tc.ran, ans.Entry)
			}
			if tc.ran {
				if ans.Entry.DecidedBy != "person:"+login() || ans.Entry.State != store.ApprovalSucceeded || !exists(canary) {
					t.Errorf("by %q, %s, canary %v", ans.Entry.DecidedBy, ans.Entry.State, exists(canary))
				}
				return
			}
			if ans.Entry.State != store.ApprovalPending || exists(canary) || slices.ContainsFunc(r.systemctlCalls(), func(c string) bool { return c != "" }) {
				t.Errorf("state %s, canary %v, systemctl %q", ans.Entry.State, exists(canary), r.systemctlCalls())
			}
		})
	}
}

// TestMerge: an identical pending proposal joins the first; a different
// one does not.
func TestMerge(t *testing.T) {
	r := newRig(t, policy.Suggest)
	a := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{})
	b := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{})
	if !b.Merged || b.Entry.ID != a.Entry.ID || b.Entry.Count != 2 {
		t.Fatalf("second proposal: merged %v, id %s (first %s), count %d", b.Merged, b.Entry.ID, a.Entry.ID, b.Entry.Count)
	}
	c := r.ask(service(actions.ServiceRestart, "redis"), AskOptions{})
	if c.Merged || c.Entry.ID == a.Entry.ID {
		t.Fatalf("a different proposal merged into %s", c.Entry.ID)
	}
	// Once decided, an identical proposal is a new entry.
	if _, err := r.svc.Reject(context.Background(), a.Entry.ID, person, "no"); err != nil {
		t.Fatal(err)
	}
	d := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{})
	if d.Merged || d.Entry.ID == a.Entry.ID {
		t.Fatalf("a proposal merged into a rejected entry")
	}
}

// TestFirstAnswerWins: a second answer gets the conflict with the entry
// as the first left it, and the rejection's note is kept.
func TestFirstAnswerWins(t *testing.T) {
	r := newRig(t, policy.Suggest)
	canary := filepath.Join(r.dir, "canary")
	e := r.ask(command("touch "+canary), AskOptions{}).Entry
	got, err := r.svc.Reject(context.Background(), e.ID, person, "try a smaller change")
	if err != nil || got.State != store.ApprovalRejected || got.Note != "try a smaller change" {
		t.Fatalf("reject: %s %q %v", got.State, got.Note, err)
	}
	_, err = r.svc.Approve(context.Background(), e.ID, Person(Cockpit), Remember{})
	var c *store.ApprovalConflict
	if !errors.As(err, &c) || !errors.Is(err, store.ErrApprovalDecided) || c.Current.State != store.ApprovalRejected {
		t.Fatalf("late approval: %v", err)
	}
	if exists(canary) {
		t.Fatal("a rejected action ran")
	}
}

// TestAskInvalid: an action that does not validate is refused before
// anything is stored.
func TestAskInvalid(t *testing.T) {
	r := newRig(t, policy.AutoFull)
	_, err := r.svc.Ask(context.Background(), Proposal{Action: actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: "relative/path"}}}, AskOptions{})
	if err == nil {
		t.Fatal("an invalid action was accepted")
	}
	if es, _ := r.svc.List(context.Background(), store.ApprovalQuery{}); len(es) != 0 {
		t.Fatalf("stored %d entries", len(es))
	}
}

// TestRedactedProposal: the proposer's words and the summary are stored
// without the configured secrets.
func TestRedactedProposal(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.cfg.Secrets = []string{"hunter2-very-secret"}
	ans, err := r.svc.Ask(context.Background(), Proposal{Action: command("echo hunter2-very-secret > /dev/null"), Why: "the password is hunter2-very-secret"}, AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := ans.Entry; strings.Contains(e.Why, "hunter2") || strings.Contains(e.Summary, "hunter2") {
		t.Fatalf("stored a secret: why %q summary %q", e.Why, e.Summary)
	}
}

// TestRemoteHost: an action for another host is judged, and fails when
// approved where no transport to it is given.
func TestRemoteHost(t *testing.T) {
	r := newRig(t, policy.Suggest)
	a := service(actions.ServiceRestart, "nginx")
	a.Host = "web1"
	e := r.ask(a, AskOptions{}).Entry
	got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.ApprovalFailed || !strings.Contains(got.Error, "no transport to host web1") {
		t.Fatalf("%s: %q", got.State, got.Error)
	}
	if len(r.systemctlCalls()) != 0 {
		t.Fatalf("systemctl ran here: %q", r.systemctlCalls())
	}
}

// TestDenyNotWaited: what the gate denies is queued for a person but
// never put to the asking front end as a question: Ask returns at once.
func TestDenyNotWaited(t *testing.T) {
	r := newRig(t, policy.AutoFull)
	answered := make(chan Answer, 1)
	asked := false
	go func() {
		ans, err := r.svc.Ask(context.Background(), Proposal{Action: service(actions.ServiceStop, "ssh.socket")},
			AskOptions{Where: Cockpit, Wait: true, Timeout: time.Hour, OnPending: func(Entry) { asked = true }})
		if err != nil {
			t.Error(err)
		}
		answered <- ans
	}()
	select {
	case ans := <-answered:
		if ans.Entry.State != store.ApprovalPending || ans.Entry.Verdict != string(policy.Deny) || asked || ans.TimedOut {
			t.Fatalf("%+v (asked %v)", ans, asked)
		}
		if !strings.Contains(NotRun(ans), "never run by itself") {
			t.Errorf("NotRun: %s", NotRun(ans))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Ask waited on a denied action")
	}
}

// At observe a front end that would wait is not kept waiting and nobody
// is asked: the entry stays pending in the queue.
func TestObserveAsksNobody(t *testing.T) {
	r := newRig(t, policy.Observe)
	asked := false
	ans := r.ask(service(actions.ServiceRestart, "nginx"), AskOptions{Where: Cockpit, Wait: true, Timeout: time.Minute,
		OnPending: func(Entry) { asked = true }})
	if asked || ans.Ran || ans.TimedOut || ans.Entry.State != store.ApprovalPending || ans.Entry.Level != string(policy.Observe) {
		t.Fatalf("asked %v, answer %+v", asked, ans)
	}
}

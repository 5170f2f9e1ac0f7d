package approvals

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// realPane is the pane over core/app and a real store (tuitest.World),
// with a command proposed by the agent waiting in the queue.
func realPane(t *testing.T, shell string) (*Pane, *tuitest.World, *tuitest.Driver, store.Approval) {
	t.Helper()
	w := tuitest.NewWorld(t)
	t.Cleanup(func() { _ = w.App.Shutdown(context.Background()) })
	ans, err := w.App.Ask(context.Background(), approvals.Proposal{
		Action:   actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell}},
		Proposer: approvals.ByAgent, Why: "to see it run", Source: "tui",
	}, approvals.AskOptions{Where: approvals.Cockpit})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Entry.State != store.ApprovalPending {
		t.Fatalf("the proposal is %s, want pending", ans.Entry.State)
	}
	p := New(w.App, tuitest.Styles(t, "ansi"), nil)
	p.SetDecider(ann)
	d := tuitest.ForPane(t, p, tuitest.WithTimeout(20*time.Second),
		tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	if e, ok := p.Selected(); !ok || e.ID != ans.Entry.ID {
		t.Fatalf("the pane selects %+v, want the proposal %s", e, ans.Entry.ID)
	}
	return p, w, d, ans.Entry
}

// answer presses a (and the second confirmation when the risk asks for it).
func answer(d *tuitest.Driver, e store.Approval, first string) {
	d.Press(first)
	if actions.Risk(e.Risk) >= actions.High {
		d.Press("y")
	}
}

func TestRealApproveRunsAndStreamsItsOutput(t *testing.T) {
	p, w, d, e := realPane(t, "echo approved-ok")
	sub := w.App.Subscribe(t.Context())
	// The key press returns the approve command; it runs on its own
	// goroutine, as the program runs it, while the output events come.
	cmd, _ := p.HandleKey(tuitest.Key("a"))
	if actions.Risk(e.Risk) >= actions.High {
		if cmd != nil {
			t.Fatal("a high-risk action ran on the first a")
		}
		cmd, _ = p.HandleKey(tuitest.Key("y"))
	}
	if cmd == nil {
		t.Fatal("a started nothing")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	streamed := false
	deadline := time.After(20 * time.Second)
	for !streamed {
		select {
		case ev := <-sub:
			if o, ok := ev.(events.ApprovalOutput); ok && o.ID == string(e.ID) {
				p.Update(kit.CoreEventMsg{Event: ev})
				streamed = strings.Contains(tuitest.Screen(t, p, 80, 30), "approved-ok")
			}
		case <-deadline:
			t.Fatal("no output line of the run reached the detail view")
		}
	}
	d.Send(<-done)
	got, err := w.App.GetApproval(t.Context(), e.ID)
	if err != nil || got.State != store.ApprovalSucceeded || got.DecidedBy != "person:ann" || got.DecidedWhere != "cockpit" {
		t.Fatalf("after approving: %+v, %v", got, err)
	}
	s := tuitest.Screen(t, p, 80, 30)
	tuitest.RequireContains(t, s, "approval "+string(e.ID)+" succeeded", "succeeded, exit 0", "approved-ok", "decided    person:ann (cockpit)")
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "succeeded")
	// The audit log has the decision and the result.
	log, err := w.App.RecentAudit(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action)
	}
	joined := strings.Join(actions, "\n")
	for _, want := range []string{"pending " + string(e.ID), "succeeded " + string(e.ID)} {
		if !strings.Contains(joined, want) {
			t.Fatalf("the audit log lacks %q:\n%s", want, joined)
		}
	}
}

func TestRealLoserIsToldWhoWon(t *testing.T) {
	p, w, d, e := realPane(t, "echo raced")
	if _, err := w.App.Approve(t.Context(), e.ID, approvals.Decider{Who: "person:x", Where: approvals.CLI}, approvals.Remember{}); err != nil {
		t.Fatal(err)
	}
	answer(d, e, "a")
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "already approved by person:x from cli")
	if p.Len() != 0 {
		t.Fatalf("the decided entry is still in the open list (%d rows)", p.Len())
	}
}

func TestRealRejectWithANoteThenHistory(t *testing.T) {
	p, w, d, e := realPane(t, "rm -rf /tmp/scratch")
	d.Press("r")
	d.Type("keep the scratch files")
	d.Press("enter")
	got, err := w.App.GetApproval(t.Context(), e.ID)
	if err != nil || got.State != store.ApprovalRejected || got.Note != "keep the scratch files" {
		t.Fatalf("after rejecting: %+v, %v", got, err)
	}
	d.Press("h")
	if sel, ok := p.Selected(); !ok || sel.ID != e.ID {
		t.Fatalf("the history selects %+v", sel)
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 160, 10), "rejected", "person:ann (cockpit)", "note: keep the scratch files")
}

func TestRealRememberThenRevoke(t *testing.T) {
	p, w, d, e := realPane(t, "echo remembered")
	if cannotRemember(&e) != "" {
		t.Skipf("the gate judged %q not to be remembered: %s", e.Summary, cannotRemember(&e))
	}
	d.Press("A", "h")
	if actions.Risk(e.Risk) >= actions.High {
		d.Press("y")
	}
	rules, err := w.App.ApprovalRules(t.Context())
	if err != nil || len(rules) != 1 || rules[0].Scope != store.ScopeHost {
		t.Fatalf("rules %+v, %v", rules, err)
	}
	d.Kept()
	d.Press("R")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 10), "remembered rules · 1", "host local", "command.run")
	d.Press("x")
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "revoked rule #")
	rules, err = w.App.ApprovalRules(t.Context())
	if err != nil || slices.ContainsFunc(rules, func(r store.ApprovalRule) bool { return r.RevokedAt.IsZero() }) {
		t.Fatalf("after revoking: %+v, %v", rules, err)
	}
}

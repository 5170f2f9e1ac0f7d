package app

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// An action that fails sends why: the entry's error, its exit code and
// the first lines of its output, each cut short, secrets redacted and
// control characters removed like the rest of the message.
func TestNotifyFailedSaysWhy(t *testing.T) {
	h := newHookServer(t, nil)
	a := notifyApp(t, h.URL)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	svc, err := a.Approvals()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 300)
	shell := "echo 'cannot open /etc/app.conf'; echo \"token very-secret-deploy-token\"; printf 'bell\\007 \\033[31mred\\033[0m\\n'; " +
		"head -c 300 /dev/zero | tr '\\0' x; echo; for i in 5 6 7 8 9 10 11 12 13 14; do echo line $i; done; exit 3"
	ans, err := svc.Ask(ctx, approvals.Proposal{
		Action:   actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell}},
		Proposer: approvals.ByAgent, Source: "cli",
	}, approvals.AskOptions{Where: approvals.CLI})
	if err != nil {
		t.Fatal(err)
	}
	e, err := svc.Approve(ctx, ans.Entry.ID, approvals.Decider{Who: "person:test", Where: approvals.CLI}, approvals.Remember{})
	if err != nil || e.State != store.ApprovalFailed {
		t.Fatalf("Approve = %+v, %v", e, err)
	}
	h.waitFor(t, 2)
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got := h.received()[1]
	if got.Kind != "action.failed" {
		t.Fatalf("second notification = %+v", got)
	}
	body := got.Body
	for _, want := range []string{
		"error: " + strings.Join(strings.Fields(e.Error), " "),
		"exit code: 3",
		"details: macroa approvals show " + string(e.ID),
		"id: " + string(e.ID),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if e.Error == "" {
		t.Error("the failed entry has no error to quote")
	}
	// Never the output: what a command printed may hold anything.
	for _, bad := range []string{"very-secret", "\x1b", "\x07", "output:", "line 10", "bell\x07", long} {
		if strings.Contains(body, bad) {
			t.Errorf("body holds %q:\n%q", bad, body)
		}
	}
}

// Without the entry (read from another store, or gone), the message is
// still sent, with what the event says.
func TestFailedBodyWithoutEntry(t *testing.T) {
	c := events.ApprovalChanged{ID: "a4", State: "failed", Risk: 2, Summary: "restart redis", Proposer: "agent"}
	want := "restart redis\n\nid: a4\nrisk: medium\nhost: local\nproposed by: agent\n\ndetails: macroa approvals show a4"
	if got := failedBody(c, store.Approval{}); got != want {
		t.Errorf("body =\n%s\nwant\n%s", got, want)
	}
	got := failedBody(c, store.Approval{ID: "a4", Error: "exit status 1\n  more", ExitCode: 1, Output: "\n"})
	if !strings.Contains(got, "error: exit status 1 more\nexit code: 1\n") || strings.Contains(got, "output:") {
		t.Errorf("body =\n%s", got)
	}
}

package app

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
)

// TestRunShell: a command from the cockpit's hosts pane is the person's
// command.run proposal for that host, judged by the gate: shell text
// waits in the queue for a person (the call does not wait for the
// answer) and runs once approved; what the gate denies is never run by
// itself, kept for a person with its reason; "local" is this machine.
func TestRunShell(t *testing.T) {
	apps, _ := appsOn(t, 1, "[policy]\nautonomy = \"auto-full\"\ndeny_commands = [\"shutdown\"]\n")
	a := apps[0]
	ctx := context.Background()
	for _, tc := range []struct {
		host, command, wantHost, verdict string
	}{
		{"local", "echo hello", "", "ask"},
		{"web1", "systemctl restart nginx", "web1", "ask"},
		{"local", "shutdown -h now", "", "deny"},
	} {
		e, err := a.RunShell(ctx, tc.host, tc.command)
		if err != nil {
			t.Fatalf("%s on %s: %v", tc.command, tc.host, err)
		}
		if e.State != store.ApprovalPending || e.Verdict != tc.verdict || e.Kind != "command.run" || e.Host != tc.wantHost || e.Proposer != "person" || e.Source != "tui" {
			t.Fatalf("%s on %s: %+v, want pending, %s", tc.command, tc.host, e, tc.verdict)
		}
		if tc.command != "echo hello" {
			continue
		}
		got, err := a.Approve(ctx, e.ID, tester, approvals.Remember{})
		if err != nil || got.State != store.ApprovalSucceeded || !strings.Contains(got.Output, "hello") {
			t.Fatalf("approved: %+v, %v", got, err)
		}
	}
}

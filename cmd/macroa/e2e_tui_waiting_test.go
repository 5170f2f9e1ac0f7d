package main

import (
	"strings"
	"testing"
)

// TestE2ETUIToastsForAProposalFromAnotherProcess: with the cockpit open,
// macroa run in another shell queues a proposal the agent made. Nothing
// of it reaches the cockpit's process but the change to the database; the
// cockpit raises its approval-waiting toast while the chat has focus, and
// the status bar and the approvals tab count it.
func TestE2ETUIToastsForAProposalFromAnotherProcess(t *testing.T) {
	s, srv, env := agentSandbox(t, "")
	ts := startTUI(t, s, env, 160, 48)
	ts.waitText("nothing waits for approval")

	agentProposes(t, srv, "touch from-another-shell")
	done := make(chan result, 1)
	go func() { done <- s.run("", env, "run", "please do the thing") }()
	// The toast lasts seconds: it is looked for while the run goes on.
	ts.waitFor("the approval-waiting toast", func(sc string) bool {
		return strings.Contains(sc, "approval waiting: ") && strings.Contains(sc, "touch from-another-shell") && strings.Contains(sc, "— alt+4")
	})
	r := <-done
	if m := approveCommandRE.FindStringSubmatch(r.stderr); r.code == 0 || m == nil {
		t.Fatalf("macroa run queued no proposal; exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	// Once the toast is gone, the status bar counts what waits.
	ts.waitFor("the status bar's count", shows("approvals 1 · f1 help"))
	sc := ts.waitFor("the approvals pane's title", shows("4 approvals · 1 pending"))
	if strings.Contains(sc, "pending 1") {
		t.Fatalf("the count is said twice:\n%s", sc)
	}
	ts.quit()
}

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// On a terminal, a high-risk approval asks a second time, showing exactly
// what runs: n leaves it pending, y runs it.
func TestE2EApprovalSecondConfirmationOnTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed: skipping the terminal end-to-end test (.ci/run installs it)")
	}
	s := newSandbox(t)
	canary := filepath.Join(s.home, "canary")
	seeded := seedProposals(t, s, commandProposal("touch "+canary, "make a canary"))
	id := string(seeded[0].ID)
	if seeded[0].Risk < 3 {
		t.Fatalf("the test needs a high-risk entry; touch is risk %d", seeded[0].Risk)
	}

	ts := startInTerminal(t, s, "approvals", "approve", id)
	ts.waitText("Run it now? [y/N]")
	if !strings.Contains(ts.screen(), "touch "+canary) {
		t.Fatalf("the question does not show the command:\n%s", ts.screen())
	}
	ts.typeLine("n")
	ts.waitText("exit 1")
	if !strings.Contains(ts.screen(), "stays pending") || exists(canary) {
		t.Fatalf("answering n: want it left pending and nothing run:\n%s", ts.screen())
	}

	ts = startInTerminal(t, s, "approvals", "approve", id)
	ts.waitText("Run it now? [y/N]")
	ts.typeLine("y")
	ts.waitText("exit 0")
	if !strings.Contains(ts.screen(), "succeeded") || !exists(canary) {
		t.Fatalf("answering y: want it run:\n%s", ts.screen())
	}
}

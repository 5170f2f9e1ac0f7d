package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/sandbox"
	"github.com/macroa/macroa/sandbox/support"
	"github.com/macroa/macroa/store"
)

// With sandbox = "required" on a kernel that confines only partly (faked:
// Landlock without TCP), a model's command the parser calls read-only
// (here, forced open) asks instead of running: one approval waits in the
// queue, naming the command and why, and nothing ran.
func TestHostileSandboxRequiredAsks(t *testing.T) {
	forceOpen(t)
	partial := support.Support{LandlockABI: 3, Seccomp: true,
		Missing: []string{"Landlock ABI 3 cannot refuse TCP (it needs ABI 4, Linux 6.7)"}}
	if partial.Level() != support.LevelPartial {
		t.Fatalf("the faked kernel is %s, want partial", partial.Level())
	}
	for _, path := range []via{viaAgent, viaClassifier} {
		t.Run(string(path), func(t *testing.T) {
			w := newHostileWorld(t, sandbox.ModeRequired, hostileOptions{
				box: func(home string, secrets []string) *sandbox.Box {
					return sandbox.NewWithSupport(sandbox.ModeRequired, partial, home, secrets)
				}})
			const cmd = "touch ~/required"
			r := w.run(path, cmd, true)
			t.Logf("answer: %q", r.answer)

			if exists(filepath.Join(w.home, "required")) {
				t.Error("the command ran without asking")
			}
			if len(r.entries) != 0 {
				t.Errorf("audit entries of commands run unasked: %+v, want none", r.entries)
			}
			all, err := w.app.ListApprovals(context.Background(), store.ApprovalQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 1 {
				t.Fatalf("%d approvals queued, want the one command: %+v", len(all), all)
			}
			e := all[0]
			if e.State != store.ApprovalPending || e.Proposer != string(path) || !strings.Contains(e.Summary, cmd) {
				t.Errorf("approval %+v, want the pending command proposed by the %s", e, path)
			}
			if !strings.Contains(e.Why, `sandbox = "required"`) {
				t.Errorf("why it was proposed, %q, does not say the sandbox is required", e.Why)
			}
			if !strings.Contains(r.answer, string(e.ID)) {
				t.Errorf("the answer %q does not name approval %s", r.answer, e.ID)
			}
		})
	}
}

// The control: the same required box on a kernel that confines fully runs
// the command unasked, in the sandbox, so the partial kernel is what made
// the command above ask.
func TestHostileSandboxRequiredRunsWhenFull(t *testing.T) {
	requireFullSandbox(t)
	forceOpen(t)
	for _, path := range []via{viaAgent, viaClassifier} {
		t.Run(string(path), func(t *testing.T) {
			w := newHostileWorld(t, sandbox.ModeRequired, hostileOptions{
				box: func(home string, secrets []string) *sandbox.Box {
					return sandbox.NewWithSupport(sandbox.ModeRequired, support.Detect(), home, secrets)
				}})
			r := w.run(path, "touch ~/required", true)
			if len(r.entries) != 1 || r.entries[0].Sandbox != store.SandboxFull {
				t.Errorf("audit entries of commands run unasked: %+v, want one in the full sandbox", r.entries)
			}
			if exists(filepath.Join(w.home, "required")) {
				t.Error("FINDING: the sandboxed touch wrote into the home")
			}
			if all, err := w.app.ListApprovals(context.Background(), store.ApprovalQuery{}); err != nil || len(all) != 0 {
				t.Errorf("approvals %+v (%v), want none", all, err)
			}
		})
	}
}

package kernel_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/agent"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/sandbox/support"
)

// With the parser forced open, the agent's read of a key and write in the
// home run, and the sandbox stops both: the answer says so whatever the
// model's summary claims, the key reaches no request, the file is not
// made, and each tool call's audit entry names the sandbox.
func TestAgentAnswerSaysWhatTheSandboxStopped(t *testing.T) {
	if s := support.Detect(); s.Level() != support.LevelFull {
		t.Skipf("this kernel cannot confine fully (%s): needs Landlock ABI 4 (Linux 6.7) and seccomp", s.Describe())
	}
	t.Cleanup(agent.ForceReadOnlyForTesting())
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	const key = "-----BEGIN OPENSSH PRIVATE KEY----- canary-key-7f3a"
	keyPath := filepath.Join(f.dir, ".ssh", "id_rsa")
	if err := os.MkdirAll(filepath.Dir(keyPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	made := filepath.Join(f.dir, "x")
	srv.Script(
		classifiedAs("agent"),
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: `{"command":"cat ~/.ssh/id_rsa"}`}}},
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c2", Name: "run_command", Arguments: `{"command":"touch ~/x"}`}}},
		providertest.Reply{Content: "All done, everything worked."},
	)
	q := queueOver(t, f.db)
	res := f.k.Run(context.Background(), kernel.Request{Input: "look around my machine", Source: kernel.SourceCLI,
		Ask: q.Asker(approvalstest.Reject)})
	if len(q.Asked()) != 0 {
		t.Fatalf("the forced-open parser asked: %+v", q.Asked())
	}
	for _, want := range []string{"The sandbox stopped 2 commands", "cat ~/.ssh/id_rsa (refused: cat:", "touch ~/x (refused: touch:", "Permission denied"} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("the answer does not say %q:\n%s", want, res.Output)
		}
	}
	if _, err := os.Stat(made); err == nil {
		t.Error("touch ~/x made the file")
	}
	for i, r := range srv.ChatRequests() {
		if strings.Contains(string(r.Body), "canary-key-7f3a") {
			t.Errorf("request %d carried the key", i)
		}
	}
	var tools int
	for _, e := range f.audit(t) {
		if e.Route != "agent-tool" {
			continue
		}
		tools++
		if e.Sandbox != "full" || e.Success {
			t.Errorf("tool call %q: sandbox %q, success %v; want full, failed", e.Action, e.Sandbox, e.Success)
		}
	}
	if tools != 2 {
		t.Errorf("%d tool calls audited, want 2", tools)
	}
}

// secretPathsFixture is a kernel whose config.toml lists ~/private in
// secret_paths, with a plan in it, and the model server it talks to.
func secretPathsFixture(t *testing.T) (*providertest.Server, fixture, string) {
	t.Helper()
	srv := providertest.New(t)
	f := modelFixture(t, "[policy]\nsecret_paths = [\"~/private\"]\n", "MACROA_BASE_URL="+srv.URL())
	plan := filepath.Join(f.dir, "private", "plan.txt")
	if err := os.MkdirAll(filepath.Dir(plan), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plan, []byte("secret plan 5e1c"), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, f, plan
}

// A path listed in [policy] secret_paths is a credential to the shell
// policy too: a model's read of it asks instead of running.
func TestSecretPathsAsk(t *testing.T) {
	srv, f, plan := secretPathsFixture(t)
	srv.Script(proposes("shell", map[string]string{"command": "cat " + plan}))
	q := queueOver(t, f.db)
	res := f.k.Run(context.Background(), kernel.Request{Input: "tidy up", Source: kernel.SourceCLI,
		Ask: q.Asker(approvalstest.Reject)})
	if asked := q.Asked(); len(asked) != 1 || !strings.Contains(asked[0].Reason, "secret_paths") {
		t.Fatalf("want one question naming secret_paths, got %+v", asked)
	}
	if strings.Contains(res.Output, "secret plan") {
		t.Errorf("the listed file was read: %q", res.Output)
	}
}

// The agent's read_file of a path in secret_paths asks too.
func TestSecretPathsAskForTheFileTool(t *testing.T) {
	srv, f, _ := secretPathsFixture(t)
	srv.Script(
		classifiedAs("agent"),
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "read_file", Arguments: `{"path":"~/private/plan.txt"}`}}},
		providertest.Reply{Content: "done"},
	)
	q := queueOver(t, f.db)
	f.k.Run(context.Background(), kernel.Request{Input: "read my plans", Source: kernel.SourceCLI, Ask: q.Asker(approvalstest.Reject)})
	if asked := q.Asked(); len(asked) != 1 || !strings.Contains(asked[0].Reason, "secret_paths") {
		t.Fatalf("want one question naming secret_paths, got %+v", asked)
	}
	for i, r := range srv.ChatRequests() {
		if strings.Contains(string(r.Body), "secret plan") {
			t.Errorf("request %d carried the file", i)
		}
	}
}

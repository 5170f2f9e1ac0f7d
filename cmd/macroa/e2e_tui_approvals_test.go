package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/providers/providertest"
)

// fakeSystemctl puts a systemctl first on PATH that logs what it was asked
// to log, prints a line for a restart and says "active" when asked; it
// returns the PATH entry for the sandbox's environment.
func fakeSystemctl(t *testing.T, dir, log string) string {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$*\" >> '" + log + "'\ncase \"$1\" in\n  restart) echo \"restarted $3 cleanly\" ;;\n  is-active) echo active ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
}

// TestE2ETUIApprovalFromAgent is the cockpit's reason to exist, tried the
// way a person would: the agent (a scripted model) proposes restarting a
// unit; the proposal shows in the approvals pane; a runs it; its output
// shows there and reaches the agent, and the audit log has the proposal,
// the decision and the result.
func TestE2ETUIApprovalFromAgent(t *testing.T) {
	s, srv, env := agentSandbox(t, "")
	log := filepath.Join(s.home, "systemctl.log")
	env = append(env, fakeSystemctl(t, s.home, log))
	args, _ := json.Marshal(map[string]any{"kind": "service.restart", "params": map[string]string{"unit": "nginx"}, "why": "nginx stopped answering"})
	srv.Script(
		providertest.Reply{Content: `{"skill":"agent","parameters":{},"confidence":0.9,"reasoning":"needs an action"}`},
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "propose_action", Arguments: string(args)}}},
		providertest.Reply{Content: "nginx was restarted."},
	)

	ts := startTUI(t, s, env, 160, 48)
	ts.waitText("macroa")
	ts.typeThen("nginx is down, restart it", "the request in the chat", shows("restart nginx.service"))
	if b, _ := os.ReadFile(log); len(b) != 0 {
		t.Fatalf("systemctl ran before anyone approved: %s", b)
	}
	// The approvals pane lists it, pending, with its risk as a word.
	ts.keys("M-4")
	ts.waitFor("the proposal in the approvals pane", func(sc string) bool {
		return strings.Contains(sc, "restart nginx.se") && strings.Contains(sc, "medium")
	})
	ts.keysThen("the action's output", shows("restarted nginx.service cleanly"), "Enter", "a")
	ts.waitFor("the agent's answer after the action ran", shows("nginx was restarted."))
	ts.quit()

	calls, _ := os.ReadFile(log)
	if got := strings.Count(string(calls), "restart -- nginx.service"); got != 1 {
		t.Fatalf("systemctl restart ran %d times, want once:\n%s", got, calls)
	}
	// The agent was told what the action printed.
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	if !strings.Contains(string(last.Body), "restarted nginx.service cleanly") {
		t.Fatalf("the agent's next round did not see the output:\n%s", last.Body)
	}
	// The audit log: proposed (pending), approved by the person from the
	// cockpit, running, succeeded.
	r := s.run("", env, "audit", "recent", "-n", "40", "--json")
	for _, want := range []string{`"Action": "pending `, `"Action": "approved `, `"Action": "running `, `"Action": "succeeded `, `"Source": "cockpit"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the audit log lacks %s:\n%s", want, r.stdout)
		}
	}
}

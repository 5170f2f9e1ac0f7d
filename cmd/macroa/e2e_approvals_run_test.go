package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/macroa/macroa/providers/providertest"
)

// agentSandbox is a sandbox whose model routes the next request to the
// agent, which calls run_command with command, then gives up.
func agentSandbox(t *testing.T, toml string) (*sandbox, *providertest.Server, []string) {
	t.Helper()
	s, srv, env := modelSandbox(t)
	if toml != "" {
		f, err := os.OpenFile(filepath.Join(s.data, "config.toml"), os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString("\n" + toml); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return s, srv, append(env, "MACROA_MODEL_HAIKU=test-nano")
}

// agentProposes scripts srv for one request: the classifier picks the
// agent, whose first round calls run_command with command and whose
// second answers with text.
func agentProposes(t *testing.T, srv *providertest.Server, command string) {
	t.Helper()
	args, err := json.Marshal(map[string]string{"command": command})
	if err != nil {
		t.Fatal(err)
	}
	srv.Script(
		providertest.Reply{Content: `{"skill":"agent","parameters":{},"confidence":0.9,"reasoning":"needs a command"}`},
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: string(args)}}},
		providertest.Reply{Content: "I proposed the command; it waits for your approval."},
	)
}

var approveCommandRE = regexp.MustCompile(`macroa approvals approve ([0-9a-f]{10})\b`)

// proposeThroughRun runs `macroa run` (no --yes) against a model that
// proposes command, and returns the approval id it names. The run must
// fail, naming the id and the command that approves it.
func proposeThroughRun(t *testing.T, s *sandbox, srv *providertest.Server, env []string, command string) string {
	t.Helper()
	agentProposes(t, srv, command)
	r := s.run("", env, "run", "please do the thing")
	assertNoCrash(t, r)
	m := approveCommandRE.FindStringSubmatch(r.stderr)
	if r.code == 0 || m == nil || !strings.Contains(r.stderr, "approval") {
		t.Fatalf("want a failed run naming the approval id and how to approve it; exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	return m[1]
}

// A model's command waits for a person: macroa run names the approval and
// the command that approves it; nothing runs until approve, which runs it
// here; show and the audit log tell the whole story.
func TestE2EApprovalQueueRunApproveShow(t *testing.T) {
	s, srv, env := agentSandbox(t, "")
	canary := filepath.Join(s.home, "canary")
	id := proposeThroughRun(t, s, srv, env, "touch "+canary)
	if exists(canary) {
		t.Fatal("the proposed command ran before anyone approved it")
	}

	list := listApprovals(t, s, env)
	if len(list) != 1 || list[0].ID != id || list[0].State != "pending" || list[0].Kind != "command.run" ||
		list[0].Proposer != "agent" || !strings.Contains(list[0].Summary, "touch") {
		t.Fatalf("want the one proposal pending; got %+v", list)
	}
	text := s.run("", env, "approvals", "list")
	expect(t, text, 0, id)
	if !strings.Contains(text.stdout, "RISK") || !strings.Contains(text.stdout, "touch") || !strings.Contains(text.stdout, "EXPIRES IN") {
		t.Fatalf("the pending table lacks its columns:\n%s", text.stdout)
	}

	// A unique prefix names it.
	r := s.run("", env, "approvals", "approve", "--yes", id[:6])
	assertNoCrash(t, r)
	if r.code != 0 || !exists(canary) || !strings.Contains(r.stdout, "succeeded") {
		t.Fatalf("approve: want exit 0, the canary and a success line; exit %d, canary %v\nstdout: %s\nstderr: %s", r.code, exists(canary), r.stdout, r.stderr)
	}
	got := showApproval(t, s, env, id)
	if got.State != "succeeded" || !strings.HasPrefix(got.DecidedBy, "person:") || got.DecidedWhere != "cli" || got.Command != "touch "+canary {
		t.Fatalf("show after approve: %+v", got)
	}
	expect(t, s.run("", env, "approvals", "show", id), 0, "succeeded")
	if l := listApprovals(t, s, env); len(l) != 0 {
		t.Fatalf("nothing should be pending after approve: %+v", l)
	}
	if l := listApprovals(t, s, env, "--all"); len(l) != 1 || l[0].State != "succeeded" {
		t.Fatalf("--all should list the decided entry: %+v", l)
	}

	// Approving it again changes nothing and says who decided.
	r = s.run("", env, "approvals", "approve", "--yes", id)
	if r.code != 1 || !strings.Contains(r.stderr, "already approved by person:") || !strings.Contains(r.stderr, "from cli") {
		t.Fatalf("a second approve: want exit 1 saying who approved; exit %d: %s", r.code, r.stderr)
	}

	audit := s.run("", env, "audit", "recent", "-n", "50", "--json")
	for _, want := range []string{"pending " + id, "approved " + id, "succeeded " + id} {
		if !strings.Contains(audit.stdout, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}

// A hostile model at auto-full: stopping sshd, alone or behind rm -rf /,
// is denied by the gate, queued as critical for a person, and never run.
func TestE2EApprovalHostileProtectedDenied(t *testing.T) {
	tests := []struct{ name, command string }{
		{"stop sshd", "systemctl stop sshd"},
		{"rm then stop sshd", "rm -rf / ; systemctl stop sshd"},
		{"alias ssh.service", "systemctl stop ssh.service"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, srv, env := agentSandbox(t, "[policy]\nautonomy = \"auto-full\"\n")
			// Fake systemctl and rm first on PATH: should anything run
			// them, they leave a canary instead of doing harm.
			bin := filepath.Join(s.home, "fakebin")
			canary := filepath.Join(s.home, "ran")
			if err := os.MkdirAll(bin, 0o700); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"systemctl", "rm"} {
				script := "#!/bin/sh\necho \"" + name + " $*\" >> " + canary + "\n"
				if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			env = append(env, "PATH="+bin+":"+os.Getenv("PATH"))

			id := proposeThroughRun(t, s, srv, env, tc.command)
			if exists(canary) {
				b, _ := os.ReadFile(canary)
				t.Fatalf("a denied command ran: %s", b)
			}
			got := showApproval(t, s, env, id)
			if got.State != "pending" || got.Risk != "critical" || got.Verdict != "deny" {
				t.Fatalf("want pending, critical, denied; got %+v", got)
			}
			list := s.run("", env, "approvals", "list")
			expect(t, list, 0, "CRITICAL")

			// No terminal and no --yes: the second confirmation is missing.
			r := s.run("", env, "approvals", "approve", id)
			if r.code != 2 || !strings.Contains(r.stderr, "--yes") {
				t.Fatalf("approve without --yes: want exit 2 naming --yes; exit %d: %s", r.code, r.stderr)
			}
			// No rule ever covers it.
			r = s.run("", env, "approvals", "approve", "--yes", "--remember", "always", id)
			if r.code != 2 || !strings.Contains(r.stderr, "no rule") {
				t.Fatalf("approve --remember: want exit 2 refusing a rule; exit %d: %s", r.code, r.stderr)
			}
			if exists(canary) {
				t.Fatal("a refused approval ran the command")
			}
			if got := showApproval(t, s, env, id); got.State != "pending" {
				t.Fatalf("refused approvals must leave it pending; got %s", got.State)
			}
		})
	}
}

// The classifier's proposal takes the same way: queued, named with the
// command that approves it, run only by that.
func TestE2EApprovalClassifierProposalQueued(t *testing.T) {
	s, srv, env := agentSandbox(t, "")
	canary := filepath.Join(s.home, "canary")
	srv.Script(classifierProposes(t, "shell", map[string]string{"command": "touch " + canary}))
	r := s.run("", env, "run", "tell me a joke")
	assertNoCrash(t, r)
	m := approveCommandRE.FindStringSubmatch(r.stderr)
	if r.code != 1 || m == nil || !strings.Contains(r.stderr, "queued for approval as "+m[1]) || exists(canary) {
		t.Fatalf("want exit 1 naming the queued approval and nothing run; exit %d, canary %v\nstdout: %s\nstderr: %s", r.code, exists(canary), r.stdout, r.stderr)
	}
	if got := showApproval(t, s, env, m[1]); got.State != "pending" || got.Proposer != "classifier" {
		t.Fatalf("the classifier's proposal: %+v", got)
	}
	r = s.run("", env, "approvals", "approve", "--yes", m[1])
	if r.code != 0 || !exists(canary) {
		t.Fatalf("approve: exit %d, canary %v: %s%s", r.code, exists(canary), r.stdout, r.stderr)
	}
}

// The processes that change the queue send its notifications before they
// exit: macroa run that queued a proposal (approval waiting), and approve
// whose action failed (action failed), even though both exit 1.
func TestE2EApprovalNotifiesFromTheCLI(t *testing.T) {
	hook := newNotifyServer(t, http.StatusOK)
	s, srv, env := agentSandbox(t, "[[notify]]\ntype = \"webhook\"\nurl = \""+hook.URL+"/hook\"\n")
	id := proposeThroughRun(t, s, srv, env, "echo boom; exit 3")
	if _, bodies := hook.snapshot(); len(bodies) != 1 || !strings.Contains(bodies[0], "Approval waiting") || !strings.Contains(bodies[0], "macroa approvals approve "+id) {
		t.Fatalf("after macroa run: want one approval-waiting notification naming the approve command; got %q", bodies)
	}
	r := s.run("", env, "approvals", "approve", "--yes", id)
	if r.code != 1 || !strings.Contains(r.stdout, "boom") || !strings.Contains(r.stderr, "failed (exit code 3)") {
		t.Fatalf("approve of a failing action: want exit 1 with its output and exit code; exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	_, bodies := hook.snapshot()
	if len(bodies) != 2 || !strings.Contains(bodies[1], "Action failed") || !strings.Contains(bodies[1], id) {
		t.Fatalf("after a failed approve: want an action-failed notification; got %q", bodies)
	}
}

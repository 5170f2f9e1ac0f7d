package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// macroa run --json names the approvals the run left waiting; a run that
// proposes nothing, or whose proposal ran, names none.
func TestE2ERunJSONNamesWaitingApprovals(t *testing.T) {
	s, srv, env := agentSandbox(t, "")
	canary := filepath.Join(s.home, "canary")
	type report struct {
		Success bool      `json:"success"`
		Waiting *[]string `json:"waiting_approvals"`
	}
	run := func(args ...string) report {
		t.Helper()
		r := s.run("", env, args...)
		assertNoCrash(t, r)
		var rep report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Waiting == nil {
			t.Fatalf("%v: %v\nstdout: %s\nstderr: %s", args, err, r.stdout, r.stderr)
		}
		return rep
	}

	agentProposes(t, srv, "touch "+canary)
	rep := run("run", "--json", "please do the thing")
	list := listApprovals(t, s, env)
	if len(list) != 1 || len(*rep.Waiting) != 1 || (*rep.Waiting)[0] != list[0].ID {
		t.Fatalf("waiting_approvals %v, the queue %+v", *rep.Waiting, list)
	}
	if exists(canary) {
		t.Fatal("the proposal ran")
	}

	// The same proposal again merges into the entry: its id once.
	agentProposes(t, srv, "touch "+canary)
	if rep = run("run", "--json", "please do the thing"); len(*rep.Waiting) != 1 || (*rep.Waiting)[0] != list[0].ID {
		t.Fatalf("a merged proposal: waiting_approvals %v, want [%s]", *rep.Waiting, list[0].ID)
	}

	// Nothing proposed: [].
	if rep = run("run", "--json", "!echo hi"); !rep.Success || len(*rep.Waiting) != 0 {
		t.Fatalf("a shell command: %+v %v", rep, *rep.Waiting)
	}

	// --yes approves and runs it: nothing waits.
	other := filepath.Join(s.home, "other")
	agentProposes(t, srv, "touch "+other)
	if rep = run("run", "--json", "--yes", "please do the other thing"); len(*rep.Waiting) != 0 || !exists(other) {
		t.Fatalf("with --yes: waiting_approvals %v, ran %v", *rep.Waiting, exists(other))
	}
	if r := s.run("", env, "run", "--json", "!echo hi"); !strings.Contains(r.stdout, `"waiting_approvals":[]`) {
		t.Fatalf("an empty list is []: %s", r.stdout)
	}
}

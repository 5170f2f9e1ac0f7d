package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// seedProposals queues proposals in the sandbox's store the way a model's
// proposal is queued (the service's Ask, not waiting), as another process
// would, and returns the entries.
func seedProposals(t *testing.T, s *sandbox, props ...approvals.Proposal) []store.Approval {
	t.Helper()
	return seedWith(t, s, approvals.Config{Level: policy.Suggest}, props...)
}

// seedWith is seedProposals with the queue's configuration.
func seedWith(t *testing.T, s *sandbox, cfg approvals.Config, props ...approvals.Proposal) []store.Approval {
	t.Helper()
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(s.data, "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := approvals.NewService(approvals.ServiceOptions{Store: db,
		Config: func() approvals.Config { return cfg }})
	out := make([]store.Approval, 0, len(props))
	for _, p := range props {
		if p.Proposer == "" {
			p.Proposer = approvals.ByAgent
		}
		if p.Source == "" {
			p.Source = "cli"
		}
		ans, err := svc.Ask(ctx, p, approvals.AskOptions{Where: approvals.CLI})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Entry.State != store.ApprovalPending {
			t.Fatalf("seeded proposal %q is %s, want pending", ans.Entry.Summary, ans.Entry.State)
		}
		out = append(out, ans.Entry)
	}
	return out
}

func commandProposal(shell, why string) approvals.Proposal {
	return approvals.Proposal{Action: actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell, Dir: "/tmp"}}, Why: why}
}

// show prints every field: the exact command with its controls visible,
// the proposer's words cleaned, the gate's decision; a file write shows
// its diff against the file as it is now.
func TestE2EApprovalShowFields(t *testing.T) {
	s := newSandbox(t)
	target := filepath.Join(s.home, "motd")
	if err := os.WriteFile(target, []byte("old line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	seeded := seedProposals(t, s,
		commandProposal("echo hi\tthere\ntouch pwned", "because \x1b[31mreasons\x1b[0m\u202e"),
		approvals.Proposal{Action: actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: target, Content: "new line\n"}}, Why: "update the motd"},
		approvals.Proposal{Action: actions.Action{Kind: actions.ServiceRestart, Params: actions.Service{Unit: "nginx"}}, Why: "it hangs"},
	)
	cmdID, fileID, svcID := string(seeded[0].ID), string(seeded[1].ID), string(seeded[2].ID)

	r := s.macroa("approvals", "show", cmdID)
	expect(t, r, 0, "Approval "+cmdID+": pending")
	for _, want := range []string{"echo hi\\tthere\n", "    touch pwned", "because reasons", "Gate:", "Proposed:", "by agent from cli", "Expires:", "Risk:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show %s lacks %q:\n%s", cmdID, want, r.stdout)
		}
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07\u202e") {
		t.Errorf("show printed a control character: %q", r.stdout)
	}

	r = s.macroa("approvals", "show", fileID)
	for _, want := range []string{"-old line", "+new line", "write " + target} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show of a file write lacks %q:\n%s", want, r.stdout)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "old line\n" {
		t.Fatalf("show changed the file: %q", b)
	}

	r = s.macroa("approvals", "show", "--json", svcID)
	var j map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if j["command"] != "systemctl restart -- nginx.service" || j["kind"] != "service.restart" || j["target"] == "" ||
		j["verdict"] != "ask" || j["level"] != "suggest" || j["proposer"] != "agent" || j["why"] != "it hangs" {
		t.Fatalf("show --json of a restart: %s", r.stdout)
	}
	if _, ok := j["params"].(map[string]any); !ok {
		t.Fatalf("show --json lacks the parameters: %s", r.stdout)
	}
}

// More entries than --limit: the list says how many more; a prefix that
// names several entries lists them and exits 2.
func TestE2EApprovalListLimitAndAmbiguousPrefix(t *testing.T) {
	s := newSandbox(t)
	var props []approvals.Proposal
	for i := range 17 { // 17 ids over 16 hex digits: two share a first digit
		props = append(props, commandProposal("echo "+strings.Repeat("x", i+1), "test"))
	}
	seeded := seedProposals(t, s, props...)

	r := s.macroa("approvals", "list", "--limit", "5")
	expect(t, r, 0, "12 more; use --limit 17")
	if n := strings.Count(r.stdout, "echo x"); n != 5 {
		t.Fatalf("want 5 rows, got %d:\n%s", n, r.stdout)
	}
	r = s.macroa("approvals", "list", "--json", "--limit", "5")
	var rows []listed
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 5 || !strings.Contains(r.stderr, "12 more") {
		t.Fatalf("list --json --limit 5: %v, %d rows, stderr %q", err, len(rows), r.stderr)
	}

	first := map[byte][]string{}
	for _, e := range seeded {
		first[e.ID[0]] = append(first[e.ID[0]], string(e.ID))
	}
	for c, ids := range first {
		if len(ids) < 2 {
			continue
		}
		r := s.macroa("approvals", "show", string(c))
		if r.code != 2 || !strings.Contains(r.stderr, "matches") {
			t.Fatalf("ambiguous prefix %c: want exit 2 listing the matches; exit %d: %s", c, r.code, r.stderr)
		}
		for _, id := range ids {
			if !strings.Contains(r.stderr, id) {
				t.Errorf("the matches of %c lack %s: %s", c, id, r.stderr)
			}
		}
		return
	}
	t.Fatal("no two ids share a first digit")
}

// Shell completion offers pending ids with their risk and summary.
func TestE2EApprovalCompletion(t *testing.T) {
	s := newSandbox(t)
	seeded := seedProposals(t, s, commandProposal("uptime --pretty", "test"))
	r := s.macroa("__complete", "approvals", "approve", "")
	expect(t, r, 0, string(seeded[0].ID)+"\t")
	if !strings.Contains(r.stdout, "uptime --pretty") {
		t.Fatalf("completion lacks the summary:\n%s", r.stdout)
	}
	r = s.macroa("__complete", "approvals", "reject", "zz")
	if r.code != 0 || strings.Contains(r.stdout, string(seeded[0].ID)) {
		t.Fatalf("completion of a prefix that matches nothing offered %s", r.stdout)
	}
}

// approve --remember makes a rule that rules lists, and revoke ends it.
func TestE2EApprovalRememberRules(t *testing.T) {
	s := newSandbox(t)
	seeded := seedProposals(t, s, commandProposal("echo remembered", "test"))
	id := string(seeded[0].ID)

	r := s.macroa("approvals", "approve", "--yes", "--remember", "always", id)
	expect(t, r, 0, "remembered")
	if !strings.Contains(r.stdout, "Remembered (always)") || !strings.Contains(r.stdout, "succeeded") {
		t.Fatalf("approve --remember: %s", r.stdout)
	}
	r = s.macroa("approvals", "rules", "--json")
	var rules []struct {
		ID           int64
		Kind, Target string
		Scope        string
		From         string
	}
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil || len(rules) != 1 {
		t.Fatalf("rules --json: %v: %s", err, r.stdout)
	}
	if rules[0].Kind != "command.run" || rules[0].Scope != "always" || rules[0].From != id {
		t.Fatalf("the rule: %+v", rules[0])
	}
	expect(t, s.macroa("approvals", "rules"), 0, "echo remembered")
	r = s.macroa("__complete", "approvals", "rules", "revoke", "")
	expect(t, r, 0, "command.run")

	ruleID := strconv.FormatInt(rules[0].ID, 10)
	expect(t, s.macroa("approvals", "rules", "revoke", ruleID), 0, "Rule "+ruleID+" revoked")
	expect(t, s.macroa("approvals", "rules"), 0, "No remembered approvals")
	audit := s.macroa("audit", "recent", "--json")
	if !strings.Contains(audit.stdout, "revoke rule "+ruleID) || !strings.Contains(audit.stdout, "remember command.run") {
		t.Fatalf("the audit log lacks the rule's making and revoking:\n%s", audit.stdout)
	}
}

// Every approvals output, fed hostile bytes (the proposer's words, a
// command's output streamed and kept, a rejection's note), prints none a
// terminal acts on, and still shows the text around them.
func TestE2EApprovalsTerminalSafety(t *testing.T) {
	s := newSandbox(t)
	hostile := filepath.Join(s.home, "hostile.txt")
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hostile, []byte(hostileBytes), 0o600); err != nil {
		t.Fatal(err)
	}
	seeded := seedProposals(t, s,
		commandProposal("cat "+hostile+"; cat "+hostile+" >&2", hostileModel),
		commandProposal("true", hostileModel))
	ran, rejected := string(seeded[0].ID), string(seeded[1].ID)

	steps := []struct {
		args       []string
		keep, json bool
	}{
		{[]string{"approvals", "list"}, false, false},
		{[]string{"approvals", "list", "--json"}, false, true},
		{[]string{"approvals", "show", ran}, true, false},
		{[]string{"approvals", "show", "--json", ran}, true, true},
		{[]string{"approvals", "approve", "--yes", ran}, true, false},
		{[]string{"approvals", "show", ran}, true, false},
		{[]string{"approvals", "show", "--json", ran}, true, true},
		{[]string{"approvals", "reject", rejected, "--note", hostileArg}, true, false},
		{[]string{"approvals", "show", rejected}, true, false},
		{[]string{"approvals", "list", "--all"}, false, false},
		{[]string{"approvals", "list", "--all", "--json"}, false, true},
		{[]string{"__complete", "approvals", "show", ""}, false, false},
	}
	for _, st := range steps {
		r := s.macroa(st.args...)
		assertNoCrash(t, r)
		if r.code != 0 {
			t.Errorf("%v: exit %d: %s", st.args, r.code, r.stderr)
		}
		if c := controlBytes(r.stdout + r.stderr); c != "" {
			t.Errorf("%v printed %s:\n%q", st.args, c, r.stdout+r.stderr)
		}
		if st.keep && !keptText(r.stdout+r.stderr) {
			t.Errorf("%v lost the text around the sequences:\n%q", st.args, r.stdout+r.stderr)
		}
		if st.json && !json.Valid([]byte(r.stdout)) {
			t.Errorf("%v: not JSON: %s", st.args, r.stdout)
		}
	}
}

// The lists stay aligned in terminal cells whatever a summary holds: wide
// and combining characters, tabs and newlines.
func TestE2EApprovalListsStayAligned(t *testing.T) {
	s := newSandbox(t)
	seedProposals(t, s,
		commandProposal("echo 日本語の値と全角ＡＢＣ", "test"),
		commandProposal("echo e\u0301\u0301 n\u0303 👩\u200d💻", "test"),
		commandProposal("echo a\tb\necho c", "test"),
		commandProposal("echo plain", "test"))
	for _, args := range [][]string{{"approvals", "list"}, {"approvals", "list", "--all"}} {
		r := s.macroa(args...)
		expect(t, r, 0, "HOST")
		assertAligned(t, r.stdout, regexp.MustCompile(`local  agent .*$`), "HOST", 4)
	}
}

// Approving a file write writes it after a backup; show names the backup
// and how to undo it.
func TestE2EApprovalFileWrite(t *testing.T) {
	s := newSandbox(t)
	target := filepath.Join(s.home, "motd")
	if err := os.WriteFile(target, []byte("old line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	seeded := seedProposals(t, s, approvals.Proposal{
		Action: actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: target, Content: "new line\n", Mode: 0o600}}, Why: "update the motd"})
	id := string(seeded[0].ID)
	r := s.macroa("approvals", "approve", "--yes", id)
	expect(t, r, 0, "succeeded")
	if b, _ := os.ReadFile(target); string(b) != "new line\n" {
		t.Fatalf("the file holds %q after approve", b)
	}
	r = s.macroa("approvals", "show", id)
	for _, want := range []string{"Backup:", "Undo:", "-old line", "+new line"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show after a file write lacks %q:\n%s", want, r.stdout)
		}
	}
	backups, _ := filepath.Glob(filepath.Join(s.data, "backups", "*"))
	found := false
	for _, b := range backups {
		if c, err := os.ReadFile(b); err == nil && string(c) == "old line\n" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no backup holds the old content among %q", backups)
	}
}

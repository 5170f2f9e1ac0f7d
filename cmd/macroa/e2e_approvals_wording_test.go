package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/policy"
)

// Usage errors name the command once ("macroa: approvals show takes …")
// and a subcommand that does not exist by its name.
func TestE2EApprovalsUsageWording(t *testing.T) {
	s := newSandbox(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"approvals", "show"}, []string{"macroa: approvals show takes an approval id\n", "Usage: macroa approvals show ID"}},
		{[]string{"approvals", "approve"}, []string{"macroa: approvals approve takes an approval id"}},
		{[]string{"approvals", "list", "x"}, []string{"macroa: approvals list takes no arguments"}},
		{[]string{"approvals", "frobnicate"}, []string{`approvals has no subcommand "frobnicate"`, "list", "show", "approve", "reject", "rules"}},
		{[]string{"approvals", "shwo", "1"}, []string{`no subcommand "shwo"; did you mean "show"?`}},
		{[]string{"approvals", "rules", "frob"}, []string{`approvals rules has no subcommand "frob"`, "revoke"}},
		{[]string{"approvals", "rules", "revoke"}, []string{"macroa: approvals rules revoke takes a rule id"}},
	}
	for _, tc := range cases {
		r := s.macroa(tc.args...)
		assertNoCrash(t, r)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", tc.args, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "macroa: macroa") {
			t.Errorf("%v: the program is named twice: %s", tc.args, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: stderr lacks %q: %s", tc.args, w, r.stderr)
			}
		}
	}
	expect(t, s.macroa("approvals"), 0, "Available Commands")
}

// A second answer says what became of the entry in words; a rule revoked
// twice says it already was.
func TestE2EApprovalsAlreadyDone(t *testing.T) {
	s := newSandbox(t)
	seeded := seedProposals(t, s, commandProposal("true", "ok"), commandProposal("exit 4", "fails"), commandProposal("echo no", "no"))
	ok, bad, rej := string(seeded[0].ID), string(seeded[1].ID), string(seeded[2].ID)
	expect(t, s.macroa("approvals", "approve", "--yes", "--remember", "always", ok), 0, "succeeded")
	if r := s.macroa("approvals", "approve", "--yes", bad); r.code != 1 {
		t.Fatalf("a failing action: exit %d", r.code)
	}
	expect(t, s.macroa("approvals", "reject", rej), 0, "Rejected")
	cases := []struct {
		id, want string
	}{
		{ok, "; it already ran and succeeded"},
		{bad, "; it already ran and failed"},
		{rej, "was already rejected by person:"},
	}
	for _, tc := range cases {
		for _, verb := range []string{"approve", "reject"} {
			r := s.macroa("approvals", verb, "--yes", tc.id)
			if verb == "reject" {
				r = s.macroa("approvals", verb, tc.id)
			}
			assertNoCrash(t, r)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "it is ") {
				t.Errorf("%s %s again: want exit 1 and %q; got exit %d: %s", verb, tc.id, tc.want, r.code, r.stderr)
			}
		}
	}

	r := s.macroa("approvals", "rules", "--json")
	var rules []ruleJSON
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil || len(rules) != 1 {
		t.Fatalf("rules --json: %v: %s", err, r.stdout)
	}
	id := strconv.FormatInt(rules[0].ID, 10)
	expect(t, s.macroa("approvals", "rules", "revoke", id), 0, "Rule "+id+" revoked")
	r = s.macroa("approvals", "rules", "revoke", id)
	if r.code != 1 || !strings.Contains(r.stderr, "rule "+id+" was already revoked") || r.stdout != "" {
		t.Errorf("revoke twice: want exit 1 saying it was already revoked; exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	audit := s.macroa("audit", "recent", "--json")
	if n := strings.Count(audit.stdout, "revoke rule "+id); n < 1 || n > 2 {
		// one entry for the revocation (its input and action both name it)
		t.Errorf("the audit log names the revocation %d times:\n%s", n, audit.stdout)
	}
}

// An expired entry says when it expired, never the zero time: in show,
// list --all, and an answer that comes too late.
func TestE2EApprovalExpiredTime(t *testing.T) {
	s := newSandbox(t)
	seeded := seedWith(t, s, approvals.Config{Level: policy.Suggest, Expiry: time.Millisecond}, commandProposal("true", "too late"))
	id := string(seeded[0].ID)
	waitFor(t, "the entry's expiry", 5*time.Second, func() bool { return time.Now().After(seeded[0].ExpiresAt) })
	at := "expired at " + clock(seeded[0].ExpiresAt, time.Now())
	checks := []struct {
		args []string
		code int
	}{
		{[]string{"approvals", "list", "--all"}, 0},
		{[]string{"approvals", "show", id}, 0},
		{[]string{"approvals", "approve", "--yes", id}, 1},
		{[]string{"approvals", "reject", id}, 1},
	}
	for _, c := range checks {
		r := s.macroa(c.args...)
		assertNoCrash(t, r)
		out := r.stdout + r.stderr
		if r.code != c.code || !strings.Contains(out, at) || strings.Contains(out, "0001-01-01") {
			t.Errorf("%v: want exit %d and %q; got exit %d:\n%s", c.args, c.code, at, r.code, out)
		}
	}
	if got := showApproval(t, s, nil, id); got.State != "expired" {
		t.Fatalf("the entry is %s, want expired", got.State)
	}
}

// A notify test whose one channel refuses says so plainly.
func TestE2ENotifyTestOneChannel(t *testing.T) {
	refused := newNotifyServer(t, http.StatusUnauthorized)
	s := newSandbox(t)
	s.writeConfig("[[notify]]\ntype = \"webhook\"\nurl = \"" + refused.URL + "/hook\"\n")
	r := s.macroa("notify", "test")
	assertNoCrash(t, r)
	if r.code != 1 || !strings.Contains(r.stderr, "the test message did not reach the channel (the FAIL line above says why)") ||
		!strings.HasPrefix(r.stdout, "FAIL  webhook") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	ok := newNotifyServer(t, http.StatusOK)
	s.writeConfig("[[notify]]\ntype = \"webhook\"\nurl = \"" + refused.URL + "/a\"\n\n[[notify]]\ntype = \"webhook\"\nurl = \"" + refused.URL + "/b\"\n\n" +
		"[[notify]]\ntype = \"webhook\"\nurl = \"" + ok.URL + "/c\"\n")
	r = s.macroa("notify", "test")
	if r.code != 1 || !strings.Contains(r.stderr, "the test message did not reach 2 of 3 channels (the FAIL lines above say why)") {
		t.Errorf("two of three: exit %d: %s", r.code, r.stderr)
	}
}

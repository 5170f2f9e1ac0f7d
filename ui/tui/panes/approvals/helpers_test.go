package approvals

import (
	"testing"
	"time"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// testNow is the pane's clock in these tests.
var testNow = time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)

// ann is the person answering from the cockpit in these tests.
var ann = approvals.Decider{Who: "person:ann", Where: approvals.Cockpit}

// sample is a queue of every risk, proposer and kind the pane shows,
// with decided entries and one remembered rule.
func sample() []store.Approval {
	at := func(d time.Duration) time.Time { return testNow.Add(-d) }
	exp := testNow.Add(23 * time.Hour)
	return []store.Approval{
		{ID: "a1low00001", Kind: "service.status", Params: params(map[string]string{"unit": "nginx"}), Summary: "show the status of nginx.service",
			Target: "nginx", Risk: 1, Verdict: "ask", Reason: "the agent proposed it at suggest", Level: "suggest",
			Proposer: "agent", Why: "the site answers 502", Source: "tui", Session: "ops", CreatedAt: at(2 * time.Minute), ExpiresAt: exp},
		{ID: "b2med00002", Kind: "service.restart", Params: params(map[string]string{"unit": "nginx.service"}), Summary: "restart nginx.service",
			Target: "nginx", Risk: 2, Verdict: "ask", Reason: "restarting a unit changes state", Level: "auto-safe", Count: 3,
			Proposer: "agent", Why: "nginx failed twice since 15:00; a restart usually clears the stuck worker", Source: "tui", Session: "ops",
			CreatedAt: at(12 * time.Minute), ExpiresAt: exp},
		{ID: "c3high0003", Kind: "command.run", Params: params(map[string]string{"shell": "apt-get -y autoremove && journalctl --vacuum-size=200M", "dir": "/root"}),
			Summary: "run: apt-get -y autoremove && journalctl --vacuum-size=200M", Target: "apt-get -y autoremove && journalctl --vacuum-size=200M",
			Risk: 3, Verdict: "ask", Reason: "a command always asks", Level: "auto-full", Proposer: "classifier", Why: "the disk is 97% full",
			Source: "cli", CreatedAt: at(3 * time.Hour), ExpiresAt: testNow.Add(21 * time.Hour)},
		{ID: "d4crit0004", Kind: "service.stop", Host: "web-2", Params: params(map[string]string{"unit": "sshd"}), Summary: "stop ssh.service",
			Target: "ssh", Risk: 4, Verdict: "deny", Reason: "ssh is protected", Protected: "ssh", Level: "auto-full",
			Proposer: "agent", Why: "close the port as asked", Source: "repl", CreatedAt: at(40 * time.Minute), ExpiresAt: exp},
		{ID: "e5file0005", Kind: "file.write", Params: params(map[string]any{"path": "/etc/nginx/conf.d/site.conf", "content": "server {}\n",
			"diff": "--- /etc/nginx/conf.d/site.conf\n+++ /etc/nginx/conf.d/site.conf\n@@ -1 +1 @@\n-server { listen 80; }\n+server {}\n"}),
			Summary: "write /etc/nginx/conf.d/site.conf", Target: "/etc/nginx/conf.d/site.conf", Risk: 3, Verdict: "ask",
			Reason: "a file write asks", Level: "auto-safe", Proposer: "agent", Why: "fix the listen directive", Source: "tui",
			CreatedAt: at(5 * time.Minute), ExpiresAt: exp},
		{ID: "f6done0006", State: store.ApprovalSucceeded, Kind: "service.restart", Params: params(map[string]string{"unit": "redis"}),
			Summary: "restart redis.service", Target: "redis", Risk: 2, Verdict: "ask", Proposer: "agent", CreatedAt: at(26 * time.Hour),
			DecidedBy: "person:bob", DecidedWhere: "cli", DecidedAt: at(25 * time.Hour), FinishedAt: at(25 * time.Hour), UpdatedAt: at(25 * time.Hour),
			Output: "restarted\n"},
		{ID: "g7rej00007", State: store.ApprovalRejected, Kind: "system.reboot", Params: "{}", Summary: "reboot this machine",
			Risk: 3, Verdict: "ask", Proposer: "agent", CreatedAt: at(2 * time.Hour), DecidedBy: "person:ann", DecidedWhere: "cockpit",
			DecidedAt: at(90 * time.Minute), UpdatedAt: at(90 * time.Minute), Note: "not during business hours"},
	}
}

// newTestPane is the pane over the fake queue with the given entries,
// loaded, at testNow, answering as ann.
func newTestPane(t testing.TB, es ...store.Approval) (*Pane, *fakeQueue, *tuitest.Driver) {
	t.Helper()
	f := newFakeQueue(testNow)
	f.add(es...)
	p := New(f, tuitest.Styles(t, "ansi"), nil)
	p.SetClock(func() time.Time { return testNow })
	p.SetDecider(ann)
	d := tuitest.ForPane(t, p, tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	return p, f, d
}

// selectID moves the selection to the entry id in the list shown.
func selectID(t testing.TB, p *Pane, d *tuitest.Driver, id store.ApprovalID) {
	t.Helper()
	d.Press("g")
	for range p.Len() {
		if e, ok := p.Selected(); ok && e.ID == id {
			return
		}
		d.Press("j")
	}
	t.Fatalf("no row for %s", id)
}

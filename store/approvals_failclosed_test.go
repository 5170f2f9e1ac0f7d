package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestApprovalTransitionsFailClosed: when the audit entry cannot be
// written, no transition happens: the entry stays as it was and the
// caller is told why (never a conflict).
func TestApprovalTransitionsFailClosed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	pending := inState(t, db, clock, 1, ApprovalPending)
	approved := inState(t, db, clock, 2, ApprovalApproved)
	running := inState(t, db, clock, 3, ApprovalRunning)
	due := inState(t, db, clock, 4, ApprovalPending)
	rule, err := db.AddApprovalRule(ctx, ApprovalRule{Kind: "k", Target: "t", Scope: ScopeAlways}, AuditEntry{})
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected audit write error'); END`)
	clock.advance(2 * time.Hour) // every pending entry is now due to expire
	before := countRows(t, db, "audit_log")
	for _, tc := range []struct {
		name string
		id   ApprovalID
		do   func() error
	}{
		{"propose", "", func() error { _, _, err := db.ProposeApproval(ctx, testApproval(9), AuditEntry{}); return err }},
		{"decide (expires it)", pending.ID, func() error {
			_, err := db.DecideApproval(ctx, pending.ID, ApprovalApproved, "person:a", "cli", "", runnerA)
			return err
		}},
		{"start", approved.ID, func() error { _, err := db.StartApproval(ctx, approved.ID, runnerA, ""); return err }},
		{"finish", running.ID, func() error {
			_, err := db.FinishApproval(ctx, running.ID, runnerA, ApprovalSucceeded, 0, "", "")
			return err
		}},
		{"interrupt", running.ID, func() error {
			_, err := db.InterruptApprovals(ctx, func(string) bool { return false })
			return err
		}},
		{"expire", due.ID, func() error { _, err := db.ExpireApprovals(ctx, clock.t); return err }},
		{"revoke rule", "", func() error { _, err := db.RevokeApprovalRule(ctx, rule.ID, AuditEntry{}); return err }},
		{"add rule", "", func() error {
			_, err := db.AddApprovalRule(ctx, ApprovalRule{Kind: "k", Target: "t", Scope: ScopeAlways}, AuditEntry{})
			return err
		}},
	} {
		var was Approval
		if tc.id != "" {
			was, _ = db.GetApproval(ctx, tc.id)
		}
		err := tc.do()
		var c *ApprovalConflict
		if err == nil || errors.As(err, &c) || !strings.Contains(err.Error(), "injected audit write error") {
			t.Errorf("%s: %v, want the audit error", tc.name, err)
		}
		if tc.id != "" {
			if now, _ := db.GetApproval(ctx, tc.id); now != was {
				t.Errorf("%s changed the entry without its audit entry: %+v -> %+v", tc.name, was, now)
			}
		}
	}
	if n := countRows(t, db, "approvals"); n != 4 {
		t.Errorf("%d entries, want 4", n)
	}
	if rules, _ := db.ListApprovalRules(ctx, true); len(rules) != 1 || !rules[0].RevokedAt.IsZero() {
		t.Errorf("rules %+v, want the one, unrevoked", rules)
	}
	if n := countRows(t, db, "audit_log"); n != before {
		t.Errorf("audit log grew from %d to %d", before, n)
	}
}

// TestApprovalHostileText: quotes, control characters, SQL and huge text
// are stored and read back verbatim (cleaning them is the front end's
// job), and odd filters match nothing.
func TestApprovalHostileText(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	p := testApproval(1)
	p.Summary = "rm -rf / '; DROP TABLE approvals; --\x1b[31m\u202e"
	p.Why = strings.Repeat("why ", 50_000)
	p.Params = `{"command":"echo \"$(id)\""}`
	p.Host = "x' OR '1'='1"
	a := propose(t, db, p)
	got, err := db.GetApproval(ctx, a.ID)
	if err != nil || got.Summary != p.Summary || got.Why != p.Why || got.Params != p.Params || got.Host != p.Host {
		t.Fatalf("read back %q %v", got.Summary, err)
	}
	for _, q := range []ApprovalQuery{
		{States: []ApprovalState{"pending' OR '1'='1"}},
		{Host: "' OR 1=1 --"},
		{States: []ApprovalState{"nonsense"}, Host: p.Host},
	} {
		if l, err := db.ListApprovals(ctx, q); err != nil || len(l) != 0 {
			t.Errorf("%+v: %d entries, %v", q, len(l), err)
		}
	}
	if l, err := db.ListApprovals(ctx, ApprovalQuery{Host: p.Host}); err != nil || len(l) != 1 {
		t.Errorf("by its host: %d entries, %v", len(l), err)
	}
	es := auditAfter(t, db, 0)
	if len(es) != 1 || len([]rune(es[0].Input)) > maxAuditInput {
		t.Errorf("audit entries %+v", es)
	}
	verifyChain(t, db)
}

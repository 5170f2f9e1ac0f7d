package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// testApproval is a pending proposal with every field a proposer fills.
func testApproval(n int) Approval {
	return Approval{
		Kind:      "service.restart",
		Params:    fmt.Sprintf(`{"unit":"svc%d.service"}`, n),
		Summary:   fmt.Sprintf("restart svc%d.service", n),
		Target:    fmt.Sprintf("svc%d.service", n),
		DedupeKey: fmt.Sprintf("service.restart||svc%d", n),
		Risk:      2,
		Verdict:   "ask",
		Reason:    "restarts a service",
		Level:     "careful",
		Proposer:  "agent",
		Why:       "it stopped answering",
		Session:   "main",
		TurnID:    TurnID(fmt.Sprintf("turn-%d", n)),
		Source:    "tui",
		ExpiresAt: time.Now().Add(time.Hour),
	}
}

// propose queues a and fails the test on an error.
func propose(t testing.TB, db *DB, a Approval) Approval {
	t.Helper()
	got, _, err := db.ProposeApproval(context.Background(), a, AuditEntry{Source: a.Source})
	if err != nil {
		t.Fatalf("ProposeApproval: %v", err)
	}
	return got
}

// auditAfter returns the audit entries after id, oldest first.
func auditAfter(t testing.TB, db *DB, id AuditID) []AuditEntry {
	t.Helper()
	es, err := db.AuditSince(context.Background(), id, 0)
	if err != nil {
		t.Fatalf("AuditSince: %v", err)
	}
	return es
}

// lastAuditID is the id of the newest audit entry, 0 when none.
func lastAuditID(t testing.TB, db *DB) AuditID {
	t.Helper()
	es, err := db.RecentAudit(context.Background(), 1)
	if err != nil {
		t.Fatalf("RecentAudit: %v", err)
	}
	if len(es) == 0 {
		return 0
	}
	return es[0].ID
}

// verifyChain fails the test unless the audit log verifies, MACs and
// checkpoint included.
func verifyChain(t testing.TB, db *DB) {
	t.Helper()
	rep, err := db.VerifyAudit(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("VerifyAudit: %v, problems %+v", err, rep.Problems)
	}
}

func errorsIsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

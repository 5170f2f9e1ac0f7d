package store

import (
	"context"
	"errors"
	"testing"
)

// TestApprovalLifecycle walks one entry through propose, approve, start
// and finish, checking the row and the audit entry of every step.
func TestApprovalLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, merged, err := db.ProposeApproval(ctx, testApproval(1), AuditEntry{Source: "tui"})
	if err != nil || merged {
		t.Fatalf("propose: %v merged=%v", err, merged)
	}
	if len(a.ID) != 10 || !isHex(string(a.ID)) || a.State != ApprovalPending || a.Count != 1 || a.CreatedAt.IsZero() {
		t.Fatalf("proposed %+v", a)
	}
	d, err := db.DecideApproval(ctx, a.ID, ApprovalApproved, "person:ann", "cockpit", "", "host/1/2")
	if err != nil || d.State != ApprovalApproved || d.Runner != "host/1/2" || d.DecidedBy != "person:ann" {
		t.Fatalf("decide: %+v %v", d, err)
	}
	s, err := db.StartApproval(ctx, a.ID, "host/1/2", `{"backup":"x"}`)
	if err != nil || s.State != ApprovalRunning || s.Undo != `{"backup":"x"}` || s.StartedAt.IsZero() {
		t.Fatalf("start: %+v %v", s, err)
	}
	f, err := db.FinishApproval(ctx, a.ID, "host/1/2", ApprovalSucceeded, 0, "done\n", "")
	if err != nil || f.State != ApprovalSucceeded || f.Output != "done\n" || f.FinishedAt.IsZero() {
		t.Fatalf("finish: %+v %v", f, err)
	}
	_, err = db.DecideApproval(ctx, a.ID, ApprovalRejected, "person:bob", "cli", "", "")
	var c *ApprovalConflict
	if !errors.Is(err, ErrApprovalDecided) || !errors.As(err, &c) || c.Current.State != ApprovalSucceeded {
		t.Fatalf("late decide: %v", err)
	}
	es := auditAfter(t, db, 0)
	if len(es) != 4 {
		t.Fatalf("%d audit entries, want 4: %+v", len(es), es)
	}
	for _, e := range es {
		t.Logf("%s | %s | %s | %v", e.Action, e.ChosenBy, e.Source, e.Success)
	}
	verifyChain(t, db)
}

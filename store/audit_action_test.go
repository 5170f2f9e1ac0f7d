package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strings"
	"testing"
)

// A command padded past the input's cap still has its tail in the audit
// log; one past the action's cap says it was cut and how to match it.
func TestAuditActionKeepsWhatRan(t *testing.T) {
	padded := "echo hello" + strings.Repeat(" ", 5000) + "; rm -rf ~"
	huge := strings.Repeat("x", maxAuditAction+10)
	sum := sha256.Sum256([]byte(huge))
	tests := []struct {
		name, action string
		check        func(got string) bool
	}{
		{"padded command kept whole", padded, func(got string) bool { return got == padded }},
		{"exactly the cap kept whole", huge[:maxAuditAction], func(got string) bool { return got == huge[:maxAuditAction] }},
		{"over the cap cut with length and hash", huge, func(got string) bool {
			return strings.HasPrefix(got, huge[:maxAuditAction]+" … [cut: 16010 characters in all, sha256 "+hex.EncodeToString(sum[:])+"]")
		}},
	}
	db := openTest(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := db.AppendAudit(context.Background(), AuditEntry{Input: "x", Action: tt.action})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.RecentAudit(context.Background(), 1)
			if err != nil || got[0].ID != e.ID || !tt.check(got[0].Action) {
				t.Errorf("stored action (%d characters) is not what ran", len(got[0].Action))
			}
		})
	}
	checkProblems(t, db)
}

// A batch is appended whole, with one checkpoint at its end, or not at all.
func TestAppendAuditBatch(t *testing.T) {
	ctx := context.Background()
	db, _ := auditFixture(t, 2)
	var batch []AuditEntry
	for i := range 50 {
		batch = append(batch, sampleAudit(i%20))
	}
	got, err := db.AppendAuditBatch(ctx, batch)
	if err != nil || len(got) != 50 || got[0].ID != 3 || got[49].ID != 52 || got[1].PrevHash != got[0].Hash {
		t.Fatalf("AppendAuditBatch = %d entries, %v", len(got), err)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.MACVerified != 52 || rep.CheckpointID != 52 {
		t.Fatalf("verify after a batch: %+v, %v", rep, err)
	}
	before := snapshot(t, db)
	bad := append([]AuditEntry{sampleAudit(1)}, AuditEntry{CostUSD: math.Inf(1)})
	if _, err := db.AppendAuditBatch(ctx, bad); err == nil || !strings.Contains(err.Error(), "entry 1: cost +Inf is not a number") {
		t.Errorf("a batch with a bad entry = %v", err)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a failed batch wrote something:\nbefore %s\nafter  %s", before, after)
	}
}

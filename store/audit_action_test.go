package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

package store

import (
	"context"
	"testing"
)

// Stripping every MAC and removing the key and the checkpoint must not turn
// a keyed log into one that verifies as "written before MACs": entries of a
// hash version that was only ever written with a MAC are forged without it.
func TestVerifyCatchesMACDowngrade(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for i := 0; i < 4; i++ {
		if _, err := db.AppendAudit(ctx, AuditEntry{Source: "cli", Input: "!echo hi", Skill: "shell", Success: true}); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(t, db, `UPDATE audit_log SET mac = ''`)
	mustExec(t, db, `UPDATE audit_head SET last_mac = ''`)
	removeFile(t, AuditKeyPath(db.Path()))
	removeFile(t, CheckpointPath(db.Path()))
	db = reopen(t, db)

	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.ChainOnly != 0 {
		t.Fatalf("a MAC-stripped log verified (chain only %d): %+v", rep.ChainOnly, rep.Problems)
	}
	forged := false
	for _, p := range rep.Problems {
		forged = forged || p.Kind == ProblemForged
	}
	if !forged {
		t.Fatalf("want the stripped entries reported as forged: %+v", rep.Problems)
	}
}

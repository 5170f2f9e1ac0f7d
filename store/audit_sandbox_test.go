package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestAuditSandboxAfterUpgrade opens a log as schema 10 wrote it (v3
// entries, MAC'd and checkpointed, no sandbox column) with this binary,
// appends v4 entries with and without a sandbox after them, and checks that
// the whole chain verifies under the key; then that changing, removing or
// adding a sandbox anywhere, or passing a v4 entry off as v3, is caught.
func TestAuditSandboxAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "macroa.db")
	old := schema10Database(t, path, 3)

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if db.SchemaVersion() != 11 {
		t.Fatalf("schema %d after the upgrade, want 11", db.SchemaVersion())
	}
	sandboxes := []string{SandboxFull, SandboxSystemd, ""}
	for _, sb := range sandboxes {
		_, err := db.AppendAudit(ctx, AuditEntry{Input: "what is in /tmp", Skill: "agent", Action: "ls /tmp", ChosenBy: "agent", Sandbox: sb})
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.Checked != 6 || rep.MACVerified != 6 || rep.ChainOnly != 0 {
		t.Fatalf("v3 then v4 entries: %+v, %v; want 6 entries verified by MAC, intact", rep, err)
	}
	got, err := db.AuditSince(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range got {
		wantVersion, wantSandbox := hashV3, ""
		if i >= len(old) {
			wantVersion, wantSandbox = hashV4, sandboxes[i-len(old)]
		}
		if e.hashVersion != wantVersion || e.Sandbox != wantSandbox {
			t.Errorf("entry %d: version %d, sandbox %q; want %d, %q", e.ID, e.hashVersion, e.Sandbox, wantVersion, wantSandbox)
		}
	}
	if got[3].PrevHash != old[2].Hash {
		t.Errorf("the first v4 entry follows %.8s, want the last v3 entry %.8s", got[3].PrevHash, old[2].Hash)
	}

	tests := []struct {
		name   string
		id     AuditID
		set    string // the SET clause
		undo   string
		detail string
	}{
		{"v4 sandbox changed", 4, "sandbox = 'none'", "sandbox = 'full'", "does not match its hash"},
		{"v4 sandbox removed", 5, "sandbox = ''", "sandbox = 'systemd-run'", "does not match its hash"},
		{"v4 sandbox added", 6, "sandbox = 'full'", "sandbox = ''", "does not match its hash"},
		{"v3 sandbox added", 2, "sandbox = 'full'", "sandbox = ''", "does not match its hash"},
		{"v4 passed off as v3", 5, "hash_version = 3", "hash_version = 4", "does not match its hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustExec(t, db, `UPDATE audit_log SET `+tt.set+` WHERE id = ?`, int64(tt.id))
			checkProblems(t, db, want{tt.id, ProblemEdited, tt.detail})
			mustExec(t, db, `UPDATE audit_log SET `+tt.undo+` WHERE id = ?`, int64(tt.id))
			checkProblems(t, db)
		})
	}
}

// schema10Database writes a database as schema 10 left it, with n entries
// hashed as v3 and MAC'd under the key, the head and the checkpoint
// recording the newest, and no sandbox column. It is built with this
// binary's appends, then taken back: the rows re-hashed as v3 in chain
// order and re-MAC'd, the column dropped and the schema version set back.
func schema10Database(t *testing.T, path string, n int) []AuditEntry {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []AuditEntry
	prev := ""
	for i := 0; i < n; i++ {
		e := sampleAudit(i)
		e.Sandbox = "" // schema 10 had no sandbox
		if e, err = db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	key, err := db.auditKey(false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range out {
		e := &out[i]
		e.PrevHash, e.hashVersion = prev, hashV3
		e.Hash = auditHash(*e)
		e.MAC = auditMAC(key, e.Hash)
		prev = e.Hash
		mustExec(t, db, `UPDATE audit_log SET prev_hash = ?, hash = ?, mac = ?, hash_version = ? WHERE id = ?`,
			e.PrevHash, e.Hash, e.MAC, e.hashVersion, int64(e.ID))
	}
	last := out[n-1]
	mustExec(t, db, `UPDATE audit_head SET last_hash = ?, last_mac = ?`, last.Hash, last.MAC)
	cp := checkpoint{Version: checkpointVersion, ID: int64(last.ID), Hash: last.Hash, MAC: last.MAC, Count: int64(n), MACFrom: 1}
	cp.Seal = cp.seal(key)
	data, err := marshalCheckpoint(cp)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(CheckpointPath(path), data); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `ALTER TABLE audit_log DROP COLUMN sandbox`)
	mustExec(t, db, `PRAGMA user_version = 10`)
	return out
}

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRollbackLeavesATrace: whatever is done to the checkpoint after the
// database is rolled back or rewritten, appends refuse until a person
// accepts the log, and from then on verify names the acceptance, every
// time. The first case is the red-team reproduction: an older copy put
// back, its -wal, -shm and checkpoint removed, no key needed.
func TestRollbackLeavesATrace(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func(t *testing.T, db *DB, old string) *DB
		state    string  // AuditAcceptance.Checkpoint
		at, cpID AuditID // the entry accepted, what the checkpoint recorded
		count    int64   // entries left after the tampering
		action   string  // the acceptance entry's Action
		notice   string  // in verify's notice
	}{
		{
			name: "older copy put back and the checkpoint removed",
			tamper: func(t *testing.T, db *DB, old string) *DB {
				db = swapIn(t, db, old)
				removeFile(t, CheckpointPath(db.Path()))
				return db
			},
			state: CheckpointMissing, at: 3, action: "accept the log at entry 3 (checkpoint was missing)",
			notice: "its checkpoint was missing, so entries after 3 may have been removed before that", count: 3,
		},
		{
			name: "older copy put back, checkpoint kept",
			tamper: func(t *testing.T, db *DB, old string) *DB {
				return swapIn(t, db, old)
			},
			state: CheckpointAhead, at: 3, cpID: 5, action: "accept the log at entry 3 (checkpoint said 5)",
			notice: "the checkpoint recorded entries up to 5: entries 4-5 may have been removed before that", count: 3,
		},
		{
			name: "older copy put back and the checkpoint damaged",
			tamper: func(t *testing.T, db *DB, old string) *DB {
				db = swapIn(t, db, old)
				if err := os.WriteFile(CheckpointPath(db.Path()), []byte(`{"version":1,"id":`), 0o600); err != nil {
					t.Fatal(err)
				}
				return db
			},
			state: CheckpointDamaged, at: 3, action: "accept the log at entry 3 (checkpoint was damaged)",
			notice: "its checkpoint was damaged, so entries after 3 may have been removed before that", count: 3,
		},
		{
			name: "older copy put back and the checkpoint edited to match",
			tamper: func(t *testing.T, db *DB, old string) *DB {
				db = swapIn(t, db, old)
				raw, _ := os.ReadFile(CheckpointPath(db.Path()))
				raw = []byte(strings.Replace(string(raw), `"id":5`, `"id":3`, 1))
				if err := os.WriteFile(CheckpointPath(db.Path()), raw, 0o600); err != nil {
					t.Fatal(err)
				}
				return db
			},
			state: CheckpointAltered, at: 3, cpID: 3, action: "accept the log at entry 3 (checkpoint was altered)",
			notice: "its checkpoint was altered, so entries after 3 may have been removed before that", count: 3,
		},
		{
			name: "newest entry cut off and the checkpoint removed",
			tamper: func(t *testing.T, db *DB, _ string) *DB {
				var e AuditEntry
				var err error
				if e, _, err = scanAudit(db.sql.QueryRow(`SELECT ` + auditCols + ` FROM audit_log WHERE id = 4`)); err != nil {
					t.Fatal(err)
				}
				mustExec(t, db, `DELETE FROM audit_log WHERE id = 5`)
				mustExec(t, db, `UPDATE audit_head SET last_id = 4, last_hash = ?, last_mac = ?, count = 4`, e.Hash, e.MAC)
				removeFile(t, CheckpointPath(db.Path()))
				return db
			},
			state: CheckpointMissing, at: 4, action: "accept the log at entry 4 (checkpoint was missing)",
			notice: "entries after 4 may have been removed", count: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := auditFixture(t, 3)
			old := filepath.Join(t.TempDir(), "old.db")
			mustExec(t, db, `VACUUM INTO ?`, old)
			for i := 3; i < 5; i++ {
				if _, err := db.AppendAudit(ctx, sampleAudit(i)); err != nil {
					t.Fatal(err)
				}
			}
			db = tt.tamper(t, db, old)

			// Nothing is written, by this process or a fresh one.
			for _, d := range []*DB{db, reopen(t, &DB{path: db.Path()})} {
				_, _, err := d.SetFactAudited(ctx, FactInput{Key: "canary", Value: "1"}, AuditEntry{Input: "remember canary"})
				if !errors.Is(err, ErrAuditCheckpoint) || !strings.Contains(err.Error(), "run macroa audit verify") ||
					!strings.Contains(err.Error(), "run macroa audit accept") {
					t.Fatalf("write after the tampering = %v, want ErrAuditCheckpoint naming verify and accept", err)
				}
				if _, ok, _ := d.GetFact(ctx, "", "canary"); ok {
					t.Fatal("a fact was written while its audit entry was refused")
				}
			}
			if rep, _ := db.VerifyAudit(ctx); rep.OK() {
				t.Fatal("verify says intact after the tampering")
			}

			acc, err := db.AuditAcceptance(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !acc.Needed || acc.Checkpoint != tt.state || acc.LastID != tt.at || acc.CheckpointID != tt.cpID || acc.Count != tt.count {
				t.Fatalf("AuditAcceptance = %+v, want %s at %d, checkpoint id %d", acc, tt.state, tt.at, tt.cpID)
			}
			e, err := db.AcceptAudit(ctx, acc, AuditEntry{Source: "cli", Input: "macroa audit accept"})
			if err != nil {
				t.Fatal(err)
			}
			if e.Action != tt.action || e.Skill != "audit" || e.Route != "command" || e.ChosenBy != "user" || e.Stage != StageAccept || e.MAC == "" {
				t.Errorf("acceptance entry = %+v", e)
			}
			if _, err := db.AppendAudit(ctx, AuditEntry{Input: "after accepting"}); err != nil {
				t.Fatalf("append after accepting: %v", err)
			}
			for _, d := range []*DB{db, reopen(t, &DB{path: db.Path()})} {
				rep, err := d.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !rep.OK() || len(rep.Notices) != 1 || rep.Notices[0].EntryID != e.ID ||
					!strings.Contains(rep.Notices[0].Detail, "the log was accepted as it stood at entry ") ||
					!strings.Contains(rep.Notices[0].Detail, tt.notice) {
					t.Errorf("verify after accepting: problems %+v, notices %+v; want intact with a notice containing %q", rep.Problems, rep.Notices, tt.notice)
				}
			}
			if again, err := db.AuditAcceptance(ctx); err != nil || again.Needed {
				t.Errorf("AuditAcceptance after accepting = %+v, %v; want nothing to accept", again, err)
			}
		})
	}
}

// TestAcceptanceCannotBeHidden: rolling back past an acceptance needs
// another one, so some acceptance is always reported; and an acceptance
// entry forged into the database without the key is reported as forged.
func TestAcceptanceCannotBeHidden(t *testing.T) {
	ctx := context.Background()
	db, _ := auditFixture(t, 3)
	old := filepath.Join(t.TempDir(), "old.db")
	mustExec(t, db, `VACUUM INTO ?`, old)
	if _, err := db.AppendAudit(ctx, sampleAudit(3)); err != nil {
		t.Fatal(err)
	}
	accept := func(db *DB) AuditEntry {
		t.Helper()
		acc, err := db.AuditAcceptance(ctx)
		if err != nil {
			t.Fatal(err)
		}
		e, err := db.AcceptAudit(ctx, acc, AuditEntry{Input: "macroa audit accept"})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	again := filepath.Join(t.TempDir(), "again.db")
	mustExec(t, db, `VACUUM INTO ?`, again)
	db = swapIn(t, db, old)
	removeFile(t, CheckpointPath(db.Path()))
	accept(db)
	// Put the copy from before the acceptance back: the checkpoint now
	// disagrees with it, so another acceptance is needed, and it is seen.
	db = swapIn(t, db, again)
	if _, err := db.AppendAudit(ctx, AuditEntry{Input: "x"}); !errors.Is(err, ErrAuditCheckpoint) {
		t.Fatalf("append after rolling back past an acceptance = %v, want ErrAuditCheckpoint", err)
	}
	second := accept(db)
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Notices) != 1 || rep.Notices[0].EntryID != second.ID {
		t.Errorf("verify = problems %+v notices %+v, want the second acceptance noted", rep.Problems, rep.Notices)
	}

	// Someone without the key writes a row dressed as an acceptance.
	mustExec(t, db, `UPDATE audit_log SET action = 'accept the log at entry 1 (checkpoint was missing)', stage = 'accept' WHERE id = 2`)
	rep, _ = db.VerifyAudit(ctx)
	if rep.OK() || len(rep.Notices) != 2 {
		t.Errorf("a forged acceptance: problems %+v notices %+v, want it reported as tampering and noted", rep.Problems, rep.Notices)
	}
}

// TestAcceptRefuses: accept writes nothing when there is nothing to accept,
// when the log changed after it was shown, or when the key is gone.
func TestAcceptRefuses(t *testing.T) {
	ctx := context.Background()
	t.Run("nothing to accept", func(t *testing.T) {
		db, _ := auditFixture(t, 2)
		acc, err := db.AuditAcceptance(ctx)
		if err != nil || acc.Needed || acc.LastID != 2 {
			t.Fatalf("AuditAcceptance on an intact log = %+v, %v", acc, err)
		}
		if _, err := db.AcceptAudit(ctx, acc, AuditEntry{}); err == nil {
			t.Error("AcceptAudit accepted an intact log")
		}
		assertCount(t, db, 2)
	})
	t.Run("the checkpoint changed after it was shown", func(t *testing.T) {
		db, _ := auditFixture(t, 2)
		removeFile(t, CheckpointPath(db.Path()))
		acc, err := db.AuditAcceptance(ctx)
		if err != nil || !acc.Needed {
			t.Fatalf("AuditAcceptance = %+v, %v", acc, err)
		}
		forgeCheckpoint(t, db, checkpoint{Version: 1, ID: 9, Hash: "x", Count: 9, MACFrom: 1, Seal: "00"})
		if _, err := db.AcceptAudit(ctx, acc, AuditEntry{}); !errors.Is(err, ErrAcceptChanged) {
			t.Errorf("AcceptAudit after the checkpoint changed = %v, want ErrAcceptChanged", err)
		}
		assertCount(t, db, 2)
	})
	t.Run("two processes accept what they were both shown", func(t *testing.T) {
		db, _ := auditFixture(t, 2)
		removeFile(t, CheckpointPath(db.Path()))
		other := reopen(t, &DB{path: db.Path()})
		seen := make([]AuditAcceptance, 2)
		for i, d := range []*DB{db, other} {
			var err error
			if seen[i], err = d.AuditAcceptance(ctx); err != nil || !seen[i].Needed {
				t.Fatalf("AuditAcceptance = %+v, %v", seen[i], err)
			}
		}
		errs := make(chan error, 2)
		for i, d := range []*DB{db, other} {
			go func() {
				_, err := d.AcceptAudit(ctx, seen[i], AuditEntry{Input: "macroa audit accept"})
				errs <- err
			}()
		}
		var ok, changed int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, ErrAcceptChanged):
				changed++
			default:
				t.Errorf("AcceptAudit = %v", err)
			}
		}
		if ok != 1 || changed != 1 {
			t.Errorf("%d accepted and %d told the log changed, want one each", ok, changed)
		}
		assertCount(t, db, 3)
		checkProblems(t, db)
	})
	t.Run("the key is missing", func(t *testing.T) {
		db, _ := auditFixture(t, 2)
		removeFile(t, CheckpointPath(db.Path()))
		removeFile(t, AuditKeyPath(db.Path()))
		db = reopen(t, db)
		if _, err := db.AuditAcceptance(ctx); !errors.Is(err, ErrAuditKey) {
			t.Errorf("AuditAcceptance without the key = %v, want ErrAuditKey", err)
		}
		if _, err := os.Stat(AuditKeyPath(db.Path())); err == nil {
			t.Error("a new key was made while entries need the old one")
		}
	})
}

// TestFreshStartNeedsNoAcceptance: a new database starts without a key or
// a checkpoint and the first append makes both; so does one moved aside
// (macroa.db*) while its key stays, as long as the new log is empty.
func TestFreshStartNeedsNoAcceptance(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if acc, err := db.AuditAcceptance(ctx); err != nil || acc.Needed {
		t.Fatalf("AuditAcceptance on a new database = %+v, %v", acc, err)
	}
	if _, err := os.Stat(AuditKeyPath(db.Path())); err == nil {
		t.Fatal("looking at what to accept made a key")
	}
	if _, err := db.AppendAudit(ctx, sampleAudit(0)); err != nil {
		t.Fatalf("first append: %v", err)
	}
	for _, f := range []string{AuditKeyPath(db.Path()), CheckpointPath(db.Path())} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("after the first append: %v", err)
		}
	}
	path := db.Path()
	db.Close()
	for _, f := range []string{path, path + "-wal", path + "-shm", CheckpointPath(path)} {
		os.Remove(f)
	}
	db = reopen(t, &DB{path: path})
	if _, err := db.AppendAudit(ctx, sampleAudit(1)); err != nil {
		t.Fatalf("first append after moving the database aside: %v", err)
	}
	checkProblems(t, db)
}

// TestOlderCopyFromBeforeMACsRefused: a copy from before the log was MAC'd
// put back beside the key, its checkpoint removed: no entry carries a MAC,
// but the key says there were some, so appends still refuse.
func TestOlderCopyFromBeforeMACsRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := auditFixture(t, 2)
	mustExec(t, db, `UPDATE audit_log SET mac = ''`)
	mustExec(t, db, `UPDATE audit_head SET last_mac = ''`)
	removeFile(t, CheckpointPath(db.Path()))
	db = reopen(t, db)
	if _, err := db.AppendAudit(ctx, AuditEntry{Input: "x"}); !errors.Is(err, ErrAuditCheckpoint) {
		t.Fatalf("append = %v, want ErrAuditCheckpoint", err)
	}
	assertCount(t, db, 2)
}

// swapIn closes db, puts the copy at old in its place as cp would (no -wal
// or -shm), and opens it again.
func swapIn(t *testing.T, db *DB, old string) *DB {
	t.Helper()
	path := db.Path()
	db.Close()
	for _, f := range []string{path + "-wal", path + "-shm"} {
		os.Remove(f)
	}
	raw, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return reopen(t, &DB{path: path})
}

func assertCount(t *testing.T, db *DB, want int64) {
	t.Helper()
	var n int64
	if err := db.sql.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != want {
		t.Errorf("audit entries = %d (%v), want %d", n, err, want)
	}
}

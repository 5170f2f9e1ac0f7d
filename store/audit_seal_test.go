package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifySealDetectsTampering tampers with what the unkeyed chain cannot
// protect: the whole database, its end, every hash at once, the key and
// the checkpoint. Each case names what verify must report and whether a
// further append must be refused (appending then would overwrite the
// evidence).
func TestVerifySealDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *DB, entries []AuditEntry) *DB // returns the db to check (reopened or the same)
		wants  []want
		refuse error // AppendAudit must then fail with this; nil = it must succeed
	}{
		{
			name: "newest entries cut off and the head fixed to match",
			tamper: func(t *testing.T, db *DB, e []AuditEntry) *DB {
				mustExec(t, db, `DELETE FROM audit_log WHERE id >= 5`)
				mustExec(t, db, `UPDATE audit_head SET last_id = 4, last_hash = ?, last_mac = ?, count = 4`, e[3].Hash, e[3].MAC)
				return db
			},
			wants:  []want{{5, ProblemRolledBack, "the log ends at entry 4 but the checkpoint"}},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "whole chain rewritten with recomputed hashes",
			tamper: func(t *testing.T, db *DB, e []AuditEntry) *DB {
				rewriteChain(t, db, e, false)
				return db
			},
			wants: []want{
				{1, ProblemForged, "entries 1-5 (5 entries) do not match their MACs: they were rewritten with recomputed hashes"},
				{6, ProblemForged, "is not the entry the checkpoint"},
			},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "whole chain rewritten, MACs stripped to look older",
			tamper: func(t *testing.T, db *DB, e []AuditEntry) *DB {
				rewriteChain(t, db, e, true)
				return db
			},
			wants: []want{
				{1, ProblemForged, "entries 1-5 (5 entries) do not match their MACs"},
				{6, ProblemForged, "is not the entry the checkpoint"},
			},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "whole chain rewritten, MACs stripped, checkpoint removed",
			tamper: func(t *testing.T, db *DB, e []AuditEntry) *DB {
				rewriteChain(t, db, e, true)
				removeFile(t, CheckpointPath(db.Path()))
				return db
			},
			wants:  []want{{0, ProblemCheckpoint, "is missing, so replacing the database with an older copy"}},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "whole chain rewritten and a matching checkpoint forged",
			tamper: func(t *testing.T, db *DB, e []AuditEntry) *DB {
				last := rewriteChain(t, db, e, false)
				forgeCheckpoint(t, db, checkpoint{Version: 1, ID: int64(last.ID), Hash: last.Hash, MAC: last.MAC, Count: 6, MACFrom: 1, Seal: "00"})
				return db
			},
			wants: []want{
				{0, ProblemCheckpoint, "was altered or written with another key"},
				{1, ProblemForged, "entries 1-6 (6 entries) do not match their MACs"},
			},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "one MAC removed",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				mustExec(t, db, `UPDATE audit_log SET mac = '' WHERE id = 3`)
				return db
			},
			wants: []want{{3, ProblemForged, "does not match its MAC"}},
		},
		{
			name: "one MAC changed",
			tamper: func(t *testing.T, db *DB, e []AuditEntry) *DB {
				mustExec(t, db, `UPDATE audit_log SET mac = ? WHERE id = 3`, e[0].MAC)
				return db
			},
			wants: []want{{3, ProblemForged, `entry 3 (`}},
		},
		{
			name: "key removed",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				removeFile(t, AuditKeyPath(db.Path()))
				return reopen(t, db)
			},
			wants:  []want{{0, ProblemKey, "is missing: 6 entries carry MACs that cannot be checked without it; restore the file"}},
			refuse: ErrAuditKey,
		},
		{
			name: "key made readable by others",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				if err := os.Chmod(AuditKeyPath(db.Path()), 0o644); err != nil {
					t.Fatal(err)
				}
				return reopen(t, db)
			},
			wants:  []want{{0, ProblemKey, "has mode 0644: others could read or replace it"}},
			refuse: ErrAuditKey,
		},
		{
			name: "key replaced by another",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				writeKey(t, AuditKeyPath(db.Path()), bytes.Repeat([]byte{1}, auditKeySize), 0o600)
				return reopen(t, db)
			},
			wants: []want{
				{0, ProblemCheckpoint, "altered or written with another key"},
				{1, ProblemForged, "entries 1-6 (6 entries) do not match their MACs"},
			},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "checkpoint edited",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				raw, _ := os.ReadFile(CheckpointPath(db.Path()))
				raw = bytes.Replace(raw, []byte(`"id":6`), []byte(`"id":3`), 1)
				if err := os.WriteFile(CheckpointPath(db.Path()), raw, 0o600); err != nil {
					t.Fatal(err)
				}
				return db
			},
			wants:  []want{{0, ProblemCheckpoint, "was altered"}},
			refuse: ErrAuditCheckpoint,
		},
		{
			name: "checkpoint damaged",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				if err := os.WriteFile(CheckpointPath(db.Path()), []byte("{garbage"), 0o600); err != nil {
					t.Fatal(err)
				}
				return db
			},
			wants:  []want{{0, ProblemCheckpoint, "is damaged or was altered"}},
			refuse: ErrAuditCheckpoint,
		},
		{
			// Removing the checkpoint would hide a rollback: appends stop
			// until a person accepts the log, on the record.
			name: "checkpoint removed",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) *DB {
				removeFile(t, CheckpointPath(db.Path()))
				return db
			},
			wants:  []want{{0, ProblemCheckpoint, "is missing"}},
			refuse: ErrAuditCheckpoint,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, entries := auditFixture(t, 6)
			checkProblems(t, db)
			db = tt.tamper(t, db, entries)
			checkProblems(t, db, tt.wants...)

			keyBefore, _ := os.ReadFile(AuditKeyPath(db.Path()))
			var count int64
			db.sql.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&count)
			_, err := db.AppendAudit(context.Background(), AuditEntry{Input: "after the tampering"})
			switch {
			case tt.refuse == nil && err != nil:
				t.Errorf("append after tampering: %v", err)
			case tt.refuse != nil && !errors.Is(err, tt.refuse):
				t.Errorf("append after tampering = %v, want %v", err, tt.refuse)
			case tt.refuse != nil:
				var after int64
				db.sql.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&after)
				keyAfter, _ := os.ReadFile(AuditKeyPath(db.Path()))
				if after != count || !bytes.Equal(keyBefore, keyAfter) {
					t.Errorf("a refused append changed something: %d→%d rows, key changed %v", count, after, !bytes.Equal(keyBefore, keyAfter))
				}
				checkProblems(t, db, tt.wants...) // the evidence is still there
			}
		})
	}
}

// TestOlderCopySwappedIn keeps a copy of the database file, lets macroa
// append and write a fact, then puts the copy back, as `cp` would: verify
// names the rollback, and nothing more can be written until a person looks.
func TestOlderCopySwappedIn(t *testing.T) {
	ctx := context.Background()
	db, _ := auditFixture(t, 3)
	path := db.Path()
	old := filepath.Join(t.TempDir(), "old.db")
	mustExec(t, db, `VACUUM INTO ?`, old) // a consistent copy of the file as it is now
	for i := 3; i < 6; i++ {
		if _, err := db.AppendAudit(ctx, sampleAudit(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.SetFactAudited(ctx, FactInput{Key: "editor", Value: "helix"}, AuditEntry{Input: "remember my editor is helix"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, f := range []string{path + "-wal", path + "-shm"} {
		os.Remove(f)
	}
	if err := os.Rename(old, path); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, &DB{path: path})
	checkProblems(t, db, want{4, ProblemRolledBack, "the log ends at entry 3 but the checkpoint " + CheckpointPath(path) +
		" records entry 7 (7 entries): the database was replaced by an older copy or its newest entries were removed"})

	_, _, err := db.SetFactAudited(ctx, FactInput{Key: "shell", Value: "zsh"}, AuditEntry{Input: "remember my shell is zsh"})
	if !errors.Is(err, ErrAuditCheckpoint) || !strings.Contains(err.Error(), "if you restored the database on purpose, run macroa audit accept") {
		t.Errorf("fact write on a rolled-back database = %v, want ErrAuditCheckpoint saying how to accept it", err)
	}
	if _, ok, _ := db.GetFact(ctx, "", "shell"); ok {
		t.Errorf("the fact was written without its audit entry")
	}

	// A person who restored the copy on purpose accepts it: writes resume
	// and the log verifies, naming the acceptance.
	acc, err := db.AuditAcceptance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AcceptAudit(ctx, acc, AuditEntry{Input: "audit accept"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SetFactAudited(ctx, FactInput{Key: "shell", Value: "zsh"}, AuditEntry{Input: "remember my shell is zsh"}); err != nil {
		t.Fatalf("after accepting the copy: %v", err)
	}
	checkProblems(t, db)
	rep, _ := db.VerifyAudit(ctx)
	if len(rep.Notices) != 1 || !strings.Contains(rep.Notices[0].Detail, "accepted as it stood at entry 3") {
		t.Errorf("notices after accepting = %+v, want the acceptance at entry 3", rep.Notices)
	}
}

// TestVerifyCountsHowEntriesWereChecked: the report says how many entries
// each check covered.
func TestVerifyCountsHowEntriesWereChecked(t *testing.T) {
	db, _ := auditFixture(t, 4)
	rep, err := db.VerifyAudit(context.Background())
	if err != nil || !rep.OK() || rep.Checked != 4 || rep.MACVerified != 4 || rep.ChainOnly != 0 || rep.CheckpointID != 4 ||
		rep.KeyPath != AuditKeyPath(db.Path()) || rep.CheckpointPath != CheckpointPath(db.Path()) {
		t.Errorf("report = %+v, %v", rep, err)
	}
	// Verify reads a database it cannot write, too.
	rep, err = readOnlyHandle(t, db).VerifyAudit(context.Background())
	if err != nil || !rep.OK() || rep.MACVerified != 4 {
		t.Errorf("verify through a read-only handle = %+v, %v", rep, err)
	}
}

// TestVerifyDuringAppends: verify reads the rows and the checkpoint at the
// same moment, so appends running meanwhile never look like tampering.
func TestVerifyDuringAppends(t *testing.T) {
	ctx := context.Background()
	db, _ := auditFixture(t, 1)
	other := reopen(t, &DB{path: db.Path()}) // another connection pool, as another process has
	// Each append is followed by a verify while the next append runs:
	// they overlap every time, and neither can starve the other of the
	// database (a verify loop that never pauses kept a loaded machine's
	// appender waiting past its busy timeout).
	done := make(chan error, 1)
	appended := make(chan struct{}, 40)
	go func() {
		for i := 0; i < 40; i++ {
			if _, err := other.AppendAudit(ctx, sampleAudit(i)); err != nil {
				done <- err
				return
			}
			appended <- struct{}{}
		}
		done <- nil
	}()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		case <-appended:
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("verify during appends: %+v, %v", rep, err)
		}
	}
	checkProblems(t, db)
}

// TestVerifyAfterSQLiteCLIRewrite rewrites every input and recomputes the
// whole chain with the real sqlite3 program, as a person covering their
// tracks would: the hashes come out consistent, the MACs cannot.
func TestVerifyAfterSQLiteCLIRewrite(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed")
	}
	db, entries := auditFixture(t, 5)
	var script strings.Builder
	prev := ""
	for _, e := range entries {
		e.Input, e.PrevHash = "nothing happened", prev
		e.Hash = auditHash(e)
		prev = e.Hash
		script.WriteString("UPDATE audit_log SET input = 'nothing happened', prev_hash = '" + e.PrevHash + "', hash = '" + e.Hash +
			"' WHERE id = " + itoa(int64(e.ID)) + ";\n")
	}
	script.WriteString("UPDATE audit_head SET last_hash = '" + prev + "';\n")
	cmd := exec.Command(bin, db.Path())
	cmd.Stdin = strings.NewReader(script.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v: %s", err, out)
	}
	checkProblems(t, db,
		want{1, ProblemForged, "entries 1-4 (4 entries) do not match their MACs"},
		want{5, ProblemForged, `entry 5 (2027-01-15 08:04:00, "nothing happened") is not the entry the checkpoint`})
}

// rewriteChain rewrites every entry's input and recomputes every hash and
// the head, as someone who knows the hash scheme but not the key would.
// strip also removes the MACs and hashes the rows as if written before
// MACs existed. It returns the new last entry.
func rewriteChain(t *testing.T, db *DB, entries []AuditEntry, strip bool) AuditEntry {
	t.Helper()
	prev := ""
	var e AuditEntry
	for _, e = range entries {
		e.Input, e.PrevHash = "nothing happened", prev
		if strip {
			e.MAC, e.hashVersion, e.Action, e.ChosenBy, e.Sandbox = "", 0, "", "", ""
		}
		e.Hash = auditHash(e)
		prev = e.Hash
		mustExec(t, db, `UPDATE audit_log SET input = ?, prev_hash = ?, hash = ?, mac = ?, hash_version = ?, action = ?, chosen_by = ?, sandbox = ? WHERE id = ?`,
			e.Input, e.PrevHash, e.Hash, e.MAC, e.hashVersion, e.Action, e.ChosenBy, e.Sandbox, int64(e.ID))
	}
	mustExec(t, db, `UPDATE audit_head SET last_hash = ?, last_mac = ?`, e.Hash, e.MAC)
	return e
}

// reopen closes db (if open) and opens its file again, with no cached key.
func reopen(t *testing.T, db *DB) *DB {
	t.Helper()
	if db.sql != nil {
		db.Close()
	}
	n, err := Open(context.Background(), db.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func forgeCheckpoint(t *testing.T, db *DB, c checkpoint) {
	t.Helper()
	raw, _ := jsonMarshal(c)
	if err := os.WriteFile(CheckpointPath(db.Path()), raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

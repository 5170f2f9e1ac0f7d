package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestAuditedWritesFailClosed injects every way the audit entry can fail to
// be written and runs every audited fact write against each: the write must
// fail with a sentence saying why, and leave the facts, the audit log and
// the checkpoint exactly as they were.
func TestAuditedWritesFailClosed(t *testing.T) {
	injections := []struct {
		name   string
		inject func(t *testing.T, db *DB) *DB // returns the db to write through
		kind   error                          // the error must match it; nil = any error
		detail string                         // and contain this
	}{
		{
			name: "insert into the audit log fails",
			inject: func(t *testing.T, db *DB) *DB {
				mustExec(t, db, `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected audit write error'); END`)
				return db
			},
			detail: "injected audit write error",
		},
		{
			name: "moving the chain head fails",
			inject: func(t *testing.T, db *DB) *DB {
				mustExec(t, db, `CREATE TRIGGER fail_head BEFORE UPDATE ON audit_head BEGIN SELECT RAISE(ABORT, 'injected head write error'); END`)
				return db
			},
			detail: "injected head write error",
		},
		{
			name: "the checkpoint cannot be replaced",
			inject: func(t *testing.T, db *DB) *DB {
				// A directory where the checkpoint goes: rename(2) onto it fails.
				cp := CheckpointPath(db.Path())
				removeFile(t, cp)
				if err := os.MkdirAll(cp+"/x", 0o700); err != nil {
					t.Fatal(err)
				}
				return db
			},
			detail: "audit checkpoint",
		},
		{
			name: "the key is missing while entries need it",
			inject: func(t *testing.T, db *DB) *DB {
				removeFile(t, AuditKeyPath(db.Path()))
				return reopen(t, db)
			},
			kind:   ErrAuditKey,
			detail: "is missing, but the audit log was written with it: restore the file",
		},
		{
			name: "the database is behind its checkpoint",
			inject: func(t *testing.T, db *DB) *DB {
				var hash, mac string
				db.sql.QueryRow(`SELECT hash, mac FROM audit_log WHERE id = 1`).Scan(&hash, &mac)
				mustExec(t, db, `DELETE FROM audit_log WHERE id > 1`)
				mustExec(t, db, `UPDATE audit_head SET last_id = 1, last_hash = ?, last_mac = ?, count = 1`, hash, mac)
				return db
			},
			kind:   ErrAuditCheckpoint,
			detail: "the database was replaced by an older copy",
		},
		{
			name:   "the database is opened read-only",
			inject: func(t *testing.T, db *DB) *DB { return readOnlyHandle(t, db) },
			kind:   ErrReadOnly,
			detail: "is read-only",
		},
	}
	ops := []struct {
		name string
		run  func(ctx context.Context, db *DB) error
	}{
		{"set a new fact", func(ctx context.Context, db *DB) error {
			_, _, err := db.SetFactAudited(ctx, FactInput{Key: "shell", Value: "zsh"}, AuditEntry{Input: "remember my shell is zsh"})
			return err
		}},
		{"update a fact", func(ctx context.Context, db *DB) error {
			_, _, err := db.SetFactAudited(ctx, FactInput{Key: "editor", Value: "nano"}, AuditEntry{Input: "remember my editor is nano"})
			return err
		}},
		{"forget a fact", func(ctx context.Context, db *DB) error {
			_, _, err := db.DeleteFactAudited(ctx, "", "editor", AuditEntry{Input: "forget my editor"})
			return err
		}},
		{"pin a fact", func(ctx context.Context, db *DB) error {
			_, err := db.WithAudit(ctx, AuditEntry{Input: "pin editor"}, func(tx *Tx, e *AuditEntry) error {
				_, err := tx.SetPinned(ctx, "", "editor", true)
				e.Action = "pin editor"
				return err
			})
			return err
		}},
	}
	ctx := context.Background()
	for _, inj := range injections {
		for _, op := range ops {
			t.Run(inj.name+"/"+op.name, func(t *testing.T) {
				db := openTest(t)
				if _, _, err := db.SetFactAudited(ctx, FactInput{Key: "editor", Value: "helix"}, AuditEntry{Input: "remember my editor is helix"}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.AppendAudit(ctx, AuditEntry{Input: "!ls"}); err != nil {
					t.Fatal(err)
				}
				db = inj.inject(t, db)
				before := snapshot(t, db)
				err := op.run(ctx, db)
				if err == nil || inj.kind != nil && !errors.Is(err, inj.kind) || !strings.Contains(err.Error(), inj.detail) {
					t.Fatalf("error = %v; want one matching %v that says %q", err, inj.kind, inj.detail)
				}
				t.Logf("%v", err)
				if after := snapshot(t, db); after != before {
					t.Errorf("a failed audited write changed the store:\nbefore %s\nafter  %s", before, after)
				}
				if facts := factsOf(t, db); facts != "editor=helix pinned=false" {
					t.Errorf("facts after a failed audited write: %s", facts)
				}
			})
		}
	}
}

// snapshot is everything a failed write must leave alone: the facts, the
// audit rows, the head and the checkpoint file.
func snapshot(t *testing.T, db *DB) string {
	t.Helper()
	var rows, head string
	db.sql.QueryRow(`SELECT group_concat(id || ':' || hash, ',') FROM audit_log`).Scan(&rows)
	db.sql.QueryRow(`SELECT last_id || ':' || last_hash || ':' || count FROM audit_head`).Scan(&head)
	cp, _ := os.ReadFile(CheckpointPath(db.Path()))
	return fmt.Sprintf("facts[%s] audit[%s] head[%s] checkpoint[%x]", factsOf(t, db), rows, head, bytes.TrimSpace(cp))
}

func factsOf(t *testing.T, db *DB) string {
	t.Helper()
	fs, err := db.ListFacts(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s=%s pinned=%v", f.Key, f.Value, f.Pinned))
	}
	return strings.Join(out, ";")
}

// readOnlyHandle reopens db's file through a read-only SQLite connection
// (mode=ro), the state a database file without write permission leaves
// SQLite in.
func readOnlyHandle(t *testing.T, db *DB) *DB {
	t.Helper()
	ro, err := sql.Open("sqlite", dsn(db.Path())+"&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return &DB{sql: ro, path: db.Path(), now: db.now, version: db.version}
}

// TestAuditedWriteCommitsBoth: on success the fact and the entry land
// together, the entry says what fn filled in, and the log verifies.
func TestAuditedWriteCommitsBoth(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	f, e, err := db.SetFactAudited(ctx, FactInput{Key: "editor", Value: "helix"},
		AuditEntry{Input: "remember my editor is helix", Action: `{"key":"editor","value":"helix"}`, ChosenBy: "user", Skill: "memory", Success: true})
	if err != nil || f.Value != "helix" || e.ID != 1 || e.Action != `{"key":"editor","value":"helix"}` || e.ChosenBy != "user" {
		t.Fatalf("SetFactAudited = %+v, %+v, %v", f, e, err)
	}
	deleted, e2, err := db.DeleteFactAudited(ctx, "", "editor", AuditEntry{Input: "forget my editor", ChosenBy: "classifier"})
	if err != nil || !deleted || e2.ID != 2 {
		t.Fatalf("DeleteFactAudited = %v, %+v, %v", deleted, e2, err)
	}
	e3, err := db.WithAudit(ctx, AuditEntry{Input: "remember it again"}, func(tx *Tx, e *AuditEntry) error {
		f, err := tx.SetFact(ctx, FactInput{Key: "editor", Value: "vim"})
		if err != nil {
			return err
		}
		got, ok, err := tx.GetFact(ctx, "", "editor") // sees its own write
		if err != nil || !ok || got.Value != "vim" {
			return fmt.Errorf("GetFact inside the transaction = %+v %v %v", got, ok, err)
		}
		e.Action, e.Success = "set editor="+f.Value, true
		return nil
	})
	if err != nil || e3.Action != "set editor=vim" || !e3.Success {
		t.Fatalf("WithAudit = %+v, %v", e3, err)
	}
	got, err := db.RecentAudit(ctx, 1)
	if err != nil || got[0].Action != "set editor=vim" || !got[0].Success {
		t.Errorf("stored entry = %+v, %v", got, err)
	}
	// fn failing rolls back its own write and writes no entry.
	_, err = db.WithAudit(ctx, AuditEntry{Input: "doomed"}, func(tx *Tx, _ *AuditEntry) error {
		if _, err := tx.SetFact(ctx, FactInput{Key: "doomed", Value: "x"}); err != nil {
			return err
		}
		return errors.New("the action failed")
	})
	if err == nil || !strings.Contains(err.Error(), "the action failed") {
		t.Errorf("WithAudit with a failing fn = %v", err)
	}
	if _, ok, _ := db.GetFact(ctx, "", "doomed"); ok {
		t.Errorf("a failed fn's write was committed")
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.Checked != 3 || rep.MACVerified != 3 {
		t.Errorf("verify = %+v, %v", rep, err)
	}
}

// TestAuditCommitFails makes the COMMIT itself fail (a deferred foreign key,
// the way a full disk can fail a commit after everything before it
// worked): nothing is written, the checkpoint is put back rather than left
// ahead of the database, and the connection is usable afterwards.
func TestAuditCommitFails(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	db.sql.SetMaxOpenConns(1) // the next write must reuse the connection the failed commit ran on
	if _, err := db.AppendAudit(ctx, AuditEntry{Input: "first"}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `CREATE TABLE parent (id INTEGER PRIMARY KEY)`)
	mustExec(t, db, `CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
	before := snapshot(t, db)
	_, err := db.WithAudit(ctx, AuditEntry{Input: "doomed at commit"}, func(tx *Tx, _ *AuditEntry) error {
		if _, err := tx.SetFact(ctx, FactInput{Key: "doomed", Value: "x"}); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO child (p) VALUES (42)`) // violates the key, checked at COMMIT
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("WithAudit with a failing commit = %v", err)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a failed commit left something behind:\nbefore %s\nafter  %s", before, after)
	}
	if _, err := db.AppendAudit(ctx, AuditEntry{Input: "next"}); err != nil {
		t.Errorf("append after a failed commit: %v", err)
	}
	checkProblems(t, db)
}

package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Tx is the write transaction of an audited action: what fn does through it
// commits together with its audit entry, or not at all.
type Tx struct {
	db *DB
	tx runner // the connection holding the transaction
}

// WithAudit runs fn and appends e to the audit log in one transaction. fn
// may fill in e (Action, Success, Error...) from what it did; the entry is
// written after fn returns, with the fields fn left. If fn fails, or the
// entry cannot be written (read-only database, full disk, missing audit key,
// a database older than its checkpoint), everything is rolled back: no
// state change without its record. fn may be nil (AppendAudit).
//
// The audit preconditions (head, checkpoint, key) are checked before fn
// runs, so a log that cannot be written fails before any work is done.
func (db *DB) WithAudit(ctx context.Context, e AuditEntry, fn func(tx *Tx, e *AuditEntry) error) (AuditEntry, error) {
	if e.Time.IsZero() {
		e.Time = db.now()
	}
	unlock, err := db.lockAppend(ctx)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("append audit entry: %w", db.writeError(err))
	}
	defer unlock()
	var cpUndo func()
	err = db.inTxCommit(ctx, func(tx runner) error {
		a, err := db.beginAppend(ctx, tx)
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(&Tx{db: db, tx: tx}, &e); err != nil {
				return err
			}
		}
		e, cpUndo, err = db.insertAtHead(ctx, tx, a, e)
		return err
	}, func() {
		if cpUndo != nil {
			cpUndo()
		}
	})
	if err != nil {
		return AuditEntry{}, fmt.Errorf("append audit entry: %w", db.writeError(err))
	}
	return e, nil
}

// AppendAuditBatch appends entries in order in one transaction, with one
// checkpoint at the end: all of them or none. For importing or seeding a
// log, where an fsync per entry would dominate.
func (db *DB) AppendAuditBatch(ctx context.Context, entries []AuditEntry) ([]AuditEntry, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	unlock, err := db.lockAppend(ctx)
	if err != nil {
		return nil, fmt.Errorf("append audit entries: %w", db.writeError(err))
	}
	defer unlock()
	out := make([]AuditEntry, 0, len(entries))
	var cpUndo func()
	err = db.inTxCommit(ctx, func(tx runner) error {
		a, err := db.beginAppend(ctx, tx)
		if err != nil {
			return err
		}
		for i, e := range entries {
			if e, err = normaliseEntry(db, e); err != nil {
				return fmt.Errorf("entry %d: %w", i, err)
			}
			if e, err = a.insert(ctx, tx, e); err != nil {
				return err
			}
			out = append(out, e)
		}
		cpUndo, err = a.checkpoint(out[len(out)-1])
		return err
	}, func() {
		if cpUndo != nil {
			cpUndo()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("append audit entries: %w", db.writeError(err))
	}
	return out, nil
}

// insertAtHead writes e after the head inside tx and moves the checkpoint
// to it. The checkpoint is written while the transaction holds the write
// lock, so checkpoints are written in commit order and never go backwards;
// undo puts the old one back if the commit then fails.
func (db *DB) insertAtHead(ctx context.Context, tx runner, a *appendState, e AuditEntry) (AuditEntry, func(), error) {
	e, err := normaliseEntry(db, e)
	if err != nil {
		return e, nil, err
	}
	if e, err = a.insert(ctx, tx, e); err != nil {
		return e, nil, err
	}
	undo, err := a.checkpoint(e)
	return e, undo, err
}

// normaliseEntry checks an entry and brings it to what the database keeps,
// so its hash matches what is stored.
func normaliseEntry(db *DB, e AuditEntry) (AuditEntry, error) {
	if e.Time.IsZero() {
		e.Time = db.now()
	}
	if math.IsNaN(e.CostUSD) || math.IsInf(e.CostUSD, 0) {
		return e, fmt.Errorf("cost %v is not a number", e.CostUSD)
	}
	e.Time = time.UnixMilli(e.Time.UnixMilli())
	e.Input = truncateRunes(e.Input, maxAuditInput)
	e.Action = capAction(e.Action)
	return e, nil
}

// inTxCommit runs fn in a BEGIN IMMEDIATE transaction on a connection of
// its own, and calls commitFailed when the COMMIT itself fails. It drives
// the transaction by hand because a failed COMMIT (a full disk, say) may
// leave SQLite's transaction open: it is rolled back here, on the same
// connection, before that connection goes back to the pool, where the
// next write on it would fail with "cannot start a transaction within a
// transaction".
func (db *DB) inTxCommit(ctx context.Context, fn func(tx runner) error, commitFailed func()) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rollback := func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") }
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := fn(conn); err != nil {
		rollback()
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		commitFailed()
		rollback() // "no transaction is active" when SQLite already rolled back
		return err
	}
	return nil
}

// SetFactAudited writes a fact and its audit entry in one transaction.
func (db *DB) SetFactAudited(ctx context.Context, in FactInput, e AuditEntry) (Fact, AuditEntry, error) {
	var f Fact
	e, err := db.WithAudit(ctx, e, func(tx *Tx, _ *AuditEntry) error {
		var err error
		f, err = tx.SetFact(ctx, in)
		return err
	})
	if err != nil {
		return Fact{}, AuditEntry{}, err
	}
	return f, e, nil
}

// DeleteFactAudited deletes a fact and writes its audit entry in one
// transaction; deleted is false when no live fact had that key (the entry
// is written either way: the attempt is the action).
func (db *DB) DeleteFactAudited(ctx context.Context, namespace, key string, e AuditEntry) (deleted bool, entry AuditEntry, err error) {
	entry, err = db.WithAudit(ctx, e, func(tx *Tx, _ *AuditEntry) error {
		var err error
		deleted, err = tx.DeleteFact(ctx, namespace, key)
		return err
	})
	if err != nil {
		return false, AuditEntry{}, err
	}
	return deleted, entry, nil
}

// SetFact is DB.SetFact inside the audited transaction.
func (t *Tx) SetFact(ctx context.Context, in FactInput) (Fact, error) {
	return t.db.setFact(ctx, t.tx, in)
}

// DeleteFact is DB.DeleteFact inside the audited transaction.
func (t *Tx) DeleteFact(ctx context.Context, namespace, key string) (bool, error) {
	return t.db.deleteFact(ctx, t.tx, namespace, key)
}

// SetPinned is DB.SetPinned inside the audited transaction.
func (t *Tx) SetPinned(ctx context.Context, namespace, key string, pinned bool) (bool, error) {
	return t.db.setPinned(ctx, t.tx, namespace, key, pinned)
}

// GetFact is DB.GetFact inside the audited transaction (it sees the
// transaction's own writes).
func (t *Tx) GetFact(ctx context.Context, namespace, key string) (Fact, bool, error) {
	return t.db.getFact(ctx, t.tx, namespace, key)
}

// errNoHead is returned when the audit_head row is gone.
var errNoHead = errors.New("the audit chain head is missing (the log was tampered with); run the audit verify command")

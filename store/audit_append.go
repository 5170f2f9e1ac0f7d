package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

// appendState is what an append learns inside its transaction before it
// inserts: the head, the checkpoint and the key.
type appendState struct {
	db       *DB
	headID   int64
	headHash string
	count    int64
	macFrom  int64 // first MAC'd entry; 0 = none yet
	key      []byte
	cpPath   string
	cpRaw    []byte // the checkpoint file as found; nil = none
}

// beginAppend reads the head and refuses to go on when the entry could not
// be trusted afterwards: the key is missing while entries were MAC'd with
// it, or the database is behind (or disagrees with) its checkpoint.
// Appending then would overwrite the evidence.
func (db *DB) beginAppend(ctx context.Context, tx runner) (*appendState, error) {
	a := &appendState{db: db, cpPath: CheckpointPath(db.path)}
	var headMAC string
	err := tx.QueryRowContext(ctx, `SELECT last_id, last_hash, last_mac, count FROM audit_head WHERE id = 1`).
		Scan(&a.headID, &a.headHash, &headMAC, &a.count)
	if errors.Is(err, sql.ErrNoRows) {
		// Re-creating it would hide whatever removed it; say so instead.
		return nil, errNoHead
	}
	if err != nil {
		return nil, err
	}
	// A write that changes nothing: a read-only database fails here, before
	// any work, with SQLite's own error.
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET count = count WHERE id = 1`); err != nil {
		return nil, err
	}
	cp, raw, cpExists, err := readCheckpoint(a.cpPath)
	if err != nil {
		return nil, fmt.Errorf("%w; run the audit verify command", err)
	}
	a.cpRaw = raw
	keyed := headMAC != "" || cpExists
	a.key, err = db.auditKey(!keyed)
	if errors.Is(err, fs.ErrNotExist) { // only when keyed: otherwise it was created
		return nil, tagged(ErrAuditKey, err, "the audit key %s is missing, but the audit log was written with it: restore the file from a backup "+
			"(a new key is not made while entries need the old one)", AuditKeyPath(db.path))
	}
	if err != nil {
		return nil, err
	}
	if cpExists {
		if err := a.matchCheckpoint(ctx, tx, cp); err != nil {
			return nil, err
		}
		a.macFrom = cp.MACFrom
	} else if headMAC != "" {
		// The checkpoint was removed (to accept a restored database, say):
		// MACs began at the first entry that has one.
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(min(id), 0) FROM audit_log WHERE mac != ''`).Scan(&a.macFrom); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// matchCheckpoint checks that the database still holds the entry the
// checkpoint recorded, unchanged.
func (a *appendState) matchCheckpoint(ctx context.Context, tx runner, cp checkpoint) error {
	accept := fmt.Sprintf("run the audit verify command; if you restored the database on purpose, remove %s to accept it", a.cpPath)
	if !cp.sealOK(a.key) {
		return tagged(ErrAuditCheckpoint, nil, "the audit checkpoint %s was altered or written with another key; %s", a.cpPath, accept)
	}
	if cp.ID > a.headID {
		return tagged(ErrAuditCheckpoint, nil, "the audit log ends at entry %d but its checkpoint %s records entry %d: "+
			"the database was replaced by an older copy or its newest entries were removed; %s", a.headID, a.cpPath, cp.ID, accept)
	}
	hash := a.headHash
	if cp.ID < a.headID {
		err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE id = ?`, cp.ID).Scan(&hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if hash != cp.Hash {
		return tagged(ErrAuditCheckpoint, nil, "audit entry %d is not the one its checkpoint %s records: the log was rewritten; %s", cp.ID, a.cpPath, accept)
	}
	return nil
}

// insert gives e the next id, links, hashes and MACs it, inserts it and
// moves the head.
func (a *appendState) insert(ctx context.Context, tx runner, e AuditEntry) (AuditEntry, error) {
	// Never reuse an id: not one past the head (rows may have been
	// deleted, which verify must still see) nor a forged row's.
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_log`).Scan(&maxID); err != nil {
		return e, err
	}
	e.ID = AuditID(max(a.headID, maxID) + 1)
	e.PrevHash = a.headHash
	e.hashVersion = hashV3
	e.Hash = auditHash(e)
	e.MAC = auditMAC(a.key, e.Hash)
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(e.ID), string(e.TurnID), e.Time.UnixMilli(), e.Session, e.Source, e.Input, e.Route,
		e.Skill, e.Tier, e.Model, boolInt(e.Success), e.Error, e.PromptTokens, e.CompletionTokens,
		e.CostUSD, e.ElapsedMS, e.PlanSteps, e.PrevHash, e.Hash, e.Providers, e.LLMCalls,
		e.Action, e.ChosenBy, e.hashVersion, e.MAC, e.Stage)
	if err != nil {
		return e, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ?, last_mac = ?, count = count + 1 WHERE id = 1`,
		int64(e.ID), e.Hash, e.MAC)
	if err != nil {
		return e, err
	}
	a.headID, a.headHash = int64(e.ID), e.Hash
	a.count++
	if a.macFrom == 0 {
		a.macFrom = int64(e.ID)
	}
	return e, nil
}

// checkpoint records e as the newest entry outside the database and returns
// how to undo that if the transaction then fails to commit.
func (a *appendState) checkpoint(e AuditEntry) (undo func(), err error) {
	cp := checkpoint{Version: checkpointVersion, ID: int64(e.ID), Hash: e.Hash, MAC: e.MAC, Count: a.count, MACFrom: a.macFrom}
	cp.Seal = cp.seal(a.key)
	data, err := json.Marshal(cp)
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	if err := writeFileAtomic(a.cpPath, data); err != nil {
		return nil, fmt.Errorf("write the audit checkpoint %s: %w", a.cpPath, err)
	}
	prev := a.cpRaw
	return func() { restoreCheckpoint(a.cpPath, data, prev) }, nil
}

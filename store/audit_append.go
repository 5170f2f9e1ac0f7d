package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
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

	// What the checkpoint was found to be, and why an append must not go
	// on (nil: it may). AcceptAudit replaces a refused checkpoint.
	cp      checkpoint // as recorded, when it could be read
	cpState cpState
	refusal error
}

// cpState is how the checkpoint compares with the database.
type cpState int

const (
	cpFresh     cpState = iota // none, and nothing sealed yet: the first append writes it
	cpMatches                  // it names an entry the database holds unchanged
	cpMissing                  // none, while the log holds entries sealed with the key
	cpDamaged                  // cannot be parsed
	cpAltered                  // its seal does not match under the key
	cpAhead                    // it records entries past the database's newest
	cpRewritten                // the entry it records is not the one the database holds
)

// acceptHint is how every refusal over the checkpoint ends.
const acceptHint = "run macroa audit verify to see what changed; if you restored the database on purpose, run macroa audit accept"

// beginAppend reads the head and refuses to go on when the entry could not
// be trusted afterwards: the key is missing while entries were MAC'd with
// it, or the checkpoint is missing, damaged, or disagrees with the
// database. Appending then would overwrite the evidence.
func (db *DB) beginAppend(ctx context.Context, tx runner) (*appendState, error) {
	a, err := db.inspectAppend(ctx, tx, true)
	if err != nil {
		return nil, err
	}
	if a.refusal != nil {
		return nil, a.refusal
	}
	return a, nil
}

// inspectAppend reads the head, the checkpoint and the key, and says in
// a.refusal why an append must not go on. With create, a missing key is
// made when no entry needs an older one; without, a.key is then nil.
func (db *DB) inspectAppend(ctx context.Context, tx runner, create bool) (*appendState, error) {
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
	// No write is needed to find a read-only database: every caller runs
	// in a BEGIN IMMEDIATE transaction (the DSN's _txlock), which fails
	// there first, with SQLite's own error, before any work.
	cp, raw, cpExists, cpErr := readCheckpoint(a.cpPath)
	if cpErr != nil && !errors.Is(cpErr, ErrAuditCheckpoint) {
		return nil, cpErr
	}
	a.cpRaw = raw
	sealed, err := a.sealedLog(ctx, tx, headMAC)
	if err != nil {
		return nil, err
	}
	keyed := sealed || cpExists
	a.key, err = db.auditKey(create && !keyed)
	switch {
	case errors.Is(err, fs.ErrNotExist) && keyed:
		return nil, tagged(ErrAuditKey, err, "the audit key %s is missing, but the audit log was written with it: restore the file from a backup "+
			"(a new key is not made while entries need the old one)", AuditKeyPath(db.path))
	case errors.Is(err, fs.ErrNotExist) && !create: // a preview: the first append makes it
	case err != nil:
		return nil, err
	}
	switch {
	case cpErr != nil:
		a.cpState = cpDamaged
		a.refusal = fmt.Errorf("%w; %s", cpErr, acceptHint)
	case cpExists:
		a.cp = cp
		if err := a.matchCheckpoint(ctx, tx, cp); err != nil {
			return nil, err
		}
	case sealed:
		a.cpState = cpMissing
		a.refusal = tagged(ErrAuditCheckpoint, nil, "the audit checkpoint %s is missing while the audit log holds entries sealed with its key: "+
			"the database may have been replaced by an older copy or cut short; %s", a.cpPath, acceptHint)
	}
	if a.cpState == cpMatches || a.cpState == cpAhead || a.cpState == cpRewritten {
		a.macFrom = cp.MACFrom // sealed: to be trusted over the database
	} else if err := tx.QueryRowContext(ctx, `SELECT coalesce(min(id), 0) FROM audit_log WHERE mac != ''`).Scan(&a.macFrom); err != nil {
		return nil, err
	}
	return a, nil
}

// sealedLog says whether the log holds entries written under the key, so
// that a missing checkpoint means it was lost or removed: an entry or the
// head carries a MAC, or the key exists and the log is not empty (MACs
// stripped, or an older copy from before MACs swapped in).
func (a *appendState) sealedLog(ctx context.Context, tx runner, headMAC string) (bool, error) {
	if headMAC != "" {
		return true, nil
	}
	var macs, rows bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log WHERE mac != ''), EXISTS (SELECT 1 FROM audit_log)`).Scan(&macs, &rows)
	if err != nil || macs || !rows {
		return macs, err
	}
	if a.db.cachedKey() {
		return true, nil
	}
	_, err = os.Lstat(AuditKeyPath(a.db.path))
	return err == nil, nil
}

// matchCheckpoint checks that the database still holds the entry the
// checkpoint recorded, unchanged, and sets a.cpState (and a.refusal when
// it does not).
func (a *appendState) matchCheckpoint(ctx context.Context, tx runner, cp checkpoint) error {
	if !cp.sealOK(a.key) {
		a.cpState = cpAltered
		a.refusal = tagged(ErrAuditCheckpoint, nil, "the audit checkpoint %s was altered or written with another key; %s", a.cpPath, acceptHint)
		return nil
	}
	if cp.ID > a.headID {
		a.cpState = cpAhead
		a.refusal = tagged(ErrAuditCheckpoint, nil, "the audit log ends at entry %d but its checkpoint %s records entry %d: "+
			"the database was replaced by an older copy or its newest entries were removed; %s", a.headID, a.cpPath, cp.ID, acceptHint)
		return nil
	}
	hash := a.headHash
	if cp.ID < a.headID {
		err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE id = ?`, cp.ID).Scan(&hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if hash != cp.Hash {
		a.cpState = cpRewritten
		a.refusal = tagged(ErrAuditCheckpoint, nil, "audit entry %d is not the one its checkpoint %s records: the log was rewritten; %s", cp.ID, a.cpPath, acceptHint)
		return nil
	}
	a.cpState = cpMatches
	return nil
}

// insert gives e the next id, links, hashes and MACs it, inserts it and
// moves the head.
func (a *appendState) insert(ctx context.Context, tx runner, e AuditEntry) (AuditEntry, error) {
	if a.key == nil { // never MAC under an empty key
		return e, tagged(ErrAuditKey, nil, "the audit key %s is missing", AuditKeyPath(a.db.path))
	}
	// Never reuse an id: not one past the head (rows may have been
	// deleted, which verify must still see) nor a forged row's.
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM audit_log`).Scan(&maxID); err != nil {
		return e, err
	}
	e.ID = AuditID(max(a.headID, maxID) + 1)
	e.PrevHash = a.headHash
	e.hashVersion = hashCurrent
	e.Hash = auditHash(e)
	e.MAC = auditMAC(a.key, e.Hash)
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(e.ID), string(e.TurnID), e.Time.UnixMilli(), e.Session, e.Source, e.Input, e.Route,
		e.Skill, e.Tier, e.Model, boolInt(e.Success), e.Error, e.PromptTokens, e.CompletionTokens,
		e.CostUSD, e.ElapsedMS, e.PlanSteps, e.PrevHash, e.Hash, e.Providers, e.LLMCalls,
		e.Action, e.ChosenBy, e.hashVersion, e.MAC, e.Stage, e.Sandbox)
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
	data, err := marshalCheckpoint(cp)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(a.cpPath, data); err != nil {
		return nil, fmt.Errorf("write the audit checkpoint %s: %w", a.cpPath, err)
	}
	prev := a.cpRaw
	return func() { restoreCheckpoint(a.cpPath, data, prev) }, nil
}

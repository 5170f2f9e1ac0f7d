package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
)

// verifyTx opens the transaction verify reads in. It is a write
// transaction when it can be: appends write the checkpoint while holding
// the write lock, so holding it here means the checkpoint and the rows are
// seen at the same moment, and a concurrent append is never mistaken for
// tampering. A read-only database gets a plain read snapshot (nothing can
// append to it anyway).
func (db *DB) verifyTx(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err == nil {
		return tx, nil
	}
	if !errors.Is(db.writeError(err), ErrReadOnly) {
		return nil, err
	}
	return db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// checkSeal checks what the chain alone cannot: every MAC under the key
// outside the database, and the database against its checkpoint. It fills
// in the report's counts and adds its findings.
func (v *verifier) checkSeal(rep *VerifyReport) error {
	cp, _, cpExists, cpErr := readCheckpoint(rep.CheckpointPath)
	key, keyErr := loadAuditKey(rep.KeyPath)
	var macRows int64
	for _, r := range v.rows {
		if r.mac != "" {
			macRows++
		}
	}
	keyMissing := errors.Is(keyErr, fs.ErrNotExist)
	switch {
	case keyMissing && (macRows > 0 || cpExists || cpErr != nil):
		v.add(AuditProblem{Kind: ProblemKey, Detail: fmt.Sprintf("the audit key %s is missing: %d entries carry MACs that cannot be checked without it; "+
			"restore the file from a backup (macroa makes no new key while entries need the old one)", rep.KeyPath, macRows)})
	case keyErr != nil && !keyMissing:
		v.add(AuditProblem{Kind: ProblemKey, Detail: keyErr.Error()})
	}
	if keyErr != nil {
		key = nil
	}

	macFrom := int64(0) // the first entry written with a MAC
	switch {
	case cpErr != nil:
		v.add(AuditProblem{Kind: ProblemCheckpoint, Detail: cpErr.Error()})
	case cpExists:
		rep.CheckpointID = AuditID(cp.ID)
		if key != nil && !cp.sealOK(key) {
			v.add(AuditProblem{Kind: ProblemCheckpoint, Detail: fmt.Sprintf("the checkpoint %s was altered or written with another key", rep.CheckpointPath)})
			break
		}
		macFrom = cp.MACFrom
		if err := v.checkCheckpoint(cp, rep.CheckpointPath); err != nil {
			return err
		}
	case macRows > 0 || key != nil && len(v.rows) > 0:
		// The first MAC'd append writes both files; a log with entries and
		// a key but no checkpoint lost it since.
		v.add(AuditProblem{Kind: ProblemCheckpoint, Detail: fmt.Sprintf("the checkpoint %s is missing, so replacing the database with an older copy "+
			"or cutting entries off its end cannot be ruled out", rep.CheckpointPath)})
	}
	if macFrom == 0 {
		for _, r := range v.rows {
			if r.mac != "" {
				macFrom = r.id
				break
			}
		}
	}
	return v.checkMACs(rep, key, macFrom)
}

// checkCheckpoint compares the database with the newest entry the
// checkpoint recorded.
func (v *verifier) checkCheckpoint(cp checkpoint, path string) error {
	var last *chainRow
	for i := range v.rows {
		r := &v.rows[i]
		if r.id == cp.ID {
			if r.hash != cp.Hash && !v.reportedAny(r.id) {
				return v.report(r.id, ProblemForged, "is not the entry the checkpoint %s recorded: the log was rewritten from there on", path)
			}
			return nil
		}
		if r.id < cp.ID {
			last = r
		}
	}
	lastID := int64(0)
	if last != nil {
		lastID = last.id
	}
	if n := len(v.rows); n > 0 && v.rows[n-1].id > cp.ID || v.reported[problemKey{AuditID(lastID + 1), ProblemTruncated}] {
		return nil // gone from the middle (deleted) or the end (truncated): reported already
	}
	v.add(AuditProblem{EntryID: AuditID(lastID + 1), Kind: ProblemRolledBack, Detail: fmt.Sprintf(
		"the log ends at entry %d but the checkpoint %s records entry %d (%d entries): the database was replaced by an older copy "+
			"or its newest entries were removed", lastID, path, cp.ID, cp.Count)})
	return nil
}

// checkMACs checks each row's MAC and counts how each was verified. A row
// without a MAC is legitimate only before macFrom (written before MACs
// existed); one after it had its MAC stripped. Consecutive forged rows are
// reported as one range, so a rewritten chain gives one line, not
// thousands. Rows already reported (edited, inserted...) are not repeated.
func (v *verifier) checkMACs(rep *VerifyReport, key []byte, macFrom int64) error {
	var run []int64 // consecutive forged rows, not yet reported
	flush := func() error {
		defer func() { run = run[:0] }()
		switch len(run) {
		case 0:
			return nil
		case 1:
			return v.report(run[0], ProblemForged, "does not match its MAC: it was rewritten with a recomputed hash, its MAC was removed, "+
				"or %s is not the key it was written with", rep.KeyPath)
		}
		v.add(AuditProblem{EntryID: AuditID(run[0]), Kind: ProblemForged, Detail: fmt.Sprintf(
			"entries %d-%d (%d entries) do not match their MACs: they were rewritten with recomputed hashes, their MACs were removed, "+
				"or %s is not the key they were written with", run[0], run[len(run)-1], len(run), rep.KeyPath)})
		return nil
	}
	for _, r := range v.rows {
		already := !r.selfOK || v.reportedAny(r.id)
		forged := false
		switch {
		case r.mac == "" && !r.keyed && (macFrom == 0 || r.id < macFrom):
			rep.ChainOnly++
		case r.mac == "":
			forged = true
		case key == nil:
			rep.Unchecked++
		case macOK(key, r.hash, r.mac):
			if !already {
				rep.MACVerified++
			}
		default:
			forged = true
		}
		if forged && !already {
			run = append(run, r.id)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return flush()
}

// reportedAny says whether the entry already has a problem of any kind.
func (v *verifier) reportedAny(id int64) bool {
	for _, k := range []string{ProblemEdited, ProblemDeleted, ProblemReordered, ProblemInserted, ProblemForged} {
		if v.reported[problemKey{AuditID(id), k}] {
			return true
		}
	}
	return false
}

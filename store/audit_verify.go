package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Kinds of audit problem, as found by VerifyAudit.
const (
	ProblemEdited    = "edited"    // a row's fields no longer match its hash, or it was re-hashed
	ProblemDeleted   = "deleted"   // ids are missing in the middle of the chain
	ProblemReordered = "reordered" // a row holds the record written under another id
	ProblemInserted  = "inserted"  // a row the chain does not vouch for
	ProblemTruncated = "truncated" // the newest entries are gone (the head says so)
	// Found with the key and the checkpoint kept outside the database:
	ProblemForged     = "forged"      // an entry's MAC does not match (rewritten with recomputed hashes) or was removed
	ProblemRolledBack = "rolled-back" // the database is behind its checkpoint: replaced by an older copy, or cut short
	ProblemKey        = "key"         // the audit key is missing while entries need it, or unusable
	ProblemCheckpoint = "checkpoint"  // the checkpoint is missing, damaged or altered
)

// AuditProblem is one thing wrong with the audit log.
type AuditProblem struct {
	EntryID AuditID // the entry concerned (for deletions: the first missing id)
	Kind    string  // one of the Problem* constants
	Detail  string  // a sentence for a person, naming the entry's time and input
}

// VerifyReport is the result of VerifyAudit.
type VerifyReport struct {
	Checked     int64 // rows examined
	MACVerified int64 // entries whose MAC matched under the key
	ChainOnly   int64 // entries written before MACs existed: checked by the hash chain only
	Unchecked   int64 // entries with a MAC that could not be checked (the key is missing or unusable)
	// CheckpointID is the newest entry the checkpoint outside the database
	// records (0: there is none yet).
	CheckpointID   AuditID
	KeyPath        string // the audit key file
	CheckpointPath string // the checkpoint file
	Problems       []AuditProblem
	// Notices are what verify reports even of an intact log: each time a
	// person accepted the log over its checkpoint (macroa audit accept).
	Notices []AuditNotice
}

// OK reports whether the audit log is intact.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// chainRow is what the verifier keeps per row: enough to check links
// without holding every input in memory.
type chainRow struct {
	id       int64
	prevHash string
	hash     string
	computed string // hash recomputed from the stored fields; "" if it matched
	selfOK   bool   // the stored fields hash to the stored hash
	orig     int64  // the id the record was written under; 0 = unknown
	mac      string // the stored MAC; "" = written before MACs
	// keyed: the row's hash version was only ever written with a MAC, so
	// a missing MAC was removed (a downgrade to a "legacy" log).
	keyed bool
}

// VerifyAudit walks the hash chain in id order and lists what was changed
// behind macroa's back (with another SQLite client, say).
//
// Each row's hash is recomputed from its own stored prev_hash, not from the
// previous row, so an edited row is named alone instead of breaking every
// link after it. Links are then checked separately, and the head row
// catches deletion of the newest entries.
func (db *DB) VerifyAudit(ctx context.Context) (VerifyReport, error) {
	tx, err := db.verifyTx(ctx)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	defer tx.Rollback()
	v := verifier{ctx: ctx, tx: tx, byHash: map[string]int{}, reported: map[problemKey]bool{}}
	if err := v.load(); err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	if err := v.resolveOrigins(); err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	if err := v.walk(); err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	rep := VerifyReport{Checked: int64(len(v.rows)), KeyPath: AuditKeyPath(db.path), CheckpointPath: CheckpointPath(db.path)}
	if err := v.checkSeal(&rep); err != nil {
		return VerifyReport{}, fmt.Errorf("verify audit log: %w", err)
	}
	rep.Problems = v.problems()
	rep.Notices = v.notices()
	return rep, nil
}

type problemKey struct {
	id   AuditID
	kind string
}

type verifier struct {
	ctx      context.Context
	tx       *sql.Tx
	rows     []chainRow
	byHash   map[string]int // stored hash → index in rows
	headID   int64
	headHash string
	hasHead  bool
	found    []AuditProblem
	reported map[problemKey]bool
	accepts  []AuditEntry // acceptance entries (StageAccept), in id order
}

func (v *verifier) load() error {
	err := v.tx.QueryRowContext(v.ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&v.headID, &v.headHash)
	switch {
	case err == nil:
		v.hasHead = true
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	rows, err := v.tx.QueryContext(v.ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, wellFormed, err := scanAudit(rows)
		if err != nil {
			return err
		}
		r := chainRow{id: int64(e.ID), prevHash: e.PrevHash, hash: e.Hash, mac: e.MAC, keyed: e.hashVersion >= hashV3}
		if e.Stage == StageAccept {
			v.accepts = append(v.accepts, e)
		}
		if c := auditHash(e); wellFormed && c == e.Hash {
			r.selfOK, r.orig = true, r.id
		} else {
			r.computed = c
		}
		if _, dup := v.byHash[r.hash]; !dup {
			v.byHash[r.hash] = len(v.rows)
		}
		v.rows = append(v.rows, r)
	}
	return rows.Err()
}

// resolveOrigins works out, for each row whose hash does not match, whether
// it is an intact record moved to another id (two rows swapped, or an id
// edited). A record written as entry N has prev_hash = hash of the record
// written as N-1, wherever that record sits now; so its original id is one
// more than its predecessor's, and hashing it under that id must match.
func (v *verifier) resolveOrigins() error {
	state := make([]byte, len(v.rows)) // 0 unvisited, 1 in progress, 2 done
	var resolve func(i int) (int64, error)
	resolve = func(i int) (int64, error) {
		r := &v.rows[i]
		if r.selfOK || state[i] == 2 {
			return r.orig, nil
		}
		if state[i] == 1 {
			return 0, nil // a cycle of forged links
		}
		state[i] = 1
		defer func() { state[i] = 2 }()
		cand := int64(1) // the first record has no predecessor
		if r.prevHash != "" {
			j, ok := v.byHash[r.prevHash]
			if !ok {
				return 0, nil
			}
			pred, err := resolve(j)
			if err != nil || pred == 0 {
				return 0, err
			}
			cand = pred + 1
		}
		if cand == r.id {
			return 0, nil // in its place but changed: an edit, not a move
		}
		e, wellFormed, err := v.fetch(r.id)
		if err != nil {
			return 0, err
		}
		e.ID = AuditID(cand)
		if wellFormed && auditHash(e) == r.hash {
			r.orig = cand
		}
		return r.orig, nil
	}
	for i := range v.rows {
		if _, err := resolve(i); err != nil {
			return err
		}
	}
	return nil
}

// walk checks every row in id order, then the head.
func (v *verifier) walk() error {
	movedFrom := map[int64]int64{} // original id → where its record is now
	for _, r := range v.rows {
		if !r.selfOK && r.orig != 0 {
			movedFrom[r.orig] = r.id
		}
	}
	var prev *chainRow // the previous row within the chain
	for i := range v.rows {
		r := &v.rows[i]
		if v.hasHead && r.id > v.headID {
			// Past the newest entry the head knows: never appended by macroa.
			var err error
			if !r.selfOK && r.orig != 0 {
				err = v.report(r.id, ProblemReordered, "holds the record written as entry %d", r.orig)
			} else {
				err = v.report(r.id, ProblemInserted, "is not part of the chain: the chain head records entry %d as the newest", v.headID)
			}
			if err != nil {
				return err
			}
			continue
		}
		wantID := int64(1)
		if prev != nil {
			wantID = prev.id + 1
		}
		gap := r.id != wantID
		if gap {
			if err := v.reportGap(wantID, r.id, movedFrom); err != nil {
				return err
			}
		}
		prevRow := prev
		prev = r
		switch {
		case !r.selfOK && r.orig != 0:
			if err := v.report(r.id, ProblemReordered, "holds the record written as entry %d", r.orig); err != nil {
				return err
			}
			continue
		case !r.selfOK:
			if err := v.report(r.id, ProblemEdited, "does not match its hash: it was changed after it was written"); err != nil {
				return err
			}
			continue
		case gap:
			continue // its predecessor is gone; nothing to link to
		}
		if err := v.checkLink(i, prevRow); err != nil {
			return err
		}
	}
	return v.checkHead(prev)
}

// checkLink checks that an intact row points at the record before it.
func (v *verifier) checkLink(i int, p *chainRow) error {
	r := &v.rows[i]
	if p == nil {
		if r.prevHash == "" {
			return nil
		}
		return v.report(r.id, ProblemInserted, "claims to follow a record that never existed")
	}
	j, known := v.byHash[r.prevHash]
	switch {
	case r.prevHash == p.hash, r.prevHash == p.computed && p.computed != "":
		return nil // linked (a rewritten hash column on p was reported already)
	case known && v.rows[j].orig == r.id-1:
		return nil // its predecessor's record was moved; reported as reordered
	case known && v.rows[j].selfOK && j < i-1:
		// r links straight back to an earlier genuine entry: the rows in
		// between were slipped into the chain afterwards.
		for k := j + 1; k < i; k++ {
			err := v.report(v.rows[k].id, ProblemInserted, "is not part of the chain: entry %d links straight back to entry %d", r.id, v.rows[j].id)
			if err != nil {
				return err
			}
		}
		return nil
	}
	// r is intact but p's hash is not the one r recorded: p was rewritten
	// and its hash recomputed to match (or replaced by a forged row).
	return v.report(p.id, ProblemEdited, "was rewritten: entry %d recorded a different hash for it", r.id)
}

// checkHead compares the newest row of the chain with the head record.
func (v *verifier) checkHead(last *chainRow) error {
	switch {
	case !v.hasHead:
		return v.report(0, ProblemTruncated, "the chain head record is missing, so removal of the newest entries cannot be ruled out")
	case last == nil && v.headID > 0:
		return v.report(1, ProblemTruncated, "all %d entries are missing", v.headID)
	case last == nil:
		return nil
	case last.id < v.headID:
		return v.report(last.id+1, ProblemTruncated, "entries after %d are missing: the chain head records entry %d as the newest", last.id, v.headID)
	}
	j, known := v.byHash[v.headHash]
	if v.headHash == last.hash || v.headHash == last.computed || known && v.rows[j].orig == v.headID {
		return nil
	}
	return v.report(last.id, ProblemEdited, "was rewritten: the chain head recorded a different hash for it")
}

func (v *verifier) reportGap(from, next int64, movedFrom map[int64]int64) error {
	what := fmt.Sprintf("entry %d is missing", from)
	if next-from > 1 {
		what = fmt.Sprintf("entries %d-%d are missing", from, next-1)
	}
	if at, ok := movedFrom[from]; ok {
		what += fmt.Sprintf(" (its record is now at entry %d)", at)
	}
	desc, err := v.describe(next)
	if err != nil {
		return err
	}
	v.add(AuditProblem{EntryID: AuditID(from), Kind: ProblemDeleted, Detail: what + "; the next entry is " + desc})
	return nil
}

// report records a problem about an existing entry, prefixed with the
// entry's description ("entry 7 (2026-11-21 10:03:04, "restart nginx")").
func (v *verifier) report(id int64, kind, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if id > 0 && kind != ProblemTruncated {
		desc, err := v.describe(id)
		if err != nil {
			return err
		}
		msg = desc + " " + msg
	}
	v.add(AuditProblem{EntryID: AuditID(id), Kind: kind, Detail: msg})
	return nil
}

// add keeps only the first problem of each kind per entry.
func (v *verifier) add(p AuditProblem) {
	k := problemKey{p.EntryID, p.Kind}
	if !v.reported[k] {
		v.reported[k] = true
		v.found = append(v.found, p)
	}
}

// problems returns the findings ordered by entry. An entry found to be
// inserted is not also reported as edited: that is the same finding.
func (v *verifier) problems() []AuditProblem {
	var out []AuditProblem
	for _, p := range v.found {
		if p.Kind == ProblemEdited && v.reported[problemKey{p.EntryID, ProblemInserted}] {
			continue
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].EntryID < out[j].EntryID })
	return out
}

func (v *verifier) fetch(id int64) (AuditEntry, bool, error) {
	return scanAudit(v.tx.QueryRowContext(v.ctx, `SELECT `+auditCols+` FROM audit_log WHERE id = ?`, id))
}

// describe names an entry for a person: its id, time and input.
func (v *verifier) describe(id int64) (string, error) {
	e, _, err := v.fetch(id)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("entry %d (%s, %q)", id, e.Time.Format("2006-01-02 15:04:05"), snippet(e.Input, 40)), nil
}

// snippet shortens s to n characters for a message, on one line.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return truncateRunes(s, n-1) + "…"
}

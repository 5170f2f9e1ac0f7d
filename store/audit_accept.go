package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/macroa/macroa/lazy"
)

// StageAccept marks the audit entry that records a person accepting the
// log as it stood, over a checkpoint that was missing or disagreed with it
// (AcceptAudit). Verify reports every such entry, for good.
const StageAccept = "accept"

// Checkpoint states an acceptance can be over (AuditAcceptance.Checkpoint).
const (
	CheckpointMissing   = "missing"   // no checkpoint file
	CheckpointDamaged   = "damaged"   // it cannot be parsed
	CheckpointAltered   = "altered"   // its seal does not match under the key
	CheckpointAhead     = "ahead"     // it records entries past the log's newest
	CheckpointRewritten = "rewritten" // the entry it records is not the one the log holds
)

// AuditAcceptance is what AcceptAudit would accept: the log as it stands
// against what its checkpoint said.
type AuditAcceptance struct {
	Needed bool    // appends are refused over the checkpoint; false: nothing to accept
	LastID AuditID // the log's newest entry (its head)
	Count  int64   // entries in the log
	// Checkpoint is one of the Checkpoint* states ("" when not Needed).
	Checkpoint string
	// CheckpointID and CheckpointCount are what the checkpoint recorded,
	// when it could be read (0 when missing or damaged).
	CheckpointID    AuditID
	CheckpointCount int64
	Reason          string // why appends are refused, a sentence for a person

	raw []byte // the checkpoint file as seen, so what is accepted is what was shown
}

// ErrAcceptChanged: the log or its checkpoint changed between showing what
// would be accepted and accepting it.
var ErrAcceptChanged = errors.New("the audit log changed")

// AuditAcceptance says what AcceptAudit would accept, without writing
// anything. An error means the log cannot be accepted at all (a missing
// key, a missing head row): the error says why.
func (db *DB) AuditAcceptance(ctx context.Context) (AuditAcceptance, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return AuditAcceptance{}, fmt.Errorf("read the audit log: %w", db.writeError(err))
	}
	defer tx.Rollback() // inspectAppend only reads
	a, err := db.inspectAppend(ctx, tx, false)
	if err != nil {
		return AuditAcceptance{}, fmt.Errorf("read the audit log: %w", db.writeError(err))
	}
	return a.acceptance(), nil
}

func (a *appendState) acceptance() AuditAcceptance {
	acc := AuditAcceptance{Needed: a.refusal != nil, LastID: AuditID(a.headID), Count: a.count, raw: a.cpRaw}
	if a.refusal == nil {
		return acc
	}
	acc.Reason = a.refusal.Error()
	acc.Checkpoint = map[cpState]string{cpMissing: CheckpointMissing, cpDamaged: CheckpointDamaged, cpAltered: CheckpointAltered,
		cpAhead: CheckpointAhead, cpRewritten: CheckpointRewritten}[a.cpState]
	if a.cpState != cpMissing && a.cpState != cpDamaged {
		acc.CheckpointID, acc.CheckpointCount = AuditID(a.cp.ID), a.cp.Count
	}
	return acc
}

// AcceptAudit accepts the log as it stands, as seen (from AuditAcceptance):
// in one transaction it appends e as the record of the acceptance (Skill
// "audit", Route "command", ChosenBy "user", Stage StageAccept and the
// Action naming the entry accepted and what the checkpoint said are set
// here) and writes a fresh checkpoint. Appends then go on; verify reports
// the acceptance every time. It fails with ErrAcceptChanged when the log
// or its checkpoint is no longer what seen describes, and refuses when
// there is nothing to accept.
func (db *DB) AcceptAudit(ctx context.Context, seen AuditAcceptance, e AuditEntry) (AuditEntry, error) {
	if !seen.Needed {
		return AuditEntry{}, errors.New("accept the audit log: nothing to accept, appends are not refused")
	}
	if e.Time.IsZero() {
		e.Time = db.now()
	}
	unlock, err := db.lockAppend(ctx)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("accept the audit log: %w", db.writeError(err))
	}
	defer unlock()
	var cpUndo func()
	err = db.inTxCommit(ctx, func(tx runner) error {
		a, err := db.inspectAppend(ctx, tx, false)
		if err != nil {
			return err
		}
		now := a.acceptance()
		if !now.Needed || now.LastID != seen.LastID || now.Count != seen.Count || now.Checkpoint != seen.Checkpoint ||
			!bytes.Equal(now.raw, seen.raw) {
			return tagged(ErrAcceptChanged, nil, "the audit log or its checkpoint changed since it was shown; run macroa audit accept again")
		}
		e.Skill, e.Route, e.ChosenBy, e.Stage, e.Success = "audit", "command", "user", StageAccept, true
		e.Action = acceptAction(now)
		e, cpUndo, err = db.insertAtHead(ctx, tx, a, e)
		return err
	}, func() {
		if cpUndo != nil {
			cpUndo()
		}
	})
	if err != nil {
		return AuditEntry{}, fmt.Errorf("accept the audit log: %w", db.writeError(err))
	}
	return e, nil
}

// acceptAction is the Action of an acceptance entry; acceptPattern reads
// it back for verify.
func acceptAction(acc AuditAcceptance) string {
	said := "checkpoint was " + acc.Checkpoint
	if acc.CheckpointID > 0 && acc.Checkpoint != CheckpointAltered {
		said = "checkpoint said " + strconv.FormatInt(int64(acc.CheckpointID), 10)
	}
	return fmt.Sprintf("accept the log at entry %d (%s)", acc.LastID, said)
}

var acceptPattern = lazy.NewRegexp(`^accept the log at entry (\d+) \(checkpoint (?:said (\d+)|was (\w+))\)$`)

package store

import (
	"context"
	"fmt"
)

// withAudits runs fn in one write transaction and appends the audit
// entries it returns, in order, after its writes: the rows and their
// entries commit together or not at all. It is WithAudit for a change that
// makes several entries (expiring many entries at once) or none (fn found
// nothing to do). The audit preconditions are checked before fn runs.
//
// An error from fn rolls everything back and is returned as it is, so a
// caller sees its own *ApprovalConflict unwrapped.
func (db *DB) withAudits(ctx context.Context, fn func(tx runner) ([]AuditEntry, error)) ([]AuditEntry, error) {
	unlock, err := db.lockAppend(ctx)
	if err != nil {
		return nil, fmt.Errorf("append audit entry: %w", db.writeError(err))
	}
	defer unlock()
	var (
		out    []AuditEntry
		cpUndo func()
		fnErr  error
	)
	err = db.inTxCommit(ctx, func(tx runner) error {
		a, err := db.beginAppend(ctx, tx)
		if err != nil {
			return err
		}
		entries, err := fn(tx)
		if err != nil {
			fnErr = err
			return err
		}
		for _, e := range entries {
			if e, err = normaliseEntry(db, e); err != nil {
				return err
			}
			if e, err = a.insert(ctx, tx, e); err != nil {
				return err
			}
			out = append(out, e)
		}
		if len(out) > 0 {
			cpUndo, err = a.checkpoint(out[len(out)-1])
		}
		return err
	}, func() {
		if cpUndo != nil {
			cpUndo()
		}
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("append audit entry: %w", db.writeError(err))
	}
	return out, nil
}

// approvalAuditSkill is the audit log's skill for every queue transition.
const approvalAuditSkill = "approval"

// approvalAction is the audit action of a transition: "<state> <id>: <summary>".
func approvalAction(a Approval) string {
	return fmt.Sprintf("%s %s: %s", a.State, a.ID, a.Summary)
}

// transitionEntry is the audit entry of a transition the store makes from
// the row as it now stands: by is who chose it, where the front end or
// process it came from. Failed, interrupted and expired entries are
// recorded as unsuccessful with the row's error.
func transitionEntry(a Approval, by, where string) AuditEntry {
	e := AuditEntry{
		TurnID:   a.TurnID,
		Time:     a.UpdatedAt,
		Session:  a.Session,
		Source:   where,
		Input:    a.Summary,
		Skill:    approvalAuditSkill,
		Action:   approvalAction(a),
		ChosenBy: by,
		Success:  true,
	}
	switch a.State {
	case ApprovalFailed, ApprovalInterrupted, ApprovalExpired:
		e.Success = false
		e.Error = a.Error
	}
	return e
}

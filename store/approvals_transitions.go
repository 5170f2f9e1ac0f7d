package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Who the store names as having chosen the transitions it makes itself.
const (
	expiryChooser   = "expiry"   // a pending entry nobody answered in time
	recoveryChooser = "recovery" // an entry whose runner died
)

// expiredError is the error an expired entry keeps.
const expiredError = "nobody answered before it expired"

// ProposeApproval inserts a pending entry, or one already decided by policy
// or a rule (State approved, with DecidedBy, DecidedWhere and Runner set),
// and writes audit in the same transaction. When a pending entry with the
// same DedupeKey exists it merges into it instead (Count+1; UpdatedAt,
// Why and the gate's judgement replaced by the newest; ExpiresAt moved
// later when the newest expires later) and returns it with merged true; the unique index
// on pending keys makes that race-free between processes. A pending entry
// with that key that is past its ExpiresAt is expired first (with its own
// audit entry) and never merged into.
//
// ID, CreatedAt, UpdatedAt (and DecidedAt for an approved entry) are filled
// here; ExpiresAt must be set for a pending entry; the run's fields
// (StartedAt, Output, Error, Undo...) are left empty whatever a holds. The audit entry's Action
// is set to "<state> <id>: <summary>"; its Skill ("approval"), ChosenBy (the
// proposer, or DecidedBy for an approved entry), Source, Session, TurnID
// and Input (the summary) are filled from the entry when empty.
func (db *DB) ProposeApproval(ctx context.Context, a Approval, audit AuditEntry) (Approval, bool, error) {
	if a.State == "" {
		a.State = ApprovalPending
	}
	if err := checkProposal(a); err != nil {
		return Approval{}, false, fmt.Errorf("propose approval: %w", err)
	}
	if a.Count < 1 {
		a.Count = 1
	}
	var out Approval
	var merged bool
	_, err := db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		now := db.now()
		var entries []AuditEntry
		if a.State == ApprovalPending && a.DedupeKey != "" {
			expired, err := expirePending(ctx, tx, now, `dedupe_key = ?`, a.DedupeKey)
			if err != nil {
				return nil, err
			}
			for _, x := range expired {
				entries = append(entries, transitionEntry(x, expiryChooser, audit.Source))
			}
		}
		id, err := freeApprovalID(ctx, tx)
		if err != nil {
			return nil, err
		}
		decidedAt := a.DecidedAt
		if a.State == ApprovalApproved && decidedAt.IsZero() {
			decidedAt = now
		}
		var dedupe sql.NullString
		if a.DedupeKey != "" {
			dedupe = sql.NullString{String: a.DedupeKey, Valid: true}
		}
		row := tx.QueryRowContext(ctx, `
			INSERT INTO approvals (id, state, kind, host, params, summary, target, dedupe_key, count,
				risk, verdict, reason, protected, level, proposer, why, session, turn_id, source,
				created_at, updated_at, expires_at, decided_at, decided_by, decided_where, note,
				runner, started_at, finished_at, exit_code, output, error, undo, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
				?20, ?20, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, '', '', '', `+nextApprovalSeq+`)
			ON CONFLICT (dedupe_key) WHERE state = 'pending' DO UPDATE SET
				count = approvals.count + 1,
				updated_at = excluded.updated_at,
				why = excluded.why,
				-- the newest proposal's judgement and time to live: a
				-- proposal made again is shown as the gate sees it now,
				-- with the whole expiry ahead of it
				risk = excluded.risk,
				verdict = excluded.verdict,
				reason = excluded.reason,
				protected = excluded.protected,
				level = excluded.level,
				expires_at = max(approvals.expires_at, excluded.expires_at),
				seq = excluded.seq
			RETURNING `+approvalCols,
			string(id), string(a.State), a.Kind, a.Host, a.Params, a.Summary, a.Target, dedupe, a.Count,
			a.Risk, a.Verdict, a.Reason, a.Protected, a.Level, a.Proposer, a.Why, a.Session, string(a.TurnID), a.Source,
			now.UnixMilli(), millis(a.ExpiresAt), millis(decidedAt), a.DecidedBy, a.DecidedWhere, a.Note, a.Runner)
		if out, err = scanApproval(row); err != nil {
			return nil, err
		}
		merged = out.ID != id
		return append(entries, proposalEntry(out, audit)), nil
	})
	if err != nil {
		return Approval{}, false, fmt.Errorf("propose approval %q: %w", a.Summary, err)
	}
	return out, merged, nil
}

// checkProposal says what is wrong with an entry ProposeApproval is given.
func checkProposal(a Approval) error {
	switch {
	case strings.TrimSpace(a.Kind) == "":
		return errors.New("the action has no kind")
	case a.State != ApprovalPending && a.State != ApprovalApproved:
		return fmt.Errorf("a new entry is pending or approved, not %s", a.State)
	case a.State == ApprovalPending && a.ExpiresAt.IsZero():
		return errors.New("a pending entry needs an expiry time")
	case a.State == ApprovalApproved && (a.DecidedBy == "" || a.Runner == ""):
		return errors.New("an entry approved when proposed needs who decided and the process that runs it")
	}
	return nil
}

// proposalEntry completes the caller's audit entry for a proposal.
func proposalEntry(a Approval, e AuditEntry) AuditEntry {
	e.Action = approvalAction(a)
	if e.Skill == "" {
		e.Skill = approvalAuditSkill
	}
	if e.ChosenBy == "" {
		e.ChosenBy = a.Proposer
		if a.State == ApprovalApproved {
			e.ChosenBy = a.DecidedBy
		}
	}
	if e.Source == "" {
		e.Source = a.Source
	}
	if e.Session == "" {
		e.Session = a.Session
	}
	if e.TurnID == "" {
		e.TurnID = a.TurnID
	}
	if e.Input == "" {
		e.Input = a.Summary
	}
	e.Time = a.UpdatedAt
	e.Success = true
	return e
}

// expirePending turns pending entries past their expiry (and matching the
// extra condition, when given) expired, and returns them as they now are.
func expirePending(ctx context.Context, tx runner, now time.Time, cond string, args ...any) ([]Approval, error) {
	q := `UPDATE approvals SET state = 'expired', updated_at = ?1, error = ?2, seq = ` + nextApprovalSeq + `
		WHERE state = 'pending' AND expires_at <= ?1`
	if cond != "" {
		q += ` AND ` + cond
	}
	rows, err := tx.QueryContext(ctx, q+` RETURNING `+approvalCols, append([]any{now.UnixMilli(), expiredError}, args...)...)
	if err != nil {
		return nil, err
	}
	return scanApprovals(rows, nil)
}

// DecideApproval moves a pending entry to approved (runner names the
// process that will run it, recorded now so that a crash after this
// leaves an entry to interrupt) or rejected (note kept), with its audit
// entry (ChosenBy by, Source where). Conditional on the entry still being
// pending, so the first answer wins across processes: a later one gets an
// *ApprovalConflict wrapping ErrApprovalDecided with the entry as it
// stands (whatever it became, expired included). A pending entry past its
// ExpiresAt is never approved: it becomes expired here, with its audit
// entry, and this answer gets ErrApprovalExpired.
func (db *DB) DecideApproval(ctx context.Context, id ApprovalID, to ApprovalState, by, where, note, runnerName string) (Approval, error) {
	switch {
	case to != ApprovalApproved && to != ApprovalRejected:
		return Approval{}, fmt.Errorf("decide approval %s: an answer approves or rejects, not %s", id, to)
	case by == "":
		return Approval{}, fmt.Errorf("decide approval %s: who decided is not named", id)
	case to == ApprovalApproved && runnerName == "":
		return Approval{}, fmt.Errorf("decide approval %s: the process that runs it is not named", id)
	}
	if to == ApprovalRejected {
		runnerName = ""
	}
	// A late answer is told without taking the write lock.
	cur, err := db.GetApproval(ctx, id)
	if err != nil {
		return Approval{}, fmt.Errorf("decide approval: %w", err)
	}
	if cur.State != ApprovalPending {
		return Approval{}, stateConflict(cur)
	}
	var out Approval
	var late error
	_, err = db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		now := db.now().UnixMilli()
		a, err := scanApproval(tx.QueryRowContext(ctx, `
			UPDATE approvals SET state = ?, decided_at = ?2, updated_at = ?2, decided_by = ?, decided_where = ?,
				note = ?, runner = ?, seq = `+nextApprovalSeq+`
			WHERE id = ? AND state = 'pending' AND (expires_at IS NULL OR expires_at > ?2)
			RETURNING `+approvalCols,
			string(to), now, by, where, note, runnerName, string(id)))
		if err == nil {
			out = a
			return []AuditEntry{transitionEntry(a, by, where)}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		// Decided meanwhile, or past its expiry: expire it now.
		expired, err := expirePending(ctx, tx, db.now(), `id = ?3`, string(id))
		if err != nil {
			return nil, err
		}
		if len(expired) == 1 {
			out, late = expired[0], conflict(ErrApprovalExpired, expired[0])
			return []AuditEntry{transitionEntry(expired[0], by, where)}, nil
		}
		cur, err := getApproval(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return nil, stateConflict(cur)
	})
	if err != nil {
		var c *ApprovalConflict
		if errors.As(err, &c) {
			return Approval{}, err
		}
		return Approval{}, fmt.Errorf("decide approval %s: %w", id, err)
	}
	if late != nil {
		return Approval{}, late
	}
	return out, nil
}

// stateConflict is the conflict of an answer to an entry no longer
// pending, whatever it became (expired included: ErrApprovalExpired is
// only for the answer whose transaction expired it).
func stateConflict(cur Approval) error {
	return conflict(ErrApprovalDecided, cur)
}

// StartApproval moves an approved entry to running when runner is the
// process that claimed it (else an *ApprovalConflict wrapping
// ErrApprovalNotOurs; ErrApprovalDecided when it is not approved). undo is
// the executor's JSON (a file's backup), kept before anything runs.
func (db *DB) StartApproval(ctx context.Context, id ApprovalID, runnerName, undo string) (Approval, error) {
	if runnerName == "" {
		return Approval{}, fmt.Errorf("start approval %s: the process that runs it is not named", id)
	}
	return db.runTransition(ctx, id, runnerName, func(tx runner, now int64) *sql.Row {
		return tx.QueryRowContext(ctx, `
			UPDATE approvals SET state = 'running', started_at = ?1, updated_at = ?1, undo = ?2, seq = `+nextApprovalSeq+`
			WHERE id = ?3 AND state = 'approved' AND runner = ?4
			RETURNING `+approvalCols,
			now, undo, string(id), runnerName)
	})
}

// FinishApproval moves a running entry to succeeded or failed with its
// outcome (output capped at MaxApprovalOutput bytes). An approved entry
// that could not be started may go straight to failed. Only the entry's
// runner may finish it (else ErrApprovalNotOurs). A failure without an
// error text is recorded with its exit code.
func (db *DB) FinishApproval(ctx context.Context, id ApprovalID, runnerName string, to ApprovalState, exitCode int, output, errText string) (Approval, error) {
	if to != ApprovalSucceeded && to != ApprovalFailed {
		return Approval{}, fmt.Errorf("finish approval %s: a run ends succeeded or failed, not %s", id, to)
	}
	if runnerName == "" {
		return Approval{}, fmt.Errorf("finish approval %s: the process that ran it is not named", id)
	}
	if to == ApprovalFailed && errText == "" {
		errText = fmt.Sprintf("exit code %d", exitCode)
	}
	output = capOutput(output)
	return db.runTransition(ctx, id, runnerName, func(tx runner, now int64) *sql.Row {
		return tx.QueryRowContext(ctx, `
			UPDATE approvals SET state = ?1, finished_at = ?2, updated_at = ?2, exit_code = ?3, output = ?4, error = ?5,
				seq = `+nextApprovalSeq+`
			WHERE id = ?6 AND runner = ?7 AND (state = 'running' OR (state = 'approved' AND ?1 = 'failed'))
			RETURNING `+approvalCols,
			string(to), now, exitCode, output, errText, string(id), runnerName)
	})
}

// runTransition runs a runner's conditional update with its audit entry
// (ChosenBy and Source: who decided the entry and where). When the update
// matches nothing, the entry as it stands says why: another runner's
// (ErrApprovalNotOurs) or in another state (ErrApprovalDecided).
func (db *DB) runTransition(ctx context.Context, id ApprovalID, runnerName string, update func(tx runner, now int64) *sql.Row) (Approval, error) {
	var out Approval
	_, err := db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		a, err := scanApproval(update(tx, db.now().UnixMilli()))
		if err == nil {
			out = a
			return []AuditEntry{transitionEntry(a, a.DecidedBy, a.DecidedWhere)}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		cur, err := getApproval(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if (cur.State == ApprovalApproved || cur.State == ApprovalRunning) && cur.Runner != runnerName {
			return nil, conflict(ErrApprovalNotOurs, cur)
		}
		return nil, conflict(ErrApprovalDecided, cur)
	})
	if err != nil {
		var c *ApprovalConflict
		if errors.As(err, &c) {
			return Approval{}, err
		}
		return Approval{}, fmt.Errorf("approval %s: %w", id, err)
	}
	return out, nil
}

// InterruptApprovals marks every approved or running entry whose runner is
// not alive (alive(runner) false) interrupted, with an error naming the
// dead process, each with its audit entry, and returns them. An entry
// interrupted never runs again. alive is called once per runner, outside
// any transaction.
func (db *DB) InterruptApprovals(ctx context.Context, alive func(runner string) bool) ([]Approval, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+approvalCols+` FROM approvals WHERE state IN ('approved', 'running')`)
	if err != nil {
		return nil, fmt.Errorf("interrupt approvals: %w", err)
	}
	live, err := scanApprovals(rows, nil)
	if err != nil {
		return nil, fmt.Errorf("interrupt approvals: %w", err)
	}
	seen := map[string]bool{}
	var dead []Approval
	for _, a := range live {
		ok, known := seen[a.Runner]
		if !known {
			ok = alive(a.Runner)
			seen[a.Runner] = ok
		}
		if !ok {
			dead = append(dead, a)
		}
	}
	if len(dead) == 0 {
		return nil, nil
	}
	var out []Approval
	_, err = db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		out = out[:0]
		var entries []AuditEntry
		now := db.now().UnixMilli()
		for _, d := range dead {
			msg := fmt.Sprintf("the process %s that was to run it ended before it started", d.Runner)
			if d.State == ApprovalRunning {
				msg = fmt.Sprintf("the process %s running it ended before it finished", d.Runner)
			}
			a, err := scanApproval(tx.QueryRowContext(ctx, `
				UPDATE approvals SET state = 'interrupted', finished_at = ?1, updated_at = ?1, error = ?2,
					seq = `+nextApprovalSeq+`
				WHERE id = ?3 AND state = ?4 AND runner = ?5
				RETURNING `+approvalCols,
				now, msg, string(d.ID), string(d.State), d.Runner))
			if errors.Is(err, sql.ErrNoRows) {
				continue // it moved on meanwhile: its runner was alive after all
			}
			if err != nil {
				return nil, err
			}
			out = append(out, a)
			entries = append(entries, transitionEntry(a, recoveryChooser, ""))
		}
		return entries, nil
	})
	if err != nil {
		return nil, fmt.Errorf("interrupt approvals: %w", err)
	}
	return out, nil
}

// ExpireApprovals marks pending entries whose ExpiresAt is not after now
// expired, each with its audit entry, and returns them. With nothing to
// expire it only reads.
func (db *DB) ExpireApprovals(ctx context.Context, now time.Time) ([]Approval, error) {
	var due bool
	err := db.sql.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM approvals INDEXED BY approvals_expiry WHERE state = 'pending' AND expires_at <= ?)`, now.UnixMilli()).Scan(&due)
	if err != nil {
		return nil, fmt.Errorf("expire approvals: %w", err)
	}
	if !due {
		return nil, nil
	}
	var out []Approval
	_, err = db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		expired, err := expirePending(ctx, tx, now, "")
		if err != nil {
			return nil, err
		}
		out = expired
		entries := make([]AuditEntry, len(expired))
		for i, a := range expired {
			entries[i] = transitionEntry(a, expiryChooser, "")
		}
		return entries, nil
	})
	if err != nil {
		return nil, fmt.Errorf("expire approvals: %w", err)
	}
	return out, nil
}

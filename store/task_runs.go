package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// runCols is the column list every run query selects (from task_runs r
// joined to tasks t), in scanRun's order.
const runCols = `r.id, r.task_id, r.due_at, r.trigger, r.state, r.runner, r.started_at, r.finished_at,
	r.turn_id, r.approval, r.output, r.error, r.seq, r.shown_at, coalesce(t.name, ''), coalesce(t.kind, ''),
	coalesce(t.command, '')`

const runFrom = ` FROM task_runs r LEFT JOIN tasks t ON t.id = r.task_id `

// nextRunSeq is seq for a run row written now (see nextApprovalSeq).
const nextRunSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM task_runs)`

func scanRun(r rowScanner) (TaskRun, error) {
	var x TaskRun
	var due, started, finished, shown sql.NullInt64
	err := r.Scan(&x.ID, &x.Task, &due, &x.Trigger, &x.State, &x.Runner, &started, &finished,
		&x.TurnID, &x.Approval, &x.Output, &x.Error, &x.Seq, &shown, &x.TaskName, &x.TaskKind, &x.TaskCommand)
	x.DueAt, x.Started, x.Finished, x.Shown = fromMillis(due), fromMillis(started), fromMillis(finished), fromMillis(shown)
	return x, err
}

func scanRuns(rows *sql.Rows) ([]TaskRun, error) {
	defer rows.Close()
	var out []TaskRun
	for rows.Next() {
		x, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func getRun(ctx context.Context, q runner, id TaskRunID) (TaskRun, error) {
	return scanRun(q.QueryRowContext(ctx, `SELECT `+runCols+runFrom+`WHERE r.id = ?`, int64(id)))
}

// PlannedRun is one run a claim records: started, or skipped when Skip
// says why.
type PlannedRun struct {
	DueAt   time.Time
	Trigger TaskRunTrigger
	Skip    string
}

// Claim is what the lease holder decided for a due task: the due time it
// read (the claim fails when the row no longer says so), the next due time
// to store (zero: the task fires no more) and the runs to record.
type Claim struct {
	Task   TaskID
	Due    time.Time
	Next   time.Time
	Runs   []PlannedRun
	Holder string // the runner; it must hold the scheduler lease
}

// ClaimDue moves a due task to its next due time and records its runs, in
// one write transaction, only while the task is still due at c.Due and
// c.Holder holds the scheduler lease: of two processes racing for the same
// run, one gets the runs and the other ErrRunClaimed (or
// ErrNotLeaseHolder). While another run of the task is still going, the
// task moves on and no run is recorded. It returns the recorded runs.
func (db *DB) ClaimDue(ctx context.Context, c Claim) ([]TaskRun, error) {
	var out []TaskRun
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if err := holdsLease(ctx, tx, SchedulerLease, c.Holder, now); err != nil {
			return err
		}
		started := 0
		for _, r := range c.Runs {
			if r.Skip == "" {
				started++
			}
		}
		var busy bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM task_runs
			WHERE task_id = ? AND state IN ('running', 'waiting'))`, string(c.Task)).Scan(&busy); err != nil {
			return err
		}
		if busy {
			started = 0
		}
		lastRun := sql.NullInt64{}
		if started > 0 {
			lastRun = millis(now)
		}
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET next_run_at = ?, run_count = run_count + ?,
			last_run_at = coalesce(?, last_run_at), seq = `+nextTaskSeq+`
			WHERE id = ? AND paused = 0 AND next_run_at = ?`,
			millis(c.Next), started, lastRun, string(c.Task), c.Due.UnixMilli())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrRunClaimed
		}
		if busy {
			// Nothing is recorded: a run waiting hours for an approval
			// would otherwise add a skipped run at every due time.
			return nil
		}
		for _, r := range c.Runs {
			x, err := insertRun(ctx, tx, c.Task, r, c.Holder, now)
			if err != nil {
				return err
			}
			out = append(out, x)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrRunClaimed) || errors.Is(err, ErrNotLeaseHolder) {
			return nil, err
		}
		return nil, fmt.Errorf("claim task %s: %w", c.Task, db.writeError(err))
	}
	return out, nil
}

// insertRun records one run, started now (or skipped, and so finished).
func insertRun(ctx context.Context, tx runner, task TaskID, r PlannedRun, holder string, now time.Time) (TaskRun, error) {
	state, finished, errText := RunRunning, sql.NullInt64{}, ""
	if r.Skip != "" {
		state, finished, errText = RunSkipped, millis(now), r.Skip
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO task_runs (task_id, due_at, trigger, state, runner,
		started_at, finished_at, error, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, `+nextRunSeq+`)`,
		string(task), r.DueAt.UnixMilli(), string(r.Trigger), string(state), holder, now.UnixMilli(), finished, errText)
	if err != nil {
		return TaskRun{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return TaskRun{}, err
	}
	if r.Skip == "" {
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET last_state = 'running', last_error = '' WHERE id = ?`, string(task))
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET last_state = 'skipped', last_error = ?
			WHERE id = ? AND last_state <> 'running'`, errText, string(task))
	}
	if err != nil {
		return TaskRun{}, err
	}
	return getRun(ctx, tx, TaskRunID(id))
}

// StartRunNow records a run a person asked for, to be run by holder (the
// asking process, lease or not). ErrTaskBusy when a run of the task is
// still going.
func (db *DB) StartRunNow(ctx context.Context, id TaskID, holder string) (TaskRun, error) {
	var out TaskRun
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var busy bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM task_runs
			WHERE task_id = ? AND state IN ('running', 'waiting'))`, string(id)).Scan(&busy)
		if err != nil {
			return err
		}
		if busy {
			return ErrTaskBusy
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET run_count = run_count + 1, last_run_at = ?,
			seq = `+nextTaskSeq+` WHERE id = ?`, now.UnixMilli(), string(id))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTaskNotFound
		}
		out, err = insertRun(ctx, tx, id, PlannedRun{DueAt: now, Trigger: TriggerNow}, holder, now)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrTaskBusy) || errors.Is(err, ErrTaskNotFound) {
			return TaskRun{}, err
		}
		return TaskRun{}, fmt.Errorf("start task %s: %w", id, db.writeError(err))
	}
	return out, nil
}

// SetRunWaiting marks a running run as waiting for an approval, or (with
// an empty approval) running again.
func (db *DB) SetRunWaiting(ctx context.Context, id TaskRunID, approval ApprovalID) error {
	from, to := RunRunning, RunWaiting
	if approval == "" {
		from, to = RunWaiting, RunRunning
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE task_runs SET state = ?, approval = CASE WHEN ? = '' THEN approval ELSE ? END,
			seq = `+nextRunSeq+` WHERE id = ? AND state = ?`, string(to), string(approval), string(approval), int64(id), string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrRunClaimed
		}
		_, err = tx.ExecContext(ctx, `UPDATE tasks SET last_state = ?, seq = `+nextTaskSeq+`
			WHERE id = (SELECT task_id FROM task_runs WHERE id = ?)`, string(to), int64(id))
		return err
	})
	if err != nil && !errors.Is(err, ErrRunClaimed) {
		err = fmt.Errorf("mark run %d %s: %w", id, to, db.writeError(err))
	}
	return err
}

// RunOutcome is how a run ended.
type RunOutcome struct {
	State  TaskRunState // succeeded, failed or interrupted
	Output string       // cut to MaxRunOutput bytes here
	Error  string
	TurnID TurnID
}

// FinishRun records how a run ended, with the audit entries given (none,
// or a reminder's), in one transaction, and prunes the task's history to
// MaxTaskRuns. ErrRunClaimed when the run was no longer going (a recovery
// marked it interrupted, or the task was deleted).
func (db *DB) FinishRun(ctx context.Context, id TaskRunID, o RunOutcome, audit ...AuditEntry) (TaskRun, error) {
	if !o.State.Final() || o.State == RunSkipped {
		return TaskRun{}, fmt.Errorf("finish run %d: %q is not an outcome", id, o.State)
	}
	o.Output = capOutput(o.Output, MaxRunOutput)
	var out TaskRun
	_, err := db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE task_runs SET state = ?, finished_at = ?, output = ?, error = ?,
			turn_id = ?, seq = `+nextRunSeq+` WHERE id = ? AND state IN ('running', 'waiting')`,
			string(o.State), now.UnixMilli(), o.Output, o.Error, string(o.TurnID), int64(id))
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, ErrRunClaimed
		}
		if out, err = getRun(ctx, tx, id); err != nil {
			return nil, err
		}
		if err := settleTask(ctx, tx, out); err != nil {
			return nil, err
		}
		return audit, pruneRuns(ctx, tx, out.Task)
	})
	if err != nil {
		if errors.Is(err, ErrRunClaimed) {
			return TaskRun{}, err
		}
		return TaskRun{}, fmt.Errorf("finish run %d: %w", id, err)
	}
	return out, nil
}

// settleTask copies a finished run's outcome to its task.
func settleTask(ctx context.Context, tx runner, r TaskRun) error {
	_, err := tx.ExecContext(ctx, `UPDATE tasks SET last_state = ?, last_error = ?, seq = `+nextTaskSeq+`
		WHERE id = ?`, string(r.State), firstLine(r.Error, 500), string(r.Task))
	return err
}

// pruneRuns keeps a task's newest MaxTaskRuns finished runs.
func pruneRuns(ctx context.Context, tx runner, task TaskID) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM task_runs WHERE task_id = ?1
		AND state NOT IN ('running', 'waiting')
		AND id <= (SELECT id FROM task_runs WHERE task_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
		string(task), MaxTaskRuns)
	return err
}

// TaskHistory returns a task's newest runs, newest first.
func (db *DB) TaskHistory(ctx context.Context, id TaskID, limit int) ([]TaskRun, error) {
	if limit <= 0 || limit > MaxTaskRuns {
		limit = MaxTaskRuns
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+runCols+runFrom+`WHERE r.task_id = ? ORDER BY r.id DESC LIMIT ?`, string(id), limit)
	if err != nil {
		return nil, fmt.Errorf("read history of task %s: %w", id, err)
	}
	out, err := scanRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("read history of task %s: %w", id, err)
	}
	return out, nil
}

// GetRun returns one run.
func (db *DB) GetRun(ctx context.Context, id TaskRunID) (TaskRun, error) {
	x, err := getRun(ctx, db.sql, id)
	if err != nil {
		return TaskRun{}, fmt.Errorf("read run %d: %w", id, err)
	}
	return x, nil
}

// RunsSince returns up to limit runs written after seq, oldest write
// first: a run shows again each time it changes.
func (db *DB) RunsSince(ctx context.Context, seq int64, limit int) ([]TaskRun, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+runCols+runFrom+`WHERE r.seq > ? ORDER BY r.seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	out, err := scanRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return out, nil
}

// LastRunSeq is the newest run write's seq: where RunsSince starts for
// only what comes later.
func (db *DB) LastRunSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM task_runs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read runs: %w", err)
	}
	return n, nil
}

// InterruptDeadRuns marks interrupted every run still going whose runner
// alive says has ended, with one audit entry each (chosen by recovery,
// from where): such a run never runs again.
func (db *DB) InterruptDeadRuns(ctx context.Context, alive func(runner string) bool, where string) ([]TaskRun, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+runCols+runFrom+`WHERE r.state IN ('running', 'waiting')`)
	if err != nil {
		return nil, fmt.Errorf("read runs going: %w", err)
	}
	live, err := scanRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("read runs going: %w", err)
	}
	var dead []TaskRun
	seen := map[string]bool{}
	for _, r := range live {
		ok, known := seen[r.Runner]
		if !known {
			ok = alive(r.Runner)
			seen[r.Runner] = ok
		}
		if !ok {
			dead = append(dead, r)
		}
	}
	if len(dead) == 0 {
		return nil, nil
	}
	var out []TaskRun
	_, err = db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		out = out[:0]
		var entries []AuditEntry
		now := db.now()
		for _, d := range dead {
			msg := fmt.Sprintf("the process %s running it ended before it finished", d.Runner)
			res, err := tx.ExecContext(ctx, `UPDATE task_runs SET state = 'interrupted', finished_at = ?, error = ?,
				seq = `+nextRunSeq+` WHERE id = ? AND state IN ('running', 'waiting') AND runner = ?`,
				now.UnixMilli(), msg, int64(d.ID), d.Runner)
			if err != nil {
				return nil, err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			x, err := getRun(ctx, tx, d.ID)
			if err != nil {
				return nil, err
			}
			if err := settleTask(ctx, tx, x); err != nil {
				return nil, err
			}
			out = append(out, x)
			entries = append(entries, AuditEntry{
				Time: now, Source: where, Skill: "schedule", ChosenBy: recoveryChooser,
				Input:  fmt.Sprintf("run %d of task %s %q", x.ID, x.Task, x.TaskName),
				Action: fmt.Sprintf("interrupted run %d of task %s %q", x.ID, x.Task, x.TaskName),
				Error:  msg,
			})
		}
		return entries, nil
	})
	if err != nil {
		return nil, fmt.Errorf("interrupt runs of ended processes: %w", err)
	}
	return out, nil
}

// UnshownReminders returns the reminders that fired after since and whose
// text has reached nobody yet (no cockpit was open, no notification
// channel took it), oldest first, at most limit.
func (db *DB) UnshownReminders(ctx context.Context, since time.Time, limit int) ([]TaskRun, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+runCols+runFrom+`WHERE r.shown_at IS NULL AND r.state = 'succeeded'
		AND r.finished_at > ? AND t.kind = 'reminder' ORDER BY r.finished_at LIMIT ?`, since.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("read unshown reminders: %w", err)
	}
	out, err := scanRuns(rows)
	if err != nil {
		return nil, fmt.Errorf("read unshown reminders: %w", err)
	}
	return out, nil
}

// MarkShown records that these runs' reminders reached a person. It moves
// no seq: nothing a pane shows changes.
func (db *DB) MarkShown(ctx context.Context, ids ...TaskRunID) error {
	if len(ids) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UnixMilli()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE task_runs SET shown_at = ? WHERE id = ? AND shown_at IS NULL`, now, int64(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark reminders shown: %w", db.writeError(err))
	}
	return nil
}

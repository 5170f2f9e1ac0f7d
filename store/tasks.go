package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// taskCols is the column list every task query selects, in scanTask's order.
const taskCols = `id, name, command, kind, spec, session, paused, missed, missed_cap,
	next_run_at, created_at, updated_at, created_by, source, run_count, last_run_at,
	last_state, last_error`

// nextTaskSeq is seq for a task row written now (see nextApprovalSeq).
const nextTaskSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM tasks)`

func scanTask(r rowScanner) (Task, error) {
	var t Task
	var next, created, updated, last sql.NullInt64
	err := r.Scan(&t.ID, &t.Name, &t.Command, &t.Kind, &t.Spec, &t.Session, &t.Paused, &t.Missed, &t.MissedCap,
		&next, &created, &updated, &t.CreatedBy, &t.Source, &t.RunCount, &last, &t.LastState, &t.LastError)
	t.NextRunAt, t.CreatedAt, t.UpdatedAt, t.LastRunAt = fromMillis(next), fromMillis(created), fromMillis(updated), fromMillis(last)
	return t, err
}

func scanTasks(rows *sql.Rows) ([]Task, error) {
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// taskIDLen is the length of a task id in hex characters.
const taskIDLen = 10

func freeTaskID(ctx context.Context, tx runner) (TaskID, error) {
	b := make([]byte, taskIDLen/2)
	for range 100 {
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		id := TaskID(hex.EncodeToString(b))
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tasks WHERE id = ?)`, string(id)).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", errors.New("draw a task id: every id drawn was taken")
}

// checkTask refuses a row the scheduler could not run.
func checkTask(t Task) error {
	switch {
	case strings.TrimSpace(t.Name) == "":
		return errors.New("a task needs a name")
	case strings.TrimSpace(t.Command) == "":
		return errors.New("a task needs a command")
	case t.Kind != TaskRequest && t.Kind != TaskReminder:
		return fmt.Errorf("unknown task kind %q", t.Kind)
	case t.Spec == "":
		return errors.New("a task needs a schedule")
	case t.MissedCap < 1 || t.MissedCap > MaxMissedCap:
		return fmt.Errorf("the missed-run cap must be 1 to %d", MaxMissedCap)
	}
	_, err := ParseMissedPolicy(string(t.Missed))
	return err
}

// AddTask stores a new task with its audit entry in one transaction and
// returns it with its ID and times filled. NextRunAt must be set.
func (db *DB) AddTask(ctx context.Context, t Task, audit AuditEntry) (Task, error) {
	if t.Missed == "" {
		t.Missed = MissedOnce
	}
	if t.MissedCap == 0 {
		t.MissedCap = 10
	}
	if err := checkTask(t); err != nil {
		return Task{}, fmt.Errorf("add task: %w", err)
	}
	if t.NextRunAt.IsZero() {
		return Task{}, errors.New("add task: it would never run")
	}
	_, err := db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		id, err := freeTaskID(ctx, tx)
		if err != nil {
			return nil, err
		}
		now := db.now()
		t.ID, t.CreatedAt, t.UpdatedAt = id, now, now
		_, err = tx.ExecContext(ctx, `INSERT INTO tasks (id, name, command, kind, spec, session, paused,
			missed, missed_cap, next_run_at, created_at, updated_at, created_by, source, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+nextTaskSeq+`)`,
			string(t.ID), t.Name, t.Command, string(t.Kind), t.Spec, t.Session, t.Paused,
			string(t.Missed), t.MissedCap, millis(t.NextRunAt), now.UnixMilli(), now.UnixMilli(), t.CreatedBy, t.Source)
		if err != nil {
			return nil, err
		}
		return []AuditEntry{taskEntry(t, "add", audit)}, nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("add task: %w", err)
	}
	return t, nil
}

// taskEntry fills an audit entry for a change a person made to a task.
func taskEntry(t Task, verb string, e AuditEntry) AuditEntry {
	if e.Skill == "" {
		e.Skill = "schedule"
	}
	if e.Action == "" {
		e.Action = fmt.Sprintf("%s task %s %q (%s): %s", verb, t.ID, t.Name, t.Spec, t.Command)
	}
	if e.Input == "" {
		e.Input = e.Action
	}
	e.Success = true
	return e
}

// GetTask returns one task by its whole id.
func (db *DB) GetTask(ctx context.Context, id TaskID) (Task, error) {
	t, err := scanTask(db.sql.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = ?`, string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, ErrTaskNotFound
	}
	if err != nil {
		return Task{}, fmt.Errorf("read task %s: %w", id, err)
	}
	return t, nil
}

// FindTask resolves ref: a whole id, a unique id prefix or an exact name.
// An id (or prefix) wins over a name. None is ErrTaskNotFound; several an
// *AmbiguousTaskError listing them.
func (db *DB) FindTask(ctx context.Context, ref string) (Task, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Task{}, ErrTaskNotFound
	}
	low := strings.ToLower(ref)
	var byID []Task
	if isHex(low) && len(low) <= taskIDLen {
		rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM tasks WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 20`, len(low), low)
		if err != nil {
			return Task{}, fmt.Errorf("find task: %w", err)
		}
		if byID, err = scanTasks(rows); err != nil {
			return Task{}, fmt.Errorf("find task: %w", err)
		}
	}
	matches := byID
	if len(matches) == 0 {
		rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM tasks WHERE name = ? ORDER BY created_at LIMIT 20`, ref)
		if err != nil {
			return Task{}, fmt.Errorf("find task: %w", err)
		}
		if matches, err = scanTasks(rows); err != nil {
			return Task{}, fmt.Errorf("find task: %w", err)
		}
	}
	switch len(matches) {
	case 0:
		return Task{}, ErrTaskNotFound
	case 1:
		return matches[0], nil
	}
	return Task{}, &AmbiguousTaskError{Prefix: ref, Matches: matches}
}

// ListTasks returns the tasks in order of their next due time (done ones
// last); all adds the paused and the done ones.
func (db *DB) ListTasks(ctx context.Context, all bool) ([]Task, error) {
	where := `WHERE paused = 0 AND next_run_at IS NOT NULL`
	if all {
		where = ``
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM tasks `+where+`
		ORDER BY next_run_at IS NULL, next_run_at, created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	out, err := scanTasks(rows)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	return out, nil
}

// DeleteTask removes a task and its runs, with the audit entry, in one
// transaction. A run still going records its outcome nowhere.
func (db *DB) DeleteTask(ctx context.Context, id TaskID, audit AuditEntry) (Task, error) {
	var t Task
	_, err := db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		var err error
		t, err = scanTask(tx.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = ?`, string(id)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrTaskNotFound
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_runs WHERE task_id = ?`, string(id)); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tasks WHERE id = ?`, string(id)); err != nil {
			return nil, err
		}
		return []AuditEntry{taskEntry(t, "delete", audit)}, nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("delete task %s: %w", id, err)
	}
	return t, nil
}

// SetTaskPaused pauses or resumes a task; next is its next due time when
// resumed (ignored when pausing; zero keeps the stored one).
func (db *DB) SetTaskPaused(ctx context.Context, id TaskID, paused bool, next time.Time, audit AuditEntry) (Task, error) {
	var t Task
	verb := "resume"
	if paused {
		verb = "pause"
	}
	_, err := db.withAudits(ctx, func(tx runner) ([]AuditEntry, error) {
		nextArg := sql.NullInt64{}
		if !paused && !next.IsZero() {
			nextArg = millis(next)
		}
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET paused = ?, next_run_at = coalesce(?, next_run_at),
			updated_at = ?, seq = `+nextTaskSeq+` WHERE id = ?`, paused, nextArg, db.now().UnixMilli(), string(id))
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, ErrTaskNotFound
		}
		t, err = scanTask(tx.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = ?`, string(id)))
		if err != nil {
			return nil, err
		}
		return []AuditEntry{taskEntry(t, verb, audit)}, nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("%s task %s: %w", verb, id, err)
	}
	return t, nil
}

// NextDue returns the task due first (not paused, not done); ok is false
// when none is. One indexed read: the runner's only query while it sleeps.
func (db *DB) NextDue(ctx context.Context) (Task, bool, error) {
	t, err := scanTask(db.sql.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks
		WHERE paused = 0 AND next_run_at IS NOT NULL ORDER BY next_run_at LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, false, nil
	}
	if err != nil {
		return Task{}, false, fmt.Errorf("read next due task: %w", err)
	}
	return t, true, nil
}

// DueTasks returns up to limit tasks due at or before now, the oldest due first.
func (db *DB) DueTasks(ctx context.Context, now time.Time, limit int) ([]Task, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+taskCols+` FROM tasks
		WHERE paused = 0 AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT ?`,
		now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("read due tasks: %w", err)
	}
	out, err := scanTasks(rows)
	if err != nil {
		return nil, fmt.Errorf("read due tasks: %w", err)
	}
	return out, nil
}

// TaskCounts counts the tasks that will fire, the paused ones and the runs going now.
func (db *DB) TaskCounts(ctx context.Context) (active, paused, running int, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM tasks WHERE paused = 0 AND next_run_at IS NOT NULL),
		(SELECT count(*) FROM tasks WHERE paused = 1),
		(SELECT count(*) FROM task_runs WHERE state IN ('running', 'waiting'))`).Scan(&active, &paused, &running)
	if err != nil {
		err = fmt.Errorf("count tasks: %w", err)
	}
	return
}

// TaskNamed returns a task called name that will still fire (paused or
// not); ok is false when none is.
func (db *DB) TaskNamed(ctx context.Context, name string) (Task, bool, error) {
	t, err := scanTask(db.sql.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks
		WHERE name = ? AND next_run_at IS NOT NULL ORDER BY created_at LIMIT 1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, false, nil
	}
	if err != nil {
		return Task{}, false, fmt.Errorf("look up task %q: %w", name, err)
	}
	return t, true, nil
}

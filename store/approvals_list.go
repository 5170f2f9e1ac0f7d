package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ListApprovals returns entries in the queue's order: pending first, the
// riskiest then the oldest first; then every other entry, the most
// recently changed first. q.States keeps only those states (empty: all),
// q.Host only that host; Limit and Offset page through the whole order.
//
// Each half is read through its own index (approvals_pending,
// approvals_done) inside one read transaction, so a page costs about its
// length whatever the size of the history.
func (db *DB) ListApprovals(ctx context.Context, q ApprovalQuery) ([]Approval, error) {
	wantPending, rest := len(q.States) == 0, []string(nil)
	for _, s := range q.States {
		if s == ApprovalPending {
			wantPending = true
		} else {
			rest = append(rest, string(s))
		}
	}
	wantRest := len(q.States) == 0 || len(rest) > 0
	var host string
	var hostArgs []any
	if q.Host != "" {
		host, hostArgs = ` AND host = ?`, []any{q.Host}
	}
	limit, offset := q.Limit, max(q.Offset, 0)
	if limit < 0 {
		limit = 0
	}

	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	defer conn.Close()
	// A deferred transaction: both halves read the same snapshot.
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)

	var out []Approval
	if wantPending && offset > 0 {
		// A page past the pending entries skips them without reading
		// them: the count comes from the index alone.
		var n int
		err := conn.QueryRowContext(ctx, `SELECT count(*) FROM approvals INDEXED BY approvals_pending
			WHERE state = 'pending'`+host, hostArgs...).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("list approvals: %w", err)
		}
		if offset >= n {
			wantPending, offset = false, offset-n
		}
	}
	if wantPending {
		rows, err := conn.QueryContext(ctx, `SELECT `+approvalCols+` FROM approvals INDEXED BY approvals_pending
			WHERE state = 'pending'`+host+`
			ORDER BY risk DESC, created_at, id LIMIT ? OFFSET ?`,
			append(hostArgs, sqlLimit(limit), offset)...)
		if err != nil {
			return nil, fmt.Errorf("list approvals: %w", err)
		}
		if out, err = scanApprovals(rows, out); err != nil {
			return nil, fmt.Errorf("list approvals: %w", err)
		}
		offset = 0
	}
	if !wantRest || limit > 0 && len(out) >= limit {
		return out, nil
	}
	// "state <> 'pending'" is the index's own condition, so SQLite reads
	// approvals_done in order even with a list of states.
	where := `state <> 'pending'`
	var args []any
	if len(rest) > 0 {
		where += ` AND state IN (?` + strings.Repeat(`, ?`, len(rest)-1) + `)`
		for _, s := range rest {
			args = append(args, s)
		}
	}
	args = append(append(args, hostArgs...), sqlLimit(limit-len(out)), offset)
	rows, err := conn.QueryContext(ctx, `SELECT `+approvalCols+` FROM approvals INDEXED BY approvals_done
		WHERE `+where+host+`
		ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	if out, err = scanApprovals(rows, out); err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	return out, nil
}

// CountApprovals returns the numbers the status bar and the pane's title
// show. Running counts approved entries not yet started with the running
// ones; Decided every final entry. Nothing here reads the history row by
// row: the total is SQLite's page count of the table, the newest changes
// are index seeks, and only pending entries are grouped.
func (db *DB) CountApprovals(ctx context.Context) (ApprovalCounts, error) {
	var c ApprovalCounts
	var total int
	var newestDone, newestPending sql.NullInt64
	err := db.sql.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM approvals),
		(SELECT count(*) FROM approvals INDEXED BY approvals_state WHERE state IN ('approved', 'running')),
		(SELECT max(updated_at) FROM approvals INDEXED BY approvals_done WHERE state <> 'pending'),
		(SELECT max(updated_at) FROM approvals INDEXED BY approvals_state WHERE state = 'pending')`).
		Scan(&total, &c.Running, &newestDone, &newestPending)
	if err != nil {
		return c, fmt.Errorf("count approvals: %w", err)
	}
	c.NewestActivity = fromMillis(newestDone)
	if t := fromMillis(newestPending); t.After(c.NewestActivity) {
		c.NewestActivity = t
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT risk, count(*), min(created_at) FROM approvals INDEXED BY approvals_pending
		WHERE state = 'pending' GROUP BY risk`)
	if err != nil {
		return c, fmt.Errorf("count approvals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var risk, n int
		var oldest sql.NullInt64
		if err := rows.Scan(&risk, &n, &oldest); err != nil {
			return c, fmt.Errorf("count approvals: %w", err)
		}
		c.Pending += n
		if risk >= 1 && risk < len(c.PendingByRisk) {
			c.PendingByRisk[risk] += n
		}
		if t := fromMillis(oldest); !t.IsZero() && (c.OldestPending.IsZero() || t.Before(c.OldestPending)) {
			c.OldestPending = t
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("count approvals: %w", err)
	}
	c.Decided = total - c.Pending - c.Running
	return c, nil
}

// NextApprovalExpiry returns the earliest ExpiresAt of a pending entry;
// ok is false when nothing is pending.
func (db *DB) NextApprovalExpiry(ctx context.Context) (time.Time, bool, error) {
	var ms sql.NullInt64
	err := db.sql.QueryRowContext(ctx, `SELECT min(expires_at) FROM approvals INDEXED BY approvals_expiry WHERE state = 'pending'`).Scan(&ms)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next approval expiry: %w", err)
	}
	return fromMillis(ms), ms.Valid, nil
}

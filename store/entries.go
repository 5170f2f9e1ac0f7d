package store

import (
	"context"
	"database/sql"
	"fmt"
)

// AppendEntries adds entries to the end of a session's conversation in one
// transaction, and bumps the session's updated_at and turn_count (by the
// number of user entries). Rows are only ever added: a turn never rewrites
// the conversation. A zero CreatedAt means now; each entry's SessionID is
// ignored in favour of id.
func (db *DB) AppendEntries(ctx context.Context, id SessionID, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	users := 0
	for i, e := range entries {
		switch e.Role {
		case RoleUser:
			users++
		case RoleAssistant, RoleSystem:
		default:
			return fmt.Errorf("append to session %s: entry %d has unknown role %q", id, i, e.Role)
		}
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// Update the session first: it both checks that it exists and takes
		// the bump in the same transaction as the rows.
		res, err := tx.ExecContext(ctx,
			`UPDATE sessions SET updated_at = ?, turn_count = turn_count + ? WHERE id = ?`,
			now.UnixMilli(), users, string(id))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		stmt, err := tx.PrepareContext(ctx, `
			INSERT INTO context_entries (session_id, turn_id, role, content, skill, pinned, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			created := e.CreatedAt
			if created.IsZero() {
				created = now
			}
			_, err := stmt.ExecContext(ctx, string(id), string(e.TurnID), string(e.Role),
				e.Content, e.Skill, boolInt(e.Pinned), created.UnixMilli())
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("append to session %s: %w", id, err)
	}
	return nil
}

// RecentEntries returns the last limit entries of a session, oldest first
// (limit <= 0 means all of them).
func (db *DB) RecentEntries(ctx context.Context, id SessionID, limit int) ([]Entry, error) {
	// The inner query walks the (session_id, id) index backwards and stops
	// after limit rows; the outer one puts them back in conversation order.
	rows, err := db.sql.QueryContext(ctx, `
		SELECT * FROM (
			SELECT `+entryCols+`
			FROM context_entries WHERE session_id = ? ORDER BY id DESC LIMIT ?
		) ORDER BY id`,
		string(id), sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("read session %s: %w", id, err)
	}
	defer rows.Close()
	out, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("read session %s: %w", id, err)
	}
	return out, nil
}

// entryCols are the context_entries columns scanEntries reads, in order.
const entryCols = `id, session_id, turn_id, role, content, skill, pinned, created_at`

func scanEntries(rows *sql.Rows) ([]Entry, error) {
	var out []Entry
	for rows.Next() {
		var e Entry
		var created sql.NullInt64
		if err := rows.Scan(&e.ID, &e.SessionID, &e.TurnID, &e.Role, &e.Content, &e.Skill, &e.Pinned, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMillis(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ClearSession deletes a session's conversation but keeps the session (its
// name, and its turn_count, which counts turns ever taken).
func (db *DB) ClearSession(ctx context.Context, id SessionID) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET updated_at = ? WHERE id = ?`,
			db.now().UnixMilli(), string(id))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM context_entries WHERE session_id = ?`, string(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("clear session %s: %w", id, err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxSessionName is the longest session name allowed, in characters.
const MaxSessionName = 64

// Session is a named conversation.
type Session struct {
	ID        SessionID
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	TurnCount int // every user turn ever appended, not capped by any window
}

// Role says who wrote a context entry.
type Role string

const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleSystem    Role = "system"
)

// Entry is one message in a session's conversation.
type Entry struct {
	ID        int64
	SessionID SessionID
	TurnID    TurnID
	Role      Role
	Content   string
	Skill     string
	Pinned    bool
	CreatedAt time.Time
}

const sessionCols = `id, name, created_at, updated_at, turn_count`

func scanSession(r rowScanner) (Session, error) {
	var s Session
	var created, updated sql.NullInt64
	err := r.Scan(&s.ID, &s.Name, &created, &updated, &s.TurnCount)
	s.CreatedAt, s.UpdatedAt = fromMillis(created), fromMillis(updated)
	return s, err
}

// ValidateSessionName checks a name a user typed for a session. Spaces
// around the name are ignored (every function here trims them).
func ValidateSessionName(name string) error {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return errors.New("session name is empty")
	case !utf8.ValidString(name):
		return errors.New("session name is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxSessionName:
		return fmt.Errorf("session name is too long (%d characters, at most %d)", utf8.RuneCountInString(name), MaxSessionName)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("session name contains a control character (%U); use letters, digits, spaces and punctuation", r)
		}
	}
	return nil
}

// findSession looks a session up by name, or by id when the text is a
// canonical UUID naming an existing session.
func findSession(ctx context.Context, q queryer, name string) (Session, bool, error) {
	name = strings.TrimSpace(name)
	s, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE name = ?`, name))
	if err == nil {
		return s, true, nil
	}
	if errors.Is(err, sql.ErrNoRows) && isCanonicalUUID(name) {
		s, err = scanSession(q.QueryRowContext(ctx,
			`SELECT `+sessionCols+` FROM sessions WHERE id = ?`, strings.ToLower(name)))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, false, err
	}
	return s, true, nil
}

// SessionByName returns the session with this name (or this id, for a
// canonical UUID).
func (db *DB) SessionByName(ctx context.Context, name string) (Session, bool, error) {
	s, ok, err := findSession(ctx, db.sql, name)
	if err != nil {
		return Session{}, false, fmt.Errorf("find session %q: %w", name, err)
	}
	return s, ok, nil
}

// EnsureSession returns the session called name, creating it if needed. A
// canonical UUID that is the id of an existing session selects that session.
func (db *DB) EnsureSession(ctx context.Context, name string) (Session, error) {
	name = strings.TrimSpace(name)
	if err := ValidateSessionName(name); err != nil {
		return Session{}, err
	}
	// The common case (the session exists) is a single read, no write lock.
	if s, ok, err := findSession(ctx, db.sql, name); err != nil || ok {
		if err != nil {
			return Session{}, fmt.Errorf("open session %q: %w", name, err)
		}
		return s, nil
	}
	// Another process may create the same name at the same moment: the
	// insert then does nothing and the select returns the winner's row.
	now := db.now().UnixMilli()
	s, err := scanSession(db.sql.QueryRowContext(ctx, `
		INSERT INTO sessions (id, name, created_at, updated_at, turn_count) VALUES (?1, ?2, ?3, ?3, 0)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name
		RETURNING `+sessionCols,
		string(NewSessionID()), name, now))
	if err != nil {
		return Session{}, fmt.Errorf("create session %q: %w", name, err)
	}
	return s, nil
}

// ListSessions returns every session, most recently used first.
func (db *DB) ListSessions(ctx context.Context) ([]Session, error) {
	rows, err := db.sql.QueryContext(ctx,
		`SELECT `+sessionCols+` FROM sessions ORDER BY updated_at DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// RenameSession gives a session a new name. It fails with ErrNotFound if
// oldName does not exist and ErrNameTaken if newName belongs to another one.
func (db *DB) RenameSession(ctx context.Context, oldName, newName string) error {
	newName = strings.TrimSpace(newName)
	if err := ValidateSessionName(newName); err != nil {
		return fmt.Errorf("rename session %q: %w", oldName, err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		s, ok, err := findSession(ctx, tx, oldName)
		if err != nil {
			return fmt.Errorf("rename session %q: %w", oldName, err)
		}
		if !ok {
			return fmt.Errorf("rename session: session %q: %w", oldName, ErrNotFound)
		}
		if s.Name == newName {
			return nil
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sessions WHERE name = ?)`, newName).Scan(&taken); err != nil {
			return fmt.Errorf("rename session %q: %w", oldName, err)
		}
		if taken {
			return fmt.Errorf("rename session %q: the name %q: %w", oldName, newName, ErrNameTaken)
		}
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET name = ?, updated_at = ? WHERE id = ?`,
			newName, db.now().UnixMilli(), string(s.ID))
		if err != nil {
			return fmt.Errorf("rename session %q: %w", oldName, err)
		}
		return nil
	})
}

// DeleteSession removes a session and its conversation (the entries go by
// ON DELETE CASCADE). Audit rows stay. It reports whether it existed.
func (db *DB) DeleteSession(ctx context.Context, name string) (bool, error) {
	var deleted bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		s, ok, err := findSession(ctx, tx, name)
		if err != nil || !ok {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, string(s.ID))
		deleted = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("delete session %q: %w", name, err)
	}
	return deleted, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// DefaultNamespace is where facts go when no namespace is given.
const DefaultNamespace = "user"

// Fact is one remembered key/value pair.
type Fact struct {
	ID         FactID
	Namespace  string
	Key        string
	Value      string
	Source     string
	Confidence float64
	Pinned     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ExpiresAt  time.Time // zero = never expires
}

// FactInput is what SetFact writes.
type FactInput struct {
	Namespace  string  // "" → "user"
	Key        string  // required
	Value      string  // required
	Source     string  // "" → "user"
	Confidence float64 // 0 → 1.0; otherwise must be in (0, 1]
	// Pinned nil keeps the stored flag, so re-setting a pinned fact does not
	// unpin it (the original program did). New facts start unpinned.
	Pinned    *bool
	ExpiresAt time.Time // zero = never
}

// factCols is the column list every fact query selects, in scanFact's order.
const factCols = `id, namespace, key, value, confidence, source, pinned, created_at, updated_at, expires_at`

// liveFact is the condition that hides expired facts from every read. Its
// "?" is the current time; SQLite numbers it one past the highest "?N"
// before it, so it can follow numbered parameters.
const liveFact = `(expires_at IS NULL OR expires_at > ?)`

type rowScanner interface{ Scan(dest ...any) error }

func scanFact(r rowScanner) (Fact, error) {
	var f Fact
	var created, updated, expires sql.NullInt64
	err := r.Scan(&f.ID, &f.Namespace, &f.Key, &f.Value, &f.Confidence, &f.Source,
		&f.Pinned, &created, &updated, &expires)
	f.CreatedAt, f.UpdatedAt, f.ExpiresAt = fromMillis(created), fromMillis(updated), fromMillis(expires)
	return f, err
}

func scanFacts(rows *sql.Rows) ([]Fact, error) {
	defer rows.Close()
	var out []Fact
	for rows.Next() {
		f, err := scanFact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func normNamespace(ns string) string {
	if ns = strings.TrimSpace(ns); ns == "" {
		return DefaultNamespace
	}
	return ns
}

// sqlLimit turns "<= 0 means no limit" into SQLite's LIMIT -1.
func sqlLimit(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// SetFact inserts or updates the fact (namespace, key). An update keeps
// created_at (and the pinned flag unless in.Pinned says otherwise); a fact
// that had expired is treated as new.
func (db *DB) SetFact(ctx context.Context, in FactInput) (Fact, error) {
	return db.setFact(ctx, db.sql, in)
}

// runner is what *sql.DB and *sql.Tx have in common, so a write can run
// alone or inside an audited transaction.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) setFact(ctx context.Context, q runner, in FactInput) (Fact, error) {
	key, value := strings.TrimSpace(in.Key), strings.TrimSpace(in.Value)
	switch {
	case key == "":
		return Fact{}, errors.New("set fact: the key is empty")
	case value == "":
		return Fact{}, fmt.Errorf("set fact %q: the value is empty", key)
	case math.IsNaN(in.Confidence) || in.Confidence < 0 || in.Confidence > 1:
		return Fact{}, fmt.Errorf("set fact %q: confidence %v is not between 0 and 1", key, in.Confidence)
	}
	conf := in.Confidence
	if conf == 0 {
		conf = 1.0
	}
	source := strings.TrimSpace(in.Source)
	if source == "" {
		source = "user"
	}
	var pinned sql.NullInt64 // NULL = keep what is stored
	if in.Pinned != nil {
		pinned = sql.NullInt64{Int64: boolInt(*in.Pinned), Valid: true}
	}
	now := db.now().UnixMilli()
	row := q.QueryRowContext(ctx, `
		INSERT INTO facts (namespace, key, value, confidence, source, pinned, created_at, updated_at, expires_at)
		VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 0), ?7, ?7, ?8)
		ON CONFLICT (namespace, key) DO UPDATE SET
			value = excluded.value,
			confidence = excluded.confidence,
			source = excluded.source,
			updated_at = excluded.updated_at,
			expires_at = excluded.expires_at,
			-- An expired fact is already gone for readers: setting it again starts afresh.
			created_at = CASE WHEN facts.expires_at <= ?7 THEN excluded.created_at ELSE facts.created_at END,
			pinned = CASE WHEN ?6 IS NOT NULL THEN ?6 WHEN facts.expires_at <= ?7 THEN 0 ELSE facts.pinned END
		RETURNING `+factCols,
		normNamespace(in.Namespace), key, value, conf, source, pinned, now, millis(in.ExpiresAt))
	f, err := scanFact(row)
	if err != nil {
		return Fact{}, fmt.Errorf("set fact %q: %w", key, err)
	}
	return f, nil
}

// GetFact returns the live fact with exactly this key. With namespace ""
// every namespace is searched, preferring "user".
func (db *DB) GetFact(ctx context.Context, namespace, key string) (Fact, bool, error) {
	return db.getFact(ctx, db.sql, namespace, key)
}

func (db *DB) getFact(ctx context.Context, q runner, namespace, key string) (Fact, bool, error) {
	ns := strings.TrimSpace(namespace)
	row := q.QueryRowContext(ctx, `
		SELECT `+factCols+` FROM facts
		WHERE key = ? AND (?2 = '' OR namespace = ?2) AND `+liveFact+`
		ORDER BY namespace = 'user' DESC, updated_at DESC
		LIMIT 1`,
		strings.TrimSpace(key), ns, db.now().UnixMilli())
	f, err := scanFact(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Fact{}, false, nil
	}
	if err != nil {
		return Fact{}, false, fmt.Errorf("get fact %q: %w", key, err)
	}
	return f, true, nil
}

// ListFacts returns live facts, pinned first, then the most recently
// updated. namespace "" lists every namespace; limit <= 0 means all.
func (db *DB) ListFacts(ctx context.Context, namespace string, limit int) ([]Fact, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+factCols+` FROM facts
		WHERE (?1 = '' OR namespace = ?1) AND `+liveFact+`
		ORDER BY pinned DESC, updated_at DESC, id DESC
		LIMIT ?`,
		strings.TrimSpace(namespace), db.now().UnixMilli(), sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list facts: %w", err)
	}
	facts, err := scanFacts(rows)
	if err != nil {
		return nil, fmt.Errorf("list facts: %w", err)
	}
	return facts, nil
}

// DeleteFact removes the fact (namespace "" = "user") and reports whether a
// live fact was deleted. An expired row is removed too, but reported as not
// found, because readers could no longer see it.
func (db *DB) DeleteFact(ctx context.Context, namespace, key string) (bool, error) {
	return db.deleteFact(ctx, db.sql, namespace, key)
}

func (db *DB) deleteFact(ctx context.Context, q runner, namespace, key string) (bool, error) {
	var live bool
	err := q.QueryRowContext(ctx, `
		DELETE FROM facts WHERE namespace = ? AND key = ?
		RETURNING `+liveFact,
		normNamespace(namespace), strings.TrimSpace(key), db.now().UnixMilli()).Scan(&live)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("delete fact %q: %w", key, err)
	}
	return live, nil
}

// SetPinned pins or unpins a live fact (namespace "" = "user") and reports
// whether it exists. Pinned facts always go into prompts.
func (db *DB) SetPinned(ctx context.Context, namespace, key string, pinned bool) (bool, error) {
	return db.setPinned(ctx, db.sql, namespace, key, pinned)
}

func (db *DB) setPinned(ctx context.Context, q runner, namespace, key string, pinned bool) (bool, error) {
	res, err := q.ExecContext(ctx, `
		UPDATE facts SET pinned = ? WHERE namespace = ? AND key = ? AND `+liveFact,
		boolInt(pinned), normNamespace(namespace), strings.TrimSpace(key), db.now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("pin fact %q: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("pin fact %q: %w", key, err)
	}
	return n > 0, nil
}

// PurgeExpired deletes expired facts and returns how many went.
func (db *DB) PurgeExpired(ctx context.Context) (int64, error) {
	res, err := db.sql.ExecContext(ctx,
		`DELETE FROM facts WHERE expires_at IS NOT NULL AND expires_at <= ?`, db.now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("purge expired facts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge expired facts: %w", err)
	}
	return n, nil
}

// CountFacts returns the number of live facts.
func (db *DB) CountFacts(ctx context.Context) (int64, error) {
	var n int64
	err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM facts WHERE `+liveFact, db.now().UnixMilli()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count facts: %w", err)
	}
	return n, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// FactsVersion changes whenever a fact is added, changed or removed, by this
// process or another: callers that derive something from every fact (the
// secret values kept from models) recompute it only when it changes. Every
// write sets updated_at to now, and a removal changes the count.
func (db *DB) FactsVersion(ctx context.Context) (string, error) {
	var n, latest int64
	err := db.sql.QueryRowContext(ctx, `SELECT count(*), coalesce(max(updated_at), 0) FROM facts`).Scan(&n, &latest)
	if err != nil {
		return "", fmt.Errorf("facts version: %w", err)
	}
	return fmt.Sprintf("%d:%d", n, latest), nil
}

package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// approvalCols is the column list every approval query selects, in
// scanApproval's order.
const approvalCols = `id, state, kind, host, params, summary, target, dedupe_key, count,
	risk, verdict, reason, protected, level, proposer, why, session, turn_id, source,
	created_at, updated_at, expires_at, decided_at, decided_by, decided_where, note,
	runner, started_at, finished_at, exit_code, output, error, undo`

// nextApprovalSeq is the value of seq for a row written now: one past the
// table's highest. Every write runs in a write transaction, so no two rows
// get the same value and the newest write has the highest.
const nextApprovalSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM approvals)`

func scanApproval(r rowScanner) (Approval, error) {
	var a Approval
	var dedupe sql.NullString
	var created, updated, expires, decided, started, finished sql.NullInt64
	err := r.Scan(&a.ID, &a.State, &a.Kind, &a.Host, &a.Params, &a.Summary, &a.Target, &dedupe, &a.Count,
		&a.Risk, &a.Verdict, &a.Reason, &a.Protected, &a.Level, &a.Proposer, &a.Why, &a.Session, &a.TurnID, &a.Source,
		&created, &updated, &expires, &decided, &a.DecidedBy, &a.DecidedWhere, &a.Note,
		&a.Runner, &started, &finished, &a.ExitCode, &a.Output, &a.Error, &a.Undo)
	a.DedupeKey = dedupe.String
	a.CreatedAt, a.UpdatedAt, a.ExpiresAt = fromMillis(created), fromMillis(updated), fromMillis(expires)
	a.DecidedAt, a.StartedAt, a.FinishedAt = fromMillis(decided), fromMillis(started), fromMillis(finished)
	return a, err
}

func scanApprovals(rows *sql.Rows, out []Approval) ([]Approval, error) {
	defer rows.Close()
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// approvalIDRand is where approval ids come from; tests replace it to
// force a collision.
var approvalIDRand io.Reader = rand.Reader

// approvalIDLen is the length of an approval id in hex characters.
const approvalIDLen = 10

// newApprovalID draws a fresh random id (not yet checked for uniqueness).
func newApprovalID() (ApprovalID, error) {
	var b [approvalIDLen / 2]byte
	if _, err := io.ReadFull(approvalIDRand, b[:]); err != nil {
		return "", fmt.Errorf("draw an approval id: %w", err)
	}
	return ApprovalID(fmt.Sprintf("%x", b[:])), nil
}

// freeApprovalID draws ids until one is not in the table. It runs inside
// the write transaction that inserts the row, so nobody can take the id in
// between.
func freeApprovalID(ctx context.Context, tx runner) (ApprovalID, error) {
	for range 100 {
		id, err := newApprovalID()
		if err != nil {
			return "", err
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM approvals WHERE id = ?)`, string(id)).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", errors.New("draw an approval id: every id drawn was taken")
}

// isHex reports whether s is non-empty and only hex digits (either case).
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// GetApproval returns the entry with this id, or an error wrapping
// ErrNotFound.
func (db *DB) GetApproval(ctx context.Context, id ApprovalID) (Approval, error) {
	a, err := getApproval(ctx, db.sql, id)
	if err != nil {
		return Approval{}, fmt.Errorf("get approval %s: %w", id, err)
	}
	return a, nil
}

func getApproval(ctx context.Context, q runner, id ApprovalID) (Approval, error) {
	a, err := scanApproval(q.QueryRowContext(ctx, `SELECT `+approvalCols+` FROM approvals WHERE id = ?`, string(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return Approval{}, ErrNotFound
	}
	return a, err
}

// ResolveApprovalID finds the one entry whose id starts with prefix (any
// case). Text that is not hex, or longer than an id, is refused: it can
// name no entry. It fails with ErrNotFound when nothing matches and
// ErrAmbiguousID when more than one entry does.
func (db *DB) ResolveApprovalID(ctx context.Context, prefix string) (ApprovalID, error) {
	p := strings.ToLower(strings.TrimSpace(prefix))
	if !isHex(p) || len(p) > approvalIDLen {
		return "", fmt.Errorf("%q is not an approval id (up to %d hex digits): %w", prefix, approvalIDLen, ErrNotFound)
	}
	// Ids are lower-case hex, so every id starting with p sorts between p
	// and p followed by 'g'; the primary key index answers the range.
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM approvals WHERE id >= ? AND id < ? ORDER BY id LIMIT 2`, p, p+"g")
	if err != nil {
		return "", fmt.Errorf("resolve approval id %q: %w", p, err)
	}
	defer rows.Close()
	var ids []ApprovalID
	for rows.Next() {
		var id ApprovalID
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("resolve approval id %q: %w", p, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("resolve approval id %q: %w", p, err)
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("approval %s: %w", p, ErrNotFound)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("approval %s (%s, %s...): %w", p, ids[0], ids[1], ErrAmbiguousID)
}

// capOutput cuts s to at most n bytes (MaxApprovalOutput when n is
// omitted), on a UTF-8 boundary.
func capOutput(s string, n ...int) string {
	limit := MaxApprovalOutput
	if len(n) > 0 {
		limit = n[0]
	}
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// firstLine is s up to its first newline, cut to at most n bytes.
func firstLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return capOutput(s, n)
}

// conflict wraps the entry as it stands in an *ApprovalConflict.
func conflict(err error, cur Approval) error {
	return &ApprovalConflict{Err: err, Current: cur}
}

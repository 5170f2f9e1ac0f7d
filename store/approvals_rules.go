package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

const ruleCols = `id, kind, host, target, scope, session, created_at, created_by, from_id, revoked_at, uses`

// nextRuleSeq is approval_rules' seq for a row written now (see nextApprovalSeq).
const nextRuleSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM approval_rules)`

func scanRule(r rowScanner) (ApprovalRule, error) {
	var ru ApprovalRule
	var created, revoked sql.NullInt64
	err := r.Scan(&ru.ID, &ru.Kind, &ru.Host, &ru.Target, &ru.Scope, &ru.Session,
		&created, &ru.CreatedBy, &ru.From, &revoked, &ru.Uses)
	ru.CreatedAt, ru.RevokedAt = fromMillis(created), fromMillis(revoked)
	return ru, err
}

// checkRule says what is wrong with a rule AddApprovalRule is given.
func checkRule(r ApprovalRule) error {
	switch {
	case strings.TrimSpace(r.Kind) == "":
		return errors.New("the rule has no action kind")
	case strings.TrimSpace(r.Target) == "":
		return errors.New("the rule has no target")
	case r.Scope != ScopeSession && r.Scope != ScopeHost && r.Scope != ScopeAlways:
		return fmt.Errorf("scope %q is not session, host or always", r.Scope)
	case r.Scope == ScopeSession && r.Session == "":
		return errors.New("a session rule needs its session")
	}
	return nil
}

// ruleAction is the audit action of a rule's change: "<verb> rule <id>: ...".
func ruleAction(verb string, r ApprovalRule) string {
	where := string(r.Scope)
	switch r.Scope {
	case ScopeSession:
		where += " " + r.Session
	case ScopeHost:
		where += " " + hostName(r.Host)
	}
	return fmt.Sprintf("%s rule %d: %s %s (%s)", verb, r.ID, r.Kind, r.Target, where)
}

func hostName(h string) string {
	if h == "" {
		return "local"
	}
	return h
}

// AddApprovalRule remembers an approval: the rule and the caller's audit
// entry commit together. ID and CreatedAt are filled here (and the entry's
// Action, "remember rule <id>: ...", when empty; Skill "approval").
func (db *DB) AddApprovalRule(ctx context.Context, r ApprovalRule, audit AuditEntry) (ApprovalRule, error) {
	if err := checkRule(r); err != nil {
		return ApprovalRule{}, fmt.Errorf("add approval rule: %w", err)
	}
	if r.Scope != ScopeSession {
		r.Session = ""
	}
	var out ApprovalRule
	_, err := db.WithAudit(ctx, audit, func(tx *Tx, e *AuditEntry) error {
		now := db.now()
		var err error
		out, err = scanRule(tx.tx.QueryRowContext(ctx, `
			INSERT INTO approval_rules (kind, host, target, scope, session, created_at, created_by, from_id, uses, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, `+nextRuleSeq+`)
			RETURNING `+ruleCols,
			r.Kind, r.Host, r.Target, string(r.Scope), r.Session, now.UnixMilli(), r.CreatedBy, string(r.From)))
		if err != nil {
			return err
		}
		fillRuleEntry(e, "remember", out)
		e.Time = now
		return nil
	})
	if err != nil {
		return ApprovalRule{}, fmt.Errorf("add approval rule: %w", err)
	}
	return out, nil
}

func fillRuleEntry(e *AuditEntry, verb string, r ApprovalRule) {
	if e.Action == "" {
		e.Action = ruleAction(verb, r)
	}
	if e.Skill == "" {
		e.Skill = approvalAuditSkill
	}
	if e.Input == "" {
		e.Input = ruleAction(verb, r)
	}
	e.Success = true
}

// ListApprovalRules returns the rules, newest first; revoked ones only
// with includeRevoked.
func (db *DB) ListApprovalRules(ctx context.Context, includeRevoked bool) ([]ApprovalRule, error) {
	q := `SELECT ` + ruleCols + ` FROM approval_rules`
	if !includeRevoked {
		q += ` WHERE revoked_at IS NULL`
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list approval rules: %w", err)
	}
	defer rows.Close()
	var out []ApprovalRule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("list approval rules: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list approval rules: %w", err)
	}
	return out, nil
}

// GetApprovalRule returns the rule with this id (revoked or not), or an
// error wrapping ErrNotFound.
func (db *DB) GetApprovalRule(ctx context.Context, id ApprovalRuleID) (ApprovalRule, error) {
	r, err := scanRule(db.sql.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM approval_rules WHERE id = ?`, int64(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return ApprovalRule{}, fmt.Errorf("approval rule %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return ApprovalRule{}, fmt.Errorf("get approval rule %d: %w", id, err)
	}
	return r, nil
}

// RevokeApprovalRule stops a rule from applying, with the caller's audit
// entry (Action "revoke rule <id>: ..." when empty). A rule already
// revoked is returned as it is, and nothing is written; a missing one is
// an error wrapping ErrNotFound.
func (db *DB) RevokeApprovalRule(ctx context.Context, id ApprovalRuleID, audit AuditEntry) (ApprovalRule, error) {
	cur, err := db.GetApprovalRule(ctx, id)
	if err != nil {
		return ApprovalRule{}, fmt.Errorf("revoke: %w", err)
	}
	if !cur.RevokedAt.IsZero() {
		return cur, nil
	}
	var out ApprovalRule
	_, err = db.WithAudit(ctx, audit, func(tx *Tx, e *AuditEntry) error {
		now := db.now()
		var err error
		out, err = scanRule(tx.tx.QueryRowContext(ctx, `
			UPDATE approval_rules SET revoked_at = ?, seq = `+nextRuleSeq+`
			WHERE id = ? AND revoked_at IS NULL
			RETURNING `+ruleCols, now.UnixMilli(), int64(id)))
		if errors.Is(err, sql.ErrNoRows) {
			return errRuleRevoked // revoked meanwhile: nothing to record
		}
		if err != nil {
			return err
		}
		fillRuleEntry(e, "revoke", out)
		e.Time = now
		return nil
	})
	if errors.Is(err, errRuleRevoked) {
		return db.GetApprovalRule(ctx, id)
	}
	if err != nil {
		return ApprovalRule{}, fmt.Errorf("revoke approval rule %d: %w", id, err)
	}
	return out, nil
}

var errRuleRevoked = errors.New("the rule was revoked meanwhile")

// MatchApprovalRule finds an unrevoked rule for this kind of action on
// this target that reaches here: scope always matches anywhere, host on
// the same host, session in the same session on the same host. The
// narrowest match wins, then the oldest.
func (db *DB) MatchApprovalRule(ctx context.Context, kind, host, target, session string) (ApprovalRule, bool, error) {
	r, err := scanRule(db.sql.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM approval_rules
		WHERE kind = ?1 AND target = ?3 AND revoked_at IS NULL AND (
			scope = 'always'
			OR (scope = 'host' AND host = ?2)
			OR (scope = 'session' AND host = ?2 AND session = ?4 AND ?4 <> ''))
		ORDER BY CASE scope WHEN 'session' THEN 0 WHEN 'host' THEN 1 ELSE 2 END, id
		LIMIT 1`, kind, host, target, session))
	if errors.Is(err, sql.ErrNoRows) {
		return ApprovalRule{}, false, nil
	}
	if err != nil {
		return ApprovalRule{}, false, fmt.Errorf("match approval rule: %w", err)
	}
	return r, true, nil
}

// UseApprovalRule counts one approval given by the rule. A revoked or
// missing rule is an error wrapping ErrNotFound: it gave nothing.
func (db *DB) UseApprovalRule(ctx context.Context, id ApprovalRuleID) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE approval_rules SET uses = uses + 1, seq = `+nextRuleSeq+`
		WHERE id = ? AND revoked_at IS NULL`, int64(id))
	if err != nil {
		return fmt.Errorf("use approval rule %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = ErrNotFound
		}
		return fmt.Errorf("use approval rule %d: %w", id, err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

const hostAlertCols = `id, host, rule, subject, message, value, threshold, fired_at, resolved_at`

// nextAlertSeq is seq for a host_alerts row written now.
const nextAlertSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM host_alerts)`

func scanHostAlert(r rowScanner) (HostAlert, error) {
	var a HostAlert
	var value, threshold sql.NullFloat64
	var fired, resolved sql.NullInt64
	err := r.Scan(&a.ID, &a.Host, &a.Rule, &a.Subject, &a.Message, &value, &threshold, &fired, &resolved)
	a.Value, a.Threshold = fromNullFloat(value), fromNullFloat(threshold)
	a.FiredAt, a.ResolvedAt = fromMillis(fired), fromMillis(resolved)
	return a, err
}

// alertEntry is the audit entry of an alert transition: its input names
// the host and says what ("alert on web2: disk / at 93% (threshold 90%)",
// "cleared on web2: …"); a firing is not a success (the audit log's
// failures list it), a clearing is.
func alertEntry(tmpl AuditEntry, a HostAlert, firing bool, message string) AuditEntry {
	e := tmpl
	e.Skill = hostsAuditSkill
	if e.ChosenBy == "" {
		e.ChosenBy = "monitor"
	}
	what := a.Rule
	if a.Subject != "" {
		what += " " + a.Subject
	}
	verb, said := "resolved", "cleared"
	if firing {
		verb, said = "firing", "alert"
	}
	e.Action = fmt.Sprintf("alert %s %d on %s: %s", verb, a.ID, a.Host, what)
	e.Input = fmt.Sprintf("%s on %s: %s", said, a.Host, strings.TrimPrefix(message, "cleared: "))
	e.Success = !firing
	if firing {
		e.Error = "alert firing: " + what
	}
	return e
}

// fireHostAlert inserts a as firing; ok is false when the same alert
// (host, rule, subject) is firing already, and nothing is written.
func fireHostAlert(ctx context.Context, tx runner, a HostAlert, now time.Time) (HostAlert, bool, error) {
	if a.FiredAt.IsZero() {
		a.FiredAt = now
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO host_alerts (host, rule, subject, message, value, threshold, fired_at, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, `+nextAlertSeq+`)
		ON CONFLICT (host, rule, subject) WHERE resolved_at IS NULL DO NOTHING`,
		a.Host, a.Rule, a.Subject, a.Message, nullFloat(a.Value), nullFloat(a.Threshold), a.FiredAt.UnixMilli())
	if err != nil {
		return HostAlert{}, false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return HostAlert{}, false, nil
	}
	id, err := res.LastInsertId()
	if err != nil {
		return HostAlert{}, false, err
	}
	a.ID = HostAlertID(id)
	a.FiredAt = time.UnixMilli(a.FiredAt.UnixMilli())
	return a, true, nil
}

// resolveHostAlert clears the firing alert k of host; ok is false when
// none was firing.
func resolveHostAlert(ctx context.Context, tx runner, host string, k HostAlertKey, now time.Time) (HostAlert, bool, error) {
	a, err := scanHostAlert(tx.QueryRowContext(ctx, `UPDATE host_alerts SET resolved_at = ?, seq = `+nextAlertSeq+`
		WHERE host = ? AND rule = ? AND subject = ? AND resolved_at IS NULL
		RETURNING `+hostAlertCols, now.UnixMilli(), host, k.Rule, k.Subject))
	if err == sql.ErrNoRows {
		return HostAlert{}, false, nil
	}
	if err != nil {
		return HostAlert{}, false, err
	}
	return a, true, nil
}

// FireHostAlert records a firing with its audit entry in one transaction;
// fired is false (and nothing is written) when the same alert is firing
// already.
func (db *DB) FireHostAlert(ctx context.Context, a HostAlert, audit AuditEntry) (HostAlert, bool, error) {
	r, err := db.RecordHostProbe(ctx, HostProbe{Fire: []HostAlert{a}, Audit: audit, Status: HostStatus{Host: a.Host}})
	if err != nil {
		return HostAlert{}, false, fmt.Errorf("fire alert %s on %s: %w", a.Rule, a.Host, err)
	}
	if len(r.Fired) == 0 {
		return HostAlert{}, false, nil
	}
	return r.Fired[0], true, nil
}

// ResolveHostAlert clears a firing alert with its audit entry in one
// transaction; resolved is false when it was not firing.
func (db *DB) ResolveHostAlert(ctx context.Context, host string, k HostAlertKey, audit AuditEntry) (HostAlert, bool, error) {
	r, err := db.RecordHostProbe(ctx, HostProbe{Resolve: []HostAlertKey{k}, Audit: audit, Status: HostStatus{Host: host}})
	if err != nil {
		return HostAlert{}, false, fmt.Errorf("resolve alert %s on %s: %w", k.Rule, host, err)
	}
	if len(r.Resolved) == 0 {
		return HostAlert{}, false, nil
	}
	return r.Resolved[0], true, nil
}

// HostAlertFilter picks alerts to list.
type HostAlertFilter struct {
	Host   string // "": every host
	Firing bool   // only those firing
	Limit  int    // 0: 100
}

// ListHostAlerts returns alerts, newest first.
func (db *DB) ListHostAlerts(ctx context.Context, f HostAlertFilter) ([]HostAlert, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT ` + hostAlertCols + ` FROM host_alerts WHERE 1`
	var args []any
	if f.Host != "" {
		q += ` AND host = ?`
		args = append(args, f.Host)
	}
	if f.Firing {
		q += ` AND resolved_at IS NULL`
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list host alerts: %w", err)
	}
	defer rows.Close()
	var out []HostAlert
	for rows.Next() {
		a, err := scanHostAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("list host alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list host alerts: %w", err)
	}
	return out, nil
}

// FiringHostAlerts counts the alerts firing on each host.
func (db *DB) FiringHostAlerts(ctx context.Context) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT host, count(*) FROM host_alerts WHERE resolved_at IS NULL GROUP BY host`)
	if err != nil {
		return nil, fmt.Errorf("count firing alerts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var h string
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return nil, fmt.Errorf("count firing alerts: %w", err)
		}
		out[h] = n
	}
	return out, rows.Err()
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const hostStatusCols = `host, state, why, since, last_seen, probed_at, latency_ms, snapshot,
	fingerprint, key_type, source, seq`

// nextHostSeq is seq for a host_status row written now.
const nextHostSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM host_status)`

func scanHostStatus(r rowScanner) (HostStatus, error) {
	var h HostStatus
	var since, seen, probed sql.NullInt64
	var latency int64
	var snap string
	err := r.Scan(&h.Host, &h.State, &h.Why, &since, &seen, &probed, &latency, &snap,
		&h.Fingerprint, &h.KeyType, &h.Source, &h.Seq)
	h.Since, h.LastSeen, h.ProbedAt = fromMillis(since), fromMillis(seen), fromMillis(probed)
	h.Latency = time.Duration(latency) * time.Millisecond
	if snap != "" {
		h.Snapshot = []byte(snap)
	}
	return h, err
}

// UpsertHostStatus writes a host's status and returns the row as stored.
// Since moves only when the state changes; an empty Snapshot and a zero
// LastSeen keep the stored ones (an unreachable probe keeps the last
// answer).
func (db *DB) UpsertHostStatus(ctx context.Context, h HostStatus) (HostStatus, error) {
	var out HostStatus
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = upsertHostStatus(ctx, tx, h, db.now())
		return err
	})
	if err != nil {
		return HostStatus{}, fmt.Errorf("write status of host %s: %w", h.Host, db.writeError(err))
	}
	return out, nil
}

func upsertHostStatus(ctx context.Context, tx runner, h HostStatus, now time.Time) (HostStatus, error) {
	if h.Host == "" {
		return HostStatus{}, errors.New("a host status needs a host")
	}
	if h.Since.IsZero() {
		h.Since = now
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO host_status (`+hostStatusCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+nextHostSeq+`)
		ON CONFLICT (host) DO UPDATE SET
			state = excluded.state, why = excluded.why,
			since = CASE WHEN host_status.state = excluded.state THEN host_status.since ELSE excluded.since END,
			last_seen = coalesce(excluded.last_seen, host_status.last_seen),
			probed_at = coalesce(excluded.probed_at, host_status.probed_at),
			latency_ms = excluded.latency_ms,
			snapshot = CASE WHEN excluded.snapshot = '' THEN host_status.snapshot ELSE excluded.snapshot END,
			fingerprint = excluded.fingerprint, key_type = excluded.key_type, source = excluded.source,
			seq = excluded.seq`,
		h.Host, h.State, h.Why, h.Since.UnixMilli(), millis(h.LastSeen), millis(h.ProbedAt),
		h.Latency.Milliseconds(), string(h.Snapshot), h.Fingerprint, h.KeyType, h.Source)
	if err != nil {
		return HostStatus{}, err
	}
	return scanHostStatus(tx.QueryRowContext(ctx, `SELECT `+hostStatusCols+` FROM host_status WHERE host = ?`, h.Host))
}

// GetHostStatus returns a host's status; ok is false for a host never
// written.
func (db *DB) GetHostStatus(ctx context.Context, host string) (HostStatus, bool, error) {
	h, err := scanHostStatus(db.sql.QueryRowContext(ctx, `SELECT `+hostStatusCols+` FROM host_status WHERE host = ?`, host))
	if errors.Is(err, sql.ErrNoRows) {
		return HostStatus{}, false, nil
	}
	if err != nil {
		return HostStatus{}, false, fmt.Errorf("read status of host %s: %w", host, err)
	}
	return h, true, nil
}

// ListHostStatus returns every host's status, by name.
func (db *DB) ListHostStatus(ctx context.Context) ([]HostStatus, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+hostStatusCols+` FROM host_status ORDER BY host`)
	if err != nil {
		return nil, fmt.Errorf("list host status: %w", err)
	}
	defer rows.Close()
	var out []HostStatus
	for rows.Next() {
		h, err := scanHostStatus(rows)
		if err != nil {
			return nil, fmt.Errorf("list host status: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list host status: %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AppendHostSample adds one point to a host's history. A second sample of
// the same host in the same millisecond replaces the first.
func (db *DB) AppendHostSample(ctx context.Context, s HostSample) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error { return appendHostSample(ctx, tx, s) })
	if err != nil {
		return fmt.Errorf("append sample of host %s: %w", s.Host, db.writeError(err))
	}
	return nil
}

func appendHostSample(ctx context.Context, tx runner, s HostSample) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO host_samples (host, at, ok, load1, cpu, mem, disk)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Host, s.At.UnixMilli(), s.OK, nullFloat(s.Load1), nullFloat(s.CPU), nullFloat(s.Mem), nullFloat(s.Disk))
	return err
}

// HostSamplesSince returns a host's samples at or after since, oldest
// first.
func (db *DB) HostSamplesSince(ctx context.Context, host string, since time.Time) ([]HostSample, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT at, ok, load1, cpu, mem, disk FROM host_samples
		WHERE host = ? AND at >= ? ORDER BY at`, host, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read history of host %s: %w", host, err)
	}
	defer rows.Close()
	var out []HostSample
	for rows.Next() {
		s := HostSample{Host: host}
		var at int64
		var load, cpu, mem, disk sql.NullFloat64
		if err := rows.Scan(&at, &s.OK, &load, &cpu, &mem, &disk); err != nil {
			return nil, fmt.Errorf("read history of host %s: %w", host, err)
		}
		s.At = time.UnixMilli(at)
		s.Load1, s.CPU, s.Mem, s.Disk = fromNullFloat(load), fromNullFloat(cpu), fromNullFloat(mem), fromNullFloat(disk)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read history of host %s: %w", host, err)
	}
	return out, nil
}

// PruneHostSamples deletes a host's samples older than p.Before and all
// but its newest p.Keep, and returns how many went; alerts resolved
// before p.AlertsBefore go too.
func (db *DB) PruneHostSamples(ctx context.Context, host string, p HostPrune) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = pruneHostSamples(ctx, tx, host, p)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune history of host %s: %w", host, db.writeError(err))
	}
	return n, nil
}

func pruneHostSamples(ctx context.Context, tx runner, host string, p HostPrune) (int64, error) {
	var total int64
	if !p.Before.IsZero() {
		res, err := tx.ExecContext(ctx, `DELETE FROM host_samples WHERE host = ? AND at < ?`, host, p.Before.UnixMilli())
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if p.Keep > 0 {
		// The newest Keep-th sample's time; everything older goes.
		res, err := tx.ExecContext(ctx, `DELETE FROM host_samples WHERE host = ?1 AND at <
			(SELECT at FROM host_samples WHERE host = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2)`,
			host, p.Keep-1)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if !p.AlertsBefore.IsZero() {
		// Alerts are not samples: they do not count in the total.
		if _, err := tx.ExecContext(ctx, `DELETE FROM host_alerts WHERE host = ? AND resolved_at < ?`,
			host, p.AlertsBefore.UnixMilli()); err != nil {
			return 0, err
		}
	}
	return total, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const leaseCols = `name, holder, role, acquired_at, renewed_at, expires_at`

func scanLease(r rowScanner) (Lease, error) {
	var l Lease
	var acquired, renewed, expires sql.NullInt64
	err := r.Scan(&l.Name, &l.Holder, &l.Role, &acquired, &renewed, &expires)
	l.AcquiredAt, l.RenewedAt, l.ExpiresAt = fromMillis(acquired), fromMillis(renewed), fromMillis(expires)
	return l, err
}

// GetLease returns the lease called name; ok is false when nobody holds
// it or ever did.
func (db *DB) GetLease(ctx context.Context, name string) (Lease, bool, error) {
	l, err := scanLease(db.sql.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM leases WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("read lease %s: %w", name, err)
	}
	return l, true, nil
}

// AcquireLease takes the lease called name for holder until ttl from now,
// in one write transaction: when nobody holds it, when it expired, when
// alive says its holder has ended, when preempt says the holder yields to
// this one (a cockpit to the daemon), or (a renewal) when holder has it
// already. Otherwise it returns the lease as it stands and false. A holder
// preempted learns it when its next claim or renewal fails.
func (db *DB) AcquireLease(ctx context.Context, name, holder, role string, ttl time.Duration, alive func(string) bool, preempt func(Lease) bool) (Lease, bool, error) {
	var out Lease
	var got bool
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		cur, err := scanLease(tx.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM leases WHERE name = ?`, name))
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if exists && cur.Holder != holder && cur.ExpiresAt.After(now) && (alive == nil || alive(cur.Holder)) &&
			(preempt == nil || !preempt(cur)) {
			out = cur
			return nil
		}
		acquired := now
		if exists && cur.Holder == holder {
			acquired = cur.AcquiredAt
		}
		out = Lease{Name: name, Holder: holder, Role: role, AcquiredAt: acquired, RenewedAt: now, ExpiresAt: now.Add(ttl)}
		got = true
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (`+leaseCols+`) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, role = excluded.role,
				acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at`,
			name, holder, role, acquired.UnixMilli(), now.UnixMilli(), out.ExpiresAt.UnixMilli())
		return err
	})
	if err != nil {
		return Lease{}, false, fmt.Errorf("acquire lease %s: %w", name, db.writeError(err))
	}
	return out, got, nil
}

// RenewLease moves the lease's expiry to ttl from now while holder still
// has it; ErrNotLeaseHolder when it does not (it expired and was taken).
func (db *DB) RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	var out Lease
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE leases SET renewed_at = ?, expires_at = ? WHERE name = ? AND holder = ?`,
			now.UnixMilli(), now.Add(ttl).UnixMilli(), name, holder)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotLeaseHolder
		}
		out, err = scanLease(tx.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM leases WHERE name = ?`, name))
		return err
	})
	if err != nil && !errors.Is(err, ErrNotLeaseHolder) {
		err = fmt.Errorf("renew lease %s: %w", name, db.writeError(err))
	}
	return out, err
}

// ReleaseLease gives the lease up if holder has it, so another process may
// take it at once.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", name, db.writeError(err))
	}
	return nil
}

// holdsLease is ErrNotLeaseHolder unless holder has the lease called name
// and it has not expired at now.
func holdsLease(ctx context.Context, tx runner, name, holder string, now time.Time) error {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND expires_at > ?)`,
		name, holder, now.UnixMilli()).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotLeaseHolder
	}
	return nil
}

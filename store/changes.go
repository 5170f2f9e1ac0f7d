package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ChangeProbe tells cheaply whether the database changed, and which parts.
// It holds one connection of its own: SQLite's data_version moves on that
// connection whenever any other connection commits, in this process (the
// pool every other query uses) or in another. A probe is not safe for
// concurrent use; one goroutine (the store watcher) owns it.
type ChangeProbe struct {
	conn    *sql.Conn
	version *sql.Stmt
	marks   *sql.Stmt
}

// ChangeMarks are counters that move whenever a part of the store changes:
// the newest row id where rows are only appended, and a count with the
// newest update time where rows are edited or deleted. Comparing two marks
// says which parts changed between them.
type ChangeMarks struct {
	Audit    int64    // newest audit entry
	Sessions [3]int64 // sessions: count, newest update; newest context entry
	Facts    [3]int64 // facts: count, newest update, newest id
	Usage    int64    // newest usage row
	// Approvals: the newest write to the queue, the newest to the rules
	// (each table's seq, which every write to a row moves).
	Approvals [2]int64
	// Schedules: the newest write to the tasks and to their runs (seq),
	// the number of tasks (a delete moves no seq), and who holds the
	// scheduler lease since when (a renewal is no change).
	Schedules [4]int64
	// Hosts: the newest write to the hosts' status and to their alerts
	// (seq), and who holds the hosts lease since when.
	Hosts [3]int64
}

// OpenChangeProbe takes a connection of its own for a ChangeProbe. Close the
// probe before the database.
func (db *DB) OpenChangeProbe(ctx context.Context) (*ChangeProbe, error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("open change probe: %w", err)
	}
	p := &ChangeProbe{conn: conn}
	if p.version, err = conn.PrepareContext(ctx, `PRAGMA data_version`); err != nil {
		p.Close()
		return nil, fmt.Errorf("open change probe: %w", err)
	}
	p.marks, err = conn.PrepareContext(ctx, `SELECT
		(SELECT coalesce(max(id), 0) FROM audit_log),
		(SELECT count(*) FROM sessions), (SELECT coalesce(max(updated_at), 0) FROM sessions),
		(SELECT coalesce(max(id), 0) FROM context_entries),
		(SELECT count(*) FROM facts), (SELECT coalesce(max(updated_at), 0) FROM facts),
		(SELECT coalesce(max(id), 0) FROM facts),
		(SELECT coalesce(max(id), 0) FROM usage),
		(SELECT coalesce(max(seq), 0) FROM approvals),
		(SELECT coalesce(max(seq), 0) FROM approval_rules),
		(SELECT coalesce(max(seq), 0) FROM tasks), (SELECT coalesce(max(seq), 0) FROM task_runs),
		(SELECT count(*) FROM tasks),
		(SELECT coalesce(max(acquired_at), 0) + count(*) FROM leases WHERE name = 'scheduler'),
		(SELECT coalesce(max(seq), 0) FROM host_status), (SELECT coalesce(max(seq), 0) FROM host_alerts),
		(SELECT coalesce(max(acquired_at), 0) + count(*) FROM leases WHERE name = 'hosts')`)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("open change probe: %w", err)
	}
	return p, nil
}

// DataVersion is SQLite's data_version on the probe's connection: it
// differs from the last value read whenever another connection committed
// since. One tiny query; nothing is read from the tables.
func (p *ChangeProbe) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := p.version.QueryRowContext(ctx).Scan(&v); err != nil {
		return 0, fmt.Errorf("read data version: %w", err)
	}
	return v, nil
}

// Marks reads the counters of every part in one read transaction.
func (p *ChangeProbe) Marks(ctx context.Context) (ChangeMarks, error) {
	var m ChangeMarks
	err := p.marks.QueryRowContext(ctx).Scan(&m.Audit,
		&m.Sessions[0], &m.Sessions[1], &m.Sessions[2],
		&m.Facts[0], &m.Facts[1], &m.Facts[2], &m.Usage,
		&m.Approvals[0], &m.Approvals[1],
		&m.Schedules[0], &m.Schedules[1], &m.Schedules[2], &m.Schedules[3],
		&m.Hosts[0], &m.Hosts[1], &m.Hosts[2])
	if err != nil {
		return ChangeMarks{}, fmt.Errorf("read change marks: %w", err)
	}
	return m, nil
}

// Close releases the probe's connection.
func (p *ChangeProbe) Close() error {
	for _, s := range []*sql.Stmt{p.version, p.marks} {
		if s != nil {
			s.Close()
		}
	}
	if err := p.conn.Close(); err != nil {
		return fmt.Errorf("close change probe: %w", err)
	}
	return nil
}

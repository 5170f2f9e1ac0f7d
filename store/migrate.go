package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SchemaVersion is the newest schema this binary knows: the number of the
// last file in migrations/. A test keeps the two in step.
const SchemaVersion = 11

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered SQL file, e.g. migrations/0001_init.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded files in version order. Numbers must run
// 1, 2, 3... without gaps so a missing file is caught by the tests.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// migrate brings the schema up to SchemaVersion. When the database is
// already current it costs one statement (PRAGMA user_version), which keeps
// a cold CLI start cheap.
func (db *DB) migrate(ctx context.Context) error {
	have, err := firstVersion(ctx, db.sql)
	if err != nil {
		return err
	}
	if have > SchemaVersion {
		return &SchemaTooNewError{Have: have, Want: SchemaVersion, Path: db.path}
	}
	if have == SchemaVersion {
		db.version = have
		return nil
	}
	all, err := loadMigrations()
	if err != nil {
		return err
	}
	// BEGIN IMMEDIATE takes the write lock first; the version is read again
	// inside, so when two processes start at once only the first applies the
	// migrations and the second finds nothing left to do.
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		have, err = userVersion(ctx, tx)
		if err != nil {
			return err
		}
		if have > SchemaVersion {
			return &SchemaTooNewError{Have: have, Want: SchemaVersion, Path: db.path}
		}
		for _, m := range all {
			if m.version <= have {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.name, err)
			}
		}
		// user_version lives in the file header and is transactional, so a
		// crash mid-migration leaves the old version and no half-made tables.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
			return fmt.Errorf("record schema version: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	db.version = SchemaVersion
	return nil
}

// firstVersion reads user_version on the pool's first connection. When
// several processes create a new database at the same moment, the DSN's
// PRAGMA journal_mode=WAL can fail at once with SQLITE_BUSY (SQLite does not
// call the busy handler while switching journal mode), so that case is
// retried for up to the busy timeout.
func firstVersion(ctx context.Context, db *sql.DB) (int, error) {
	deadline := time.Now().Add(busyTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		v, err := userVersion(ctx, db)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended form).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// queryer is what *sql.DB and *sql.Tx have in common for reads.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func userVersion(ctx context.Context, q queryer) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

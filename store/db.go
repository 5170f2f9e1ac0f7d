// Package store is Macroa's persistence layer: one SQLite file holding
// memory (facts), sessions and the hash-chained audit log.
//
// It is the only package that writes SQL. Every process (TUI, daemon,
// `macroa run`, HTTP server) opens the same file; WAL mode, a busy timeout and
// immediate write transactions let them share it without "database is
// locked" errors.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a statement waits for another connection's lock
// before failing with "database is locked". It is in the DSN below.
const busyTimeout = 10 * time.Second

// DB is an open Macroa database. It is safe for concurrent use by many
// goroutines, and several processes may open the same file at once.
type DB struct {
	sql     *sql.DB
	path    string
	version int
	now     func() time.Time // the clock; tests replace it to check expiry

	keyMu sync.Mutex
	key   []byte // the audit MAC key, once loaded (audit_key.go)

	appendMu   sync.Mutex // queues audited writes (audit_lock.go)
	appendLock *os.File   // macroa.db.audit-lock, once opened
}

// SetClock replaces the clock that stamps rows (created_at, updated_at,
// audit times), so tests can order writes without sleeping. Call it before
// the database is shared between goroutines.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Open opens (creating if needed) the database at path and brings its schema
// up to date. A database written by a newer macroa is left untouched and
// reported as a *SchemaTooNewError.
func Open(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := createFile(abs); err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	sqlDB, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	db := &DB{sql: sqlDB, path: abs, now: time.Now}
	if err := db.migrate(ctx); err != nil {
		sqlDB.Close()
		var tooNew *SchemaTooNewError
		if errors.As(err, &tooNew) {
			return nil, err // already says which file and what to do
		}
		if onReadOnlyFS(abs) {
			// SQLite only says "unable to open database file": name the cause.
			return nil, tagged(ErrReadOnly, err, "open database %s: the file system holding it is read-only (%v)", abs, err)
		}
		if sqliteCode(err) == sqlite3.SQLITE_READONLY {
			return nil, tagged(ErrReadOnly, err, "open database %s: it or its directory is read-only (%v)", abs, err)
		}
		return nil, fmt.Errorf("open database %s: %w", abs, err)
	}
	return db, nil
}

// onReadOnlyFS reports whether the directory holding path is on a
// read-only file system (access(2) says so even to root).
func onReadOnlyFS(path string) bool {
	return errors.Is(syscall.Access(filepath.Dir(path), 2 /* W_OK */), syscall.EROFS)
}

// createFile makes the parent directory (0700) and the database file (0600)
// before SQLite sees them: the file holds whatever users asked Macroa to
// remember, so it must never be created world-readable. SQLite gives the
// -wal and -shm files the same mode as the database file.
func createFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		return nil // the common case: one stat, no extra open
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// dsn builds the connection string. Every pooled connection runs these
// settings: WAL so readers never block the writer, a busy timeout so a
// writer waits for another process instead of failing, and BEGIN IMMEDIATE
// for write transactions so two processes never both read then fail to
// upgrade to a write lock.
func dsn(path string) string {
	// url.URL escapes '?', '#', '%' and spaces in the path, which SQLite's URI
	// parser would otherwise take as the start of the query or an escape.
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), OmitHost: true}
	return u.String() + "?_pragma=journal_mode(WAL)" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_txlock=immediate"
}

// Path returns the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// SchemaVersion returns the schema version of the open database.
func (db *DB) SchemaVersion() int { return db.version }

// Close closes every connection to the database.
func (db *DB) Close() error {
	db.appendMu.Lock()
	if db.appendLock != nil {
		db.appendLock.Close()
		db.appendLock = nil
	}
	db.appendMu.Unlock()
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE, from the DSN) and
// commits it, or rolls back if fn fails.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// millis stores a time as INTEGER unix milliseconds; the zero time is NULL.
func millis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMillis is the inverse of millis.
func fromMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64)
}

package store

import (
	"errors"
	"fmt"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Why an audit entry (and so the action it records) could not be written.
// Test with errors.Is; the error's text is a sentence for a person.
var (
	// ErrReadOnly: the database, its directory or its file system is read-only.
	ErrReadOnly = errors.New("read-only")
	// ErrDiskFull: no space left for the database or the checkpoint.
	ErrDiskFull = errors.New("disk full")
	// ErrAuditKey: the audit key file is missing while entries need it, or
	// unusable (loose permissions, wrong size, not a regular file).
	ErrAuditKey = errors.New("audit key unusable")
	// ErrAuditCheckpoint: the checkpoint beside the database disagrees with
	// it (the database was replaced by an older copy, or entries were
	// removed or rewritten), or the checkpoint itself was altered, damaged
	// or removed while the log holds MAC'd entries. macroa audit accept
	// (DB.AcceptAudit) takes the log as it stands, on the record.
	ErrAuditCheckpoint = errors.New("audit checkpoint mismatch")
)

// taggedError is a sentence for a person that also matches a kind (and
// keeps the underlying error) for errors.Is and errors.As.
type taggedError struct {
	msg  string
	errs []error
}

func (e *taggedError) Error() string   { return e.msg }
func (e *taggedError) Unwrap() []error { return e.errs }

// tagged builds a taggedError of kind; cause may be nil.
func tagged(kind, cause error, format string, args ...any) error {
	errs := []error{kind}
	if cause != nil {
		errs = append(errs, cause)
	}
	return &taggedError{msg: fmt.Sprintf(format, args...), errs: errs}
}

// sqliteCode is the primary SQLite result code in err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// writeError names a read-only database or a full disk plainly, whether
// SQLite or the file system reported it, so the person is told why the
// action did not run. Other errors are returned as they are.
func (db *DB) writeError(err error) error {
	if errors.Is(err, ErrReadOnly) || errors.Is(err, ErrDiskFull) {
		return err
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_READONLY:
		return tagged(ErrReadOnly, err, "the audit log cannot be written: the database %s is read-only (%v)", db.path, err)
	case sqlite3.SQLITE_CANTOPEN:
		if onReadOnlyFS(db.path) {
			return tagged(ErrReadOnly, err, "the audit log cannot be written: the file system holding %s is read-only (%v)", db.path, err)
		}
	case sqlite3.SQLITE_FULL:
		return tagged(ErrDiskFull, err, "the audit log cannot be written: the disk holding %s is full (%v)", db.path, err)
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.EROFS, syscall.EACCES, syscall.EPERM:
			return tagged(ErrReadOnly, err, "the audit log cannot be written: %v", err)
		case syscall.ENOSPC, syscall.EDQUOT:
			return tagged(ErrDiskFull, err, "the audit log cannot be written: the disk is full (%v)", err)
		}
	}
	return err
}

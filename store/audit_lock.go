package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockAppend queues audited writes, within this process (a mutex) and
// across processes (flock on macroa.db.audit-lock), before they ask SQLite
// for the write lock. Correctness does not depend on it (the write lock
// orders appends and checkpoints); it keeps writers from starving: an
// append holds the write lock across the checkpoint's fsync, and SQLite's
// busy handler sleeps up to 100 ms between tries, so without a queue a
// waiting process can sleep through every moment the lock is free.
func (db *DB) lockAppend(ctx context.Context) (unlock func(), err error) {
	db.appendMu.Lock()
	f, err := db.appendLockFile()
	if err != nil {
		db.appendMu.Unlock()
		return nil, err
	}
	deadline := time.Now().Add(busyTimeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) || time.Now().After(deadline) {
			db.appendMu.Unlock()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		select {
		case <-ctx.Done():
			db.appendMu.Unlock()
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		db.appendMu.Unlock()
	}, nil
}

// appendLockFile opens the lock file once per DB (called with appendMu held).
func (db *DB) appendLockFile() (*os.File, error) {
	if db.appendLock != nil {
		return db.appendLock, nil
	}
	f, err := os.OpenFile(db.path+".audit-lock", os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	db.appendLock = f
	return f, nil
}

package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// auditKeySize is the length of the audit MAC key in bytes.
const auditKeySize = 32

// AuditKeyPath is the file holding the key that MACs the audit log of the
// database at dbPath: audit.key in the same directory. It lives outside the
// database so that whoever can rewrite the database alone cannot forge MACs.
func AuditKeyPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "audit.key")
}

// auditKey returns the key, loading it once. With create, a missing key
// file is created; callers pass create only when no entry needs an older
// key, so a lost key is never silently replaced.
func (db *DB) auditKey(create bool) ([]byte, error) {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	if db.key != nil {
		return db.key, nil
	}
	path := AuditKeyPath(db.path)
	key, err := loadAuditKey(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		key, err = createAuditKey(path)
	}
	if err != nil {
		return nil, err
	}
	db.key = key
	return key, nil
}

// loadAuditKey reads the key file, refusing one that others may read or
// write, that is not a regular file (a symlink could point anywhere) or
// that is not exactly auditKeySize bytes. A missing file is returned as an
// error matching fs.ErrNotExist.
func loadAuditKey(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, tagged(ErrAuditKey, err, "the audit key %s is a symbolic link; it must be a regular file", path)
	}
	if err != nil {
		return nil, tagged(ErrAuditKey, err, "cannot read the audit key %s: %v", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, tagged(ErrAuditKey, err, "cannot read the audit key %s: %v", path, err)
	}
	switch {
	case !st.Mode().IsRegular():
		return nil, tagged(ErrAuditKey, nil, "the audit key %s is not a regular file", path)
	case st.Mode().Perm()&0o077 != 0:
		return nil, tagged(ErrAuditKey, nil, "the audit key %s has mode %04o: others could read or replace it; run chmod 600 %s if it is yours",
			path, st.Mode().Perm(), path)
	case !ownedByMe(st):
		return nil, tagged(ErrAuditKey, nil, "the audit key %s belongs to another user", path)
	case st.Size() != auditKeySize:
		return nil, tagged(ErrAuditKey, nil, "the audit key %s is %d bytes, not %d: it is damaged or not a macroa audit key",
			path, st.Size(), auditKeySize)
	}
	key := make([]byte, auditKeySize)
	if _, err := io.ReadFull(f, key); err != nil {
		return nil, tagged(ErrAuditKey, err, "cannot read the audit key %s: %v", path, err)
	}
	return key, nil
}

func ownedByMe(st fs.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	return !ok || int(sys.Uid) == os.Geteuid()
}

// createAuditKey writes 32 random bytes to a new 0600 file. The bytes go to
// an exclusively created temporary file first, which is then hard-linked to
// path: link fails if path exists, like O_EXCL, and no reader can ever see
// a half-written key. If another process won the race, its key is used.
func createAuditKey(path string) ([]byte, error) {
	key := make([]byte, auditKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create the audit key %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".audit.key-*") // O_EXCL, mode 0600
	if err != nil {
		return nil, fmt.Errorf("create the audit key %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(key)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return loadAuditKey(path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("create the audit key %s: %w", path, err)
	}
	return key, nil
}

// syncDir makes a new or renamed directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// cachedKey says whether this DB has loaded or made the key already.
func (db *DB) cachedKey() bool {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	return db.key != nil
}

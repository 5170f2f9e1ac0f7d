package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// The key is made at the first append: 32 random bytes, mode 0600, and the
// same key is found by every later open.
func TestAuditKeyCreatedOnFirstAppend(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	keyPath := AuditKeyPath(db.Path())
	if _, err := os.Stat(keyPath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("key exists before any append: %v", err)
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keyPath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("verify created a key: %v", err)
	}
	e, err := db.AppendAudit(ctx, AuditEntry{Input: "first"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(keyPath)
	if err != nil || st.Mode().Perm() != 0o600 || st.Size() != auditKeySize {
		t.Fatalf("key file: %v %v", st, err)
	}
	key, _ := os.ReadFile(keyPath)
	if !macOK(key, e.Hash, e.MAC) {
		t.Errorf("entry MAC does not verify under the key file")
	}
	cp, err := os.Stat(CheckpointPath(db.Path()))
	if err != nil || cp.Mode().Perm() != 0o600 {
		t.Fatalf("checkpoint file: %v %v", cp, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(db.Path()), ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// Two processes (here goroutines with their own paths) racing to create the
// key end up with one key: the loser reads the winner's.
func TestAuditKeyCreateRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.key")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := createAuditKey(path)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	onDisk, _ := os.ReadFile(path)
	for i, k := range keys {
		if !bytes.Equal(k, onDisk) {
			t.Errorf("creator %d uses a key that is not the one on disk", i)
		}
	}
}

// A key file that others could read or replace, of the wrong size, or that
// is not a plain file, is refused with a sentence naming the problem.
func TestAuditKeyRefusesUnsafeFiles(t *testing.T) {
	good := bytes.Repeat([]byte{7}, auditKeySize)
	tests := []struct {
		name   string
		make   func(t *testing.T, path string)
		detail string
	}{
		{"group readable", func(t *testing.T, p string) { writeKey(t, p, good, 0o640) }, "mode 0640"},
		{"world readable", func(t *testing.T, p string) { writeKey(t, p, good, 0o644) }, "run chmod 600"},
		{"world writable", func(t *testing.T, p string) { writeKey(t, p, good, 0o602) }, "mode 0602"},
		{"too short", func(t *testing.T, p string) { writeKey(t, p, good[:31], 0o600) }, "is 31 bytes, not 32"},
		{"too long", func(t *testing.T, p string) { writeKey(t, p, append(good, '\n'), 0o600) }, "is 33 bytes"},
		{"empty", func(t *testing.T, p string) { writeKey(t, p, nil, 0o600) }, "is 0 bytes"},
		{"symlink to a good key", func(t *testing.T, p string) {
			other := filepath.Join(t.TempDir(), "k")
			writeKey(t, other, good, 0o600)
			if err := os.Symlink(other, p); err != nil {
				t.Fatal(err)
			}
		}, "symbolic link"},
		{"named pipe (would hang a plain read)", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file"},
		{"directory", func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.key")
			tt.make(t, path)
			_, err := loadAuditKey(path)
			if !errors.Is(err, ErrAuditKey) || !strings.Contains(err.Error(), tt.detail) || !strings.Contains(err.Error(), path) {
				t.Errorf("loadAuditKey = %v; want ErrAuditKey naming %s and %q", err, path, tt.detail)
			}
		})
	}
	if _, err := loadAuditKey(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing key: %v, want not-exist", err)
	}
}

func writeKey(t *testing.T, path string, key []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, key, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // the umask may have cut bits
		t.Fatal(err)
	}
}

// A checkpoint written by an append whose commit failed is put back, unless
// another append replaced it meanwhile.
func TestRestoreCheckpoint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "macroa.db.audit-head")
	tests := []struct {
		name       string
		prev, ours []byte
		current    []byte // what is on disk when the restore runs
		want       []byte // nil = no file
	}{
		{"ours is put back to the previous", []byte("old"), []byte("ours"), []byte("ours"), []byte("old")},
		{"ours with no previous is removed", nil, []byte("ours"), []byte("ours"), nil},
		{"another append's is kept", []byte("old"), []byte("ours"), []byte("theirs"), []byte("theirs")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := writeFileAtomic(path, tt.current); err != nil {
				t.Fatal(err)
			}
			restoreCheckpoint(path, tt.ours, tt.prev)
			got, err := os.ReadFile(path)
			if tt.want == nil {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("file still there: %q %v", got, err)
				}
				return
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("file = %q, want %q", got, tt.want)
			}
		})
	}
}

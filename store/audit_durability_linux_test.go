//go:build linux

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a small file system for a test, or skips the test when
// this machine does not allow it (not root, or in a restricted container);
// the injected-failure cases in TestAuditedWritesFailClosed run everywhere.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a %s tmpfs here (%v); the injected write errors cover this case", size, err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TestAuditDiskFull fills a small file system and tries an audited fact
// write: it fails saying the disk is full, writes nothing, and once space
// is freed the log verifies and writes work again.
func TestAuditDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := mountTmpfs(t, "2m")
	db, err := Open(ctx, filepath.Join(dir, "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.SetFactAudited(ctx, FactInput{Key: "editor", Value: "helix"}, AuditEntry{Input: "remember my editor is helix"}); err != nil {
		t.Fatal(err)
	}
	filler := fillDisk(t, dir)

	big := strings.Repeat("x", 200_000) // needs new pages, wherever the free bytes are
	_, _, err = db.SetFactAudited(ctx, FactInput{Key: "notes", Value: big}, AuditEntry{Input: "remember my notes"})
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "the audit log cannot be written") {
		t.Fatalf("audited write on a full disk = %v; want ErrDiskFull saying the audit log cannot be written", err)
	}
	t.Logf("refused: %v", err)
	_, err = db.AppendAudit(ctx, AuditEntry{Input: "!touch x", Action: "touch x"})
	if !errors.Is(err, ErrDiskFull) {
		t.Errorf("audit append on a full disk = %v; want ErrDiskFull", err)
	}

	removeFile(t, filler)
	if _, ok, _ := db.GetFact(ctx, "", "notes"); ok {
		t.Errorf("the fact was written though its audit entry was not")
	}
	if rep, err := db.VerifyAudit(ctx); err != nil || !rep.OK() || rep.Checked != 1 {
		t.Errorf("verify after the full disk: %+v, %v", rep, err)
	}
	if _, _, err := db.SetFactAudited(ctx, FactInput{Key: "notes", Value: big}, AuditEntry{Input: "remember my notes"}); err != nil {
		t.Errorf("write after space was freed: %v", err)
	}
}

// TestRestoreCheckpointOnFullDisk: when the commit after a checkpoint
// fails for want of space, the old checkpoint cannot be written back
// either; the new one is removed rather than left ahead of the database.
func TestRestoreCheckpointOnFullDisk(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	path := filepath.Join(dir, "macroa.db.audit-head")
	if err := writeFileAtomic(path, []byte("ours")); err != nil {
		t.Fatal(err)
	}
	fillDisk(t, dir)
	restoreCheckpoint(path, []byte("ours"), []byte("old"))
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("checkpoint ahead of the database left in place: %v", err)
	}
}

// fillDisk writes a file until the file system is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return path
		}
	}
}

// TestAuditReadOnlyFileSystem remounts the data dir read-only (as the
// kernel does to a failing disk): the database cannot be opened for
// anything, and Open says why instead of SQLite's "unable to open".
func TestAuditReadOnlyFileSystem(t *testing.T) {
	ctx := context.Background()
	dir := mountTmpfs(t, "8m")
	path := filepath.Join(dir, "macroa.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SetFactAudited(ctx, FactInput{Key: "editor", Value: "helix"}, AuditEntry{Input: "remember my editor is helix"}); err != nil {
		t.Fatal(err)
	}
	db.Close() // a remount is refused while files are open for writing
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only here: %v", err)
	}
	t.Cleanup(func() { syscall.Mount("", dir, "", syscall.MS_REMOUNT, "") })

	// SQLite cannot open a WAL database whose -shm file it cannot create:
	// Open refuses, naming the cause.
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "the file system holding it is read-only") {
		t.Fatalf("open on a read-only file system = %v; want ErrReadOnly naming the cause", err)
	}
	t.Logf("open refused: %v", err)

	if _, err := os.Stat(CheckpointPath(path)); err != nil {
		t.Errorf("checkpoint: %v", err)
	}
}

// TestAuditReadOnlyFile makes the database file and its directory read-only
// by mode, as a person or a backup tool might. Root ignores modes, so this
// case only means something for another user; the mode=ro and read-only
// mount cases cover root.
func TestAuditReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file modes; TestAuditReadOnlyFileSystem and the mode=ro case of TestAuditedWritesFailClosed cover this")
	}
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.AppendAudit(ctx, AuditEntry{Input: "first"}); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", filepath.Dir(path)} {
		os.Chmod(p, 0o500) // dir r-x; files r--: 0500 keeps the dir searchable
	}
	os.Chmod(path, 0o400)
	t.Cleanup(func() { os.Chmod(filepath.Dir(path), 0o700); os.Chmod(path, 0o600) })
	db, err := Open(ctx, path)
	if err != nil {
		// SQLite cannot make its -shm file in a read-only directory: Open
		// refuses, and must say why.
		if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("open of a read-only database = %v; want ErrReadOnly saying so", err)
		}
		return
	}
	defer db.Close()
	_, _, err = db.SetFactAudited(ctx, FactInput{Key: "shell", Value: "zsh"}, AuditEntry{Input: "remember my shell is zsh"})
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("audited write on a read-only file = %v; want ErrReadOnly", err)
	}
	if _, ok, _ := db.GetFact(ctx, "", "shell"); ok {
		t.Errorf("the fact was written")
	}
}

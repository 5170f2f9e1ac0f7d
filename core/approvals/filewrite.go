package approvals

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aymanbagabas/go-udiff"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
)

// A file write is done here, not by a program: the file is reached one
// path component at a time, each opened relative to the last with
// O_NOFOLLOW, so no symbolic link anywhere in the path is followed, even
// one swapped in between the proposal and the run. A path that leads
// through a link is refused with the real path named: the person approves
// the file that is written. The file is backed up (0600, in a 0700
// directory) before anything is written, written in place (its owner
// kept) only when it is still the file that was backed up, and restored
// from the backup (or removed, when it is new) when the write or the
// check fails.

// MaxFileBackup bounds the file a write may replace: it is read whole to
// be backed up and diffed.
const MaxFileBackup = 64 << 20

// maxDiff bounds the diff kept with a proposal.
const maxDiff = 64 << 10

// fileBackup is the state of a file before a write: whether it existed,
// its mode and identity, and where its copy is.
type fileBackup struct {
	path     string // the copy; "" when there was no file
	existed  bool
	mode     os.FileMode
	dev, ino uint64
	// created is the identity of the file the write created, so a
	// rollback removes that file and never another.
	created  bool
	cdev     uint64
	cino     uint64
	wroteOld bool // the write opened the backed-up file: a rollback restores it
}

func (b fileBackup) discard() {
	if b.path != "" {
		_ = os.Remove(b.path)
	}
}

// openParent opens path's directory by walking it from the root with
// O_NOFOLLOW at every step, and returns it with the final component.
func openParent(path string) (int, string, error) {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path || path == "/" {
		return -1, "", fmt.Errorf("%s is not a clean absolute path to a file", path)
	}
	dir, base := filepath.Split(path)
	fd, err := syscall.Open("/", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", fmt.Errorf("open /: %w", err)
	}
	walked := "/"
	for _, c := range strings.Split(strings.Trim(dir, "/"), "/") {
		if c == "" {
			continue
		}
		walked = filepath.Join(walked, c)
		nfd, err := syscall.Openat(fd, c, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		syscall.Close(fd)
		if err != nil {
			return -1, "", linkError(walked, path, err)
		}
		fd = nfd
	}
	return fd, base, nil
}

// linkError says why a component could not be opened, naming where a
// symbolic link leads when that was the reason.
func linkError(at, path string, err error) error {
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENOTDIR) {
		if fi, lerr := os.Lstat(at); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			real, rerr := filepath.EvalSymlinks(path)
			if rerr != nil {
				real = "somewhere else"
			}
			return fmt.Errorf("%s is a symbolic link: %s leads to %s, and only the real path is written (propose that path itself)", at, path, real)
		}
		if errors.Is(err, syscall.ENOTDIR) {
			return fmt.Errorf("%s is not a directory", at)
		}
	}
	return fmt.Errorf("open %s: %w", at, err)
}

// openFile opens path's final component relative to its directory, never
// following a link there either; O_NONBLOCK keeps a FIFO from hanging the
// open. Only a regular file with one link is accepted: a hard link would
// let the write reach a file under another name.
func openFile(path string, flags int, perm uint32) (*os.File, syscall.Stat_t, error) {
	var st syscall.Stat_t
	dfd, base, err := openParent(path)
	if err != nil {
		return nil, st, err
	}
	defer syscall.Close(dfd)
	fd, err := syscall.Openat(dfd, base, flags|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, perm)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, st, linkError(path, path, err)
		}
		return nil, st, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	if err := syscall.Fstat(fd, &st); err != nil {
		f.Close()
		return nil, st, fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		f.Close()
		return nil, st, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Nlink > 1 {
		f.Close()
		return nil, st, fmt.Errorf("%s has %d hard links; a write through one name would change the others, so it is refused", path, st.Nlink)
	}
	return f, st, nil
}

// readCurrent reads the file at path as it is now: ok false when there is
// none.
func readCurrent(path string) (content []byte, st syscall.Stat_t, ok bool, err error) {
	f, st, err := openFile(path, syscall.O_RDONLY, 0)
	if errors.Is(err, syscall.ENOENT) {
		return nil, st, false, nil
	}
	if err != nil {
		return nil, st, false, err
	}
	defer f.Close()
	if st.Size > MaxFileBackup {
		return nil, st, false, fmt.Errorf("%s is larger than %d MiB, too large to back up", path, MaxFileBackup>>20)
	}
	content, err = io.ReadAll(io.LimitReader(f, MaxFileBackup+1))
	if err != nil {
		return nil, st, false, fmt.Errorf("read %s: %w", path, err)
	}
	if len(content) > MaxFileBackup {
		return nil, st, false, fmt.Errorf("%s is larger than %d MiB, too large to back up", path, MaxFileBackup>>20)
	}
	return content, st, true, nil
}

// FileDiff is the unified diff of the file at path as it is now against
// content, as the person sees it when asked; a file that cannot be read
// is said in a comment line.
func FileDiff(path, content string) string {
	cur, _, ok, err := readCurrent(path)
	var d string
	switch {
	case err != nil:
		return "# the current file cannot be compared: " + err.Error() + "\n"
	case !ok:
		d = udiff.Unified("/dev/null", path, "", content)
	default:
		d = udiff.Unified(path, path, string(cur), content)
		if d == "" {
			d = "# no change: the file already holds this content\n"
		}
	}
	if len(d) > maxDiff {
		d = strings.ToValidUTF8(d[:maxDiff], "") + fmt.Sprintf("\n# ... the diff goes on for %d more bytes\n", len(d)-maxDiff)
	}
	return d
}

// backupFile copies the file at path, if there is one, into dir.
func backupFile(dir string, id store.ApprovalID, path string) (fileBackup, error) {
	cur, st, ok, err := readCurrent(path)
	if err != nil {
		return fileBackup{}, err
	}
	if !ok {
		if _, _, err := openParent(path); err != nil {
			return fileBackup{}, err
		}
		return fileBackup{}, nil
	}
	b := fileBackup{existed: true, mode: os.FileMode(st.Mode) & os.ModePerm, dev: uint64(st.Dev), ino: st.Ino}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fileBackup{}, fmt.Errorf("make the backup directory: %w", err)
	}
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
		return fileBackup{}, fmt.Errorf("the backup directory %s is not a directory", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fileBackup{}, fmt.Errorf("make the backup directory private: %w", err)
	}
	name := fmt.Sprintf("%s-%s-%s", id, time.Now().UTC().Format("20060102T150405.000000000"), safeName(filepath.Base(path)))
	b.path = filepath.Join(dir, name)
	f, err := os.OpenFile(b.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return fileBackup{}, fmt.Errorf("make the backup: %w", err)
	}
	_, err = f.Write(cur)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.discard()
		return fileBackup{}, fmt.Errorf("write the backup: %w", err)
	}
	return b, nil
}

// safeName keeps a file name's letters, digits, dots, dashes and
// underscores, for the backup's name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}

// writeFile writes f's content to the file b backed up: in place when it
// existed (and is still that file), else as a new file.
func writeFile(f actions.File, b *fileBackup) error {
	if !b.existed {
		mode := uint32(f.Mode)
		if mode == 0 {
			mode = 0o644
		}
		fh, st, err := openFile(f.Path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, syscall.EEXIST) {
				return fmt.Errorf("%s appeared after it was backed up; nothing was written", f.Path)
			}
			return err
		}
		defer fh.Close()
		b.created, b.cdev, b.cino = true, uint64(st.Dev), st.Ino
		return fill(fh, f.Content, mode)
	}
	fh, st, err := openFile(f.Path, syscall.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer fh.Close()
	if uint64(st.Dev) != b.dev || st.Ino != b.ino {
		return fmt.Errorf("%s was replaced after it was backed up; nothing was written", f.Path)
	}
	b.wroteOld = true
	mode := uint32(f.Mode)
	if mode == 0 {
		mode = uint32(b.mode)
	}
	return fill(fh, f.Content, mode)
}

// fill replaces what fh holds with content and sets its mode.
func fill(fh *os.File, content string, mode uint32) error {
	if err := fh.Truncate(0); err != nil {
		return fmt.Errorf("truncate: %w", err)
	}
	if _, err := fh.WriteAt([]byte(content), 0); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := fh.Chmod(os.FileMode(mode)); err != nil {
		return fmt.Errorf("set the mode: %w", err)
	}
	if err := fh.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// restore undoes a write: the backed-up content put back in the same
// file, or the file the write created removed. It touches nothing the
// write did not.
func (b *fileBackup) restore(path string) (string, error) {
	switch {
	case b.created:
		dfd, base, err := openParent(path)
		if err != nil {
			return "", err
		}
		defer syscall.Close(dfd)
		fd, err := syscall.Openat(dfd, base, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != nil {
			return "", fmt.Errorf("open %s to remove it: %w", path, err)
		}
		var st syscall.Stat_t
		err = syscall.Fstat(fd, &st)
		syscall.Close(fd)
		if err != nil || uint64(st.Dev) != b.cdev || st.Ino != b.cino {
			return "", fmt.Errorf("%s is no longer the file that was written; it is left alone", path)
		}
		if err := syscall.Unlinkat(dfd, base); err != nil {
			return "", fmt.Errorf("remove %s: %w", path, err)
		}
		return "removed the new file " + path, nil
	case b.wroteOld:
		old, err := os.ReadFile(b.path)
		if err != nil {
			return "", fmt.Errorf("read the backup: %w", err)
		}
		fh, st, err := openFile(path, syscall.O_WRONLY, 0)
		if err != nil {
			return "", err
		}
		defer fh.Close()
		if uint64(st.Dev) != b.dev || st.Ino != b.ino {
			return "", fmt.Errorf("%s is no longer the file that was written; it is left alone", path)
		}
		if err := fill(fh, string(old), uint32(b.mode)); err != nil {
			return "", err
		}
		return "restored " + path + " from " + b.path, nil
	}
	return "", nil
}

// runFileWrite writes the file, then checks it; a failed write or check
// rolls it back.
func (x *executor) runFileWrite(ctx context.Context, id store.ApprovalID, a actions.Action, p prepared, timeout time.Duration, out *outputLog) outcome {
	f, _ := a.Params.(actions.File)
	if p.file == nil {
		return outcome{exitCode: -1, err: "no backup was made, so nothing was written"}
	}
	b := p.file
	x.began(id)
	fail := func(msg string) outcome {
		done, err := b.restore(f.Path)
		switch {
		case err != nil:
			msg += "; rolling back failed too: " + err.Error()
		case done != "":
			msg += "; rolled back: " + done
		}
		out.note(msg)
		return outcome{exitCode: 1, err: msg}
	}
	if err := writeFile(f, b); err != nil {
		return fail("the write failed: " + err.Error())
	}
	if b.existed {
		out.note(fmt.Sprintf("wrote %d bytes to %s (backup: %s)", len(f.Content), f.Path, b.path))
	} else {
		out.note(fmt.Sprintf("wrote %d bytes to the new file %s", len(f.Content), f.Path))
	}
	if c := a.Check(); len(c.Argv) > 0 {
		if ok, why := x.holds(ctx, x.here(), c, timeout, out); !ok {
			return fail("the check failed: " + why)
		}
	}
	return outcome{ok: true}
}

package skills

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write puts content in a target resolved by Resolve. The content goes to
// a temporary file created exclusively beside the real target, then
// renamed over it, so a crash never leaves half a file and nothing planted
// under a temporary name is followed. The write happens only while the
// path still leads where it led when it was checked: a target swapped in
// between (a symlink, a new file, another directory) fails closed.
func (f FileSkill) Write(t Target, content string) Result {
	if why := f.WriteRefusal(t); why != "" {
		return Fail(why)
	}
	now, err := f.Resolve(t.Path)
	if err != nil {
		return Fail(err.Error())
	}
	if !t.same(now) {
		return Fail(changed(t))
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return Fail(fmt.Sprintf("cannot open the allowed root %s: %v", f.Root, err))
	}
	defer root.Close()
	dir, err := f.openDir(root, t)
	if err != nil {
		return Fail(err.Error())
	}
	defer dir.Close()

	base := filepath.Base(t.Real)
	mode, keepMode := fs.FileMode(0o644), false
	if t.Exists() {
		mode, keepMode = t.info.Mode().Perm(), true
	}
	fh, tmp, err := createTemp(dir, base, mode)
	if err != nil {
		return Fail(f.describe(t.Abs, err))
	}
	var werr error
	if keepMode {
		// The umask trimmed the mode the file was created with; an
		// existing file keeps exactly the mode it had.
		werr = fh.Chmod(mode)
	}
	if werr == nil {
		_, werr = fh.WriteString(content)
	}
	if err := errors.Join(werr, fh.Close()); err != nil {
		_ = dir.Remove(tmp)
		return Fail(f.describe(t.Abs, err))
	}
	if msg := place(dir, tmp, base, t); msg != "" {
		_ = dir.Remove(tmp)
		return Fail(msg)
	}
	out := fmt.Sprintf("Written to %s (%d bytes)", t.Real, len(content))
	if t.Abs != t.Real {
		out += "; " + t.Abs + " leads there"
	}
	return OK(out)
}

// WriteRefusal says why Write would refuse t whoever asked for it (it is
// Macroa's own data, a directory, or not a regular file), or "". Callers
// that ask a person first check it before asking.
func (f FileSkill) WriteRefusal(t Target) string {
	if why := f.dataTarget(t); why != "" {
		return why
	}
	switch {
	case t.IsDir():
		return fmt.Sprintf("%s is a directory", t.Abs)
	case t.Exists() && !t.info.Mode().IsRegular():
		return notRegular(t.Real, t.info.Mode())
	}
	return ""
}

// same reports whether now, a fresh resolution of the same path, names
// the same file in the same directory as t.
func (t Target) same(now Target) bool {
	if now.Real != t.Real || now.dir != t.dir || now.Exists() != t.Exists() || !os.SameFile(now.dirInfo, t.dirInfo) {
		return false
	}
	return !t.Exists() || os.SameFile(now.info, t.info)
}

// openDir opens the directory the target goes in, creating the missing
// ones, and checks each directory opened is the one resolved, not a
// symlink or another directory put in its place.
func (f FileSkill) openDir(root *os.Root, t Target) (*os.Root, error) {
	dir, err := root.OpenRoot(t.relTo(t.dir))
	if err != nil {
		return nil, errors.New(f.describe(t.dir, err))
	}
	if st, err := dir.Stat("."); err != nil || !os.SameFile(st, t.dirInfo) {
		dir.Close()
		return nil, errors.New(changed(t))
	}
	missing, err := filepath.Rel(t.dir, filepath.Dir(t.Real))
	if err != nil {
		dir.Close()
		return nil, fmt.Errorf("%s: %w", t.Real, err)
	}
	at := t.dir
	for _, c := range splitPath(missing) {
		if c == "." || c == "" {
			continue
		}
		at = filepath.Join(at, c)
		if err := dir.Mkdir(c, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			dir.Close()
			return nil, errors.New(f.describe(at, err))
		}
		made, err := dir.Lstat(c)
		if err != nil || !made.IsDir() { // a symlink or a file put there meanwhile
			dir.Close()
			return nil, errors.New(changed(t))
		}
		next, err := dir.OpenRoot(c)
		dir.Close()
		if err != nil {
			return nil, errors.New(f.describe(at, err))
		}
		if st, err := next.Stat("."); err != nil || !os.SameFile(st, made) {
			next.Close()
			return nil, errors.New(changed(t))
		}
		dir = next
	}
	return dir, nil
}

// createTemp creates a new file under a random name in dir. O_EXCL never
// follows a symlink and never opens a file that is already there.
func createTemp(dir *os.Root, base string, mode fs.FileMode) (*os.File, string, error) {
	if len(base) > 200 { // room for the suffix within NAME_MAX
		base = base[:200]
	}
	for range 16 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		name := "." + base + "." + hex.EncodeToString(b[:]) + ".macroa-tmp"
		fh, err := dir.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return fh, name, err
	}
	return nil, "", errors.New("could not find an unused temporary file name")
}

// place moves the finished temporary file to the target's name. An
// existing target is replaced only while it is still the file that was
// checked; a new one is linked into place, which fails if anything
// appeared under its name since. It returns why it did not, or "".
func place(dir *os.Root, tmp, base string, t Target) string {
	if t.Exists() {
		if st, err := dir.Lstat(base); err != nil || !os.SameFile(st, t.info) {
			return changed(t)
		}
		if err := dir.Rename(tmp, base); err != nil {
			return fmt.Sprintf("%s: %v", t.Real, err)
		}
		return ""
	}
	err := dir.Link(tmp, base)
	switch {
	case err == nil:
		_ = dir.Remove(tmp)
		return ""
	case errors.Is(err, fs.ErrExist):
		return fmt.Sprintf("refused: %s appeared after it was checked; nothing was written", t.Real)
	}
	// No hard links on this file system: check, then rename.
	if _, err := dir.Lstat(base); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("refused: %s appeared after it was checked; nothing was written", t.Real)
	}
	if err := dir.Rename(tmp, base); err != nil {
		return fmt.Sprintf("%s: %v", t.Real, err)
	}
	return ""
}

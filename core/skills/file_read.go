package skills

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"
)

// File-reading limits. A file larger than maxFileRead is cut: only its
// first maxFileRead bytes are read, at most maxFileChars characters are
// shown, and a note gives the file's full size.
const (
	maxFileChars = 50_000
	maxFileRead  = 1 << 20
)

// Read returns the text of a target resolved by Resolve. Only regular files
// are read: a FIFO, a socket or a device would hang the read or never end.
// The file opened must be the one resolved; if the path was changed to lead
// elsewhere in between, nothing is read.
func (f FileSkill) Read(t Target) Result {
	switch {
	case !t.Exists():
		return Fail(fmt.Sprintf("no such file or directory: %s", t.Abs))
	case t.IsDir():
		return Fail(fmt.Sprintf("%s is a directory: use \"list directory %s\"", t.Abs, t.Abs))
	case !t.info.Mode().IsRegular():
		return Fail(notRegular(t.Real, t.info.Mode()))
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return Fail(fmt.Sprintf("cannot open the allowed root %s: %v", f.Root, err))
	}
	defer root.Close()
	// O_NONBLOCK: should the file have become a FIFO since it was
	// resolved, opening it must not wait for a writer.
	fh, err := root.OpenFile(t.relTo(t.Real), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Fail(f.describe(t.Abs, err))
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return Fail(f.describe(t.Abs, err))
	}
	if !os.SameFile(st, t.info) {
		return Fail(changed(t))
	}
	if !st.Mode().IsRegular() {
		return Fail(notRegular(t.Real, st.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxFileRead))
	if err != nil {
		return Fail(f.describe(t.Abs, err))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return Fail(fmt.Sprintf("%s looks like a binary file (%d bytes); not shown", t.Abs, st.Size()))
	}
	text := strings.ToValidUTF8(string(data), "\uFFFD")
	if utf8.RuneCountInString(text) > maxFileChars || st.Size() > maxFileRead {
		text = string([]rune(text)[:min(maxFileChars, utf8.RuneCountInString(text))])
		text += fmt.Sprintf("\n[... truncated: %s is %d bytes]", t.Abs, st.Size())
	}
	return OK(text)
}

// notRegular refuses a file that is not a regular file, naming its kind.
func notRegular(p string, m fs.FileMode) string {
	kind := "not a regular file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Sprintf("refused: %s is %s, not a regular file; only regular files are read or written", p, kind)
}

// changed refuses a target whose path led somewhere else by the time it
// was used than when it was checked.
func changed(t Target) string {
	return fmt.Sprintf("refused: %s changed after it was checked (it no longer leads to the same file %s); nothing was done", t.Path, t.Real)
}

func (f FileSkill) list(root *os.Root, abs, rel string) Result {
	// O_DIRECTORY: a FIFO or device given as a directory fails at once
	// instead of blocking the open.
	dir, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ENOTDIR) {
		return Fail(fmt.Sprintf("%s is not a directory", abs))
	}
	if err != nil {
		return Fail(f.describe(abs, err))
	}
	defer dir.Close()
	entries, err := dir.ReadDir(-1)
	if err != nil {
		if st, serr := dir.Stat(); serr == nil && !st.IsDir() {
			return Fail(fmt.Sprintf("%s is not a directory", abs))
		}
		return Fail(f.describe(abs, err))
	}
	if len(entries) == 0 {
		return OK("(empty directory)")
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
		if e.IsDir() {
			names[i] += "/"
		}
	}
	sort.Strings(names)
	return OK(strings.Join(names, "\n"))
}

func (f FileSkill) exists(root *os.Root, abs, rel string) Result {
	st, err := root.Stat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return OK("Does not exist: " + abs)
	case err != nil:
		return Fail(f.describe(abs, err))
	case st.IsDir():
		return OK("Exists: " + abs + " (directory)")
	}
	return OK(fmt.Sprintf("Exists: %s (file, %d bytes)", abs, st.Size()))
}

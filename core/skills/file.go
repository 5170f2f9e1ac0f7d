package skills

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// File-reading limits: what is shown of a file, and how much is read.
const (
	maxFileChars = 50_000
	maxFileRead  = 1 << 20
)

// FileSkill reads, writes and lists files confined to one root directory
// ($HOME). Paths are resolved through os.Root, so neither "../" nor a
// symlink can lead outside it.
type FileSkill struct {
	Root    string // absolute; the only tree this skill may touch
	WorkDir string // relative paths are taken from here
}

// Run performs the intent's action: read, write, list or exists.
func (f FileSkill) Run(_ context.Context, in Intent) Result {
	path := strings.TrimSpace(in.Arg("path"))
	if path == "" {
		return Fail("no path given: say which file, e.g. \"read file ~/notes.txt\"")
	}
	abs, rel, err := f.resolve(path)
	if err != nil {
		return Fail(err.Error())
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return Fail(fmt.Sprintf("cannot open the allowed root %s: %v", f.Root, err))
	}
	defer root.Close()

	switch in.Action {
	case "read", "":
		return f.read(root, abs, rel)
	case "write":
		return f.write(root, abs, rel, in.Arg("content"))
	case "list":
		return f.list(root, abs, rel)
	case "exists":
		return f.exists(root, abs, rel)
	}
	return Fail(fmt.Sprintf("unknown file action %q: use read, write, list or exists", in.Action))
}

// resolve turns what a person typed into an absolute path and a path
// relative to the root, refusing anything outside the root.
func (f FileSkill) resolve(p string) (abs, rel string, err error) {
	switch {
	case p == "~":
		p = f.Root
	case strings.HasPrefix(p, "~/"):
		p = filepath.Join(f.Root, p[2:])
	case !filepath.IsAbs(p):
		p = filepath.Join(f.WorkDir, p)
	}
	abs = filepath.Clean(p)
	rel, err = filepath.Rel(f.Root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", "", fmt.Errorf("refused: %s is outside the allowed root %s", abs, f.Root)
	}
	return abs, rel, nil
}

// describe turns an os.Root error into a sentence naming the path.
func (f FileSkill) describe(abs string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("no such file or directory: %s", abs)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("permission denied: %s", abs)
	case strings.Contains(err.Error(), "escapes from parent"):
		return fmt.Sprintf("refused: %s leads outside the allowed root %s through a symlink", abs, f.Root)
	}
	return fmt.Sprintf("%s: %v", abs, err)
}

func (f FileSkill) read(root *os.Root, abs, rel string) Result {
	fh, err := root.Open(rel)
	if err != nil {
		return Fail(f.describe(abs, err))
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return Fail(f.describe(abs, err))
	}
	if st.IsDir() {
		return Fail(fmt.Sprintf("%s is a directory: use \"list directory %s\"", abs, abs))
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxFileRead))
	if err != nil {
		return Fail(f.describe(abs, err))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return Fail(fmt.Sprintf("%s looks like a binary file (%d bytes); not shown", abs, st.Size()))
	}
	text := strings.ToValidUTF8(string(data), "\uFFFD")
	if utf8.RuneCountInString(text) > maxFileChars || st.Size() > maxFileRead {
		text = string([]rune(text)[:min(maxFileChars, utf8.RuneCountInString(text))])
		text += fmt.Sprintf("\n[... truncated: %s is %d bytes]", abs, st.Size())
	}
	return OK(text)
}

func (f FileSkill) write(root *os.Root, abs, rel, content string) Result {
	if dir := filepath.Dir(rel); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return Fail(f.describe(filepath.Dir(abs), err))
		}
	}
	mode, keepMode := fs.FileMode(0o644), false
	if st, err := root.Stat(rel); err == nil {
		if st.IsDir() {
			return Fail(fmt.Sprintf("%s is a directory", abs))
		}
		mode, keepMode = st.Mode().Perm(), true
	}
	// Write a temporary file beside the target and rename it over, so a
	// crash never leaves a half-written file.
	tmp := rel + ".macroa-tmp"
	fh, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return Fail(f.describe(abs, err))
	}
	var werr error
	if keepMode {
		// The umask trimmed the mode OpenFile created the file with; an
		// existing file keeps exactly the mode it had.
		werr = fh.Chmod(mode)
	}
	if werr == nil {
		_, werr = fh.WriteString(content)
	}
	cerr := fh.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = root.Remove(tmp)
		return Fail(f.describe(abs, err))
	}
	if err := root.Rename(tmp, rel); err != nil {
		_ = root.Remove(tmp)
		return Fail(f.describe(abs, err))
	}
	return OK(fmt.Sprintf("Written to %s (%d bytes)", abs, len(content)))
}

func (f FileSkill) list(root *os.Root, abs, rel string) Result {
	dir, err := root.Open(rel)
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

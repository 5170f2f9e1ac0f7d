package skills

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FileSkill reads, writes and lists files confined to one root directory
// ($HOME). Paths are resolved through os.Root, so neither "../" nor a
// symlink can lead outside it. Reads and writes act on the real target (see
// Resolve), so what is checked is what is touched.
type FileSkill struct {
	Root    string // absolute; the only tree this skill may touch
	WorkDir string // relative paths are taken from here

	// DataDir is Macroa's data directory (config.Config.Home). Nothing is
	// written inside it: the database, .env, config.toml, logs and keys
	// there have their own commands. "" protects nothing.
	DataDir string
	// DataFiles are Macroa's files that may live outside DataDir (the
	// database, the log, config.toml); they are never written either.
	DataFiles []string
}

// Run performs the intent's action: read, write, list or exists.
func (f FileSkill) Run(_ context.Context, in Intent) Result {
	path := strings.TrimSpace(in.Arg("path"))
	if path == "" {
		return Fail("no path given: say which file, e.g. \"read file ~/notes.txt\"")
	}
	switch in.Action {
	case "read", "", "write":
		t, err := f.Resolve(path)
		if err != nil {
			return Fail(err.Error())
		}
		write := in.Action == "write"
		if why := f.WriteRefusal(t); why != "" && write {
			return Fail(why)
		}
		if why := t.diverted(write); why != "" {
			return Fail(why)
		}
		if write {
			return f.Write(t, in.Arg("content"))
		}
		return f.Read(t)
	case "list", "exists":
	default:
		return Fail(fmt.Sprintf("unknown file action %q: use read, write, list or exists", in.Action))
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
	if in.Action == "list" {
		return f.list(root, abs, rel)
	}
	return f.exists(root, abs, rel)
}

// resolve turns what a person typed into an absolute path and a path
// relative to the root, refusing anything outside the root. It is lexical:
// symlinks are left to Resolve and to os.Root.
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
	rel, ok := within(f.Root, abs)
	if !ok {
		return "", "", fmt.Errorf("refused: %s is outside the allowed root %s", abs, f.Root)
	}
	return abs, rel, nil
}

// within returns p relative to dir, and whether p is dir or below it.
func within(dir, p string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
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

package skills

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/macroa/macroa/secretpath"
)

// maxSymlinks bounds the symlinks one path may pass through, like the
// kernel's ELOOP limit.
const maxSymlinks = 40

// Target is a path as typed and the file it really names, as found when it
// was resolved. Read and Write act on that same file only: when the path
// leads somewhere else by the time they run, they refuse.
type Target struct {
	Path string // as typed
	Abs  string // absolute and cleaned; symlinks not followed
	Real string // Abs with every symlink resolved as far as the path exists, the rest appended

	root    string
	info    fs.FileInfo // Real's own entry (never a symlink); nil when it does not exist
	dir     string      // the deepest existing directory above Real (real, absolute)
	dirInfo fs.FileInfo
}

// Exists reports whether the target existed when it was resolved.
func (t Target) Exists() bool { return t.info != nil }

// IsDir reports whether the target was a directory when it was resolved.
func (t Target) IsDir() bool { return t.info != nil && t.info.IsDir() }

// Secret says why the target may hold credentials, judged on the path as
// typed and on the real target, or "" when neither looks like one.
func (t Target) Secret() string {
	if why := secretpath.Why(t.Abs); why != "" {
		return why
	}
	return secretpath.Why(t.Real)
}

// Hidden returns the path, as typed or real, that passes through a hidden
// name below the root (.ssh, .config, .bashrc …), or "".
func (t Target) Hidden() string {
	for _, p := range []string{t.Abs, t.Real} {
		if hiddenIn(t.root, p) {
			return p
		}
	}
	return ""
}

func hiddenIn(root, p string) bool {
	rel, ok := within(root, p)
	if !ok {
		return false
	}
	for _, part := range splitPath(rel) {
		if strings.HasPrefix(part, ".") && part != "." && part != ".." {
			return true
		}
	}
	return false
}

// diverted says why a typed path is refused because a symlink leads it
// somewhere the person did not name: to a credentials file, or, for a
// write, under a hidden path. Naming that file itself is not refused.
func (t Target) diverted(write bool) string {
	if t.Real == t.Abs {
		return ""
	}
	why := ""
	if secretpath.Why(t.Abs) == "" {
		why = secretpath.Why(t.Real)
	}
	if why == "" && write && !hiddenIn(t.root, t.Abs) && hiddenIn(t.root, t.Real) {
		why = "a hidden path, where settings, keys and start-up scripts live"
	}
	if why == "" {
		return ""
	}
	return fmt.Sprintf("refused: %s leads through a symlink to %s (%s); name that file itself if you mean it", t.Path, t.Real, why)
}

// Shown names the target for a person: the path as typed, and where it
// really leads when that differs.
func (t Target) Shown() string {
	if t.Real == t.Abs {
		return t.Path
	}
	return fmt.Sprintf("%s (which leads to %s)", t.Path, t.Real)
}

// Resolve finds the file a typed path names: relative paths from WorkDir,
// "~" as the root, and every symlink followed inside the root, as far as
// the path exists. A path that leaves the root, lexically or through a
// symlink, is refused.
func (f FileSkill) Resolve(p string) (Target, error) {
	p = strings.TrimSpace(p)
	abs, rel, err := f.resolve(p)
	if err != nil {
		return Target{}, err
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return Target{}, fmt.Errorf("cannot open the allowed root %s: %w", f.Root, err)
	}
	defer root.Close()
	rootInfo, err := root.Stat(".")
	if err != nil {
		return Target{}, fmt.Errorf("cannot read the allowed root %s: %w", f.Root, err)
	}
	escape := fmt.Errorf("refused: %s leads outside the allowed root %s through a symlink", abs, f.Root)

	t := Target{Path: p, Abs: abs, root: f.Root}
	var done []string                // resolved names below the root, none a symlink
	infos := []fs.FileInfo{rootInfo} // infos[i] describes done[:i]
	todo := splitPath(rel)
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return Target{}, escape
			}
			done, infos = done[:len(done)-1], infos[:len(infos)-1]
			continue
		}
		name := filepath.Join(append(slices.Clip(done), c)...)
		st, err := root.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			if slices.Contains(todo, "..") {
				return Target{}, errors.New(f.describe(abs, err))
			}
			t.Real = filepath.Join(append([]string{f.Root, name}, todo...)...)
			t.dir, t.dirInfo = filepath.Join(f.Root, filepath.Join(done...)), infos[len(infos)-1]
			return t, nil
		}
		if err != nil {
			return Target{}, errors.New(f.describe(abs, err))
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			if links++; links > maxSymlinks {
				return Target{}, fmt.Errorf("refused: %s passes through more than %d symlinks", abs, maxSymlinks)
			}
			dest, err := root.Readlink(name)
			if err != nil {
				return Target{}, errors.New(f.describe(abs, err))
			}
			if filepath.IsAbs(dest) {
				r, ok := within(f.Root, filepath.Clean(dest))
				if !ok {
					return Target{}, escape
				}
				done, infos = nil, infos[:1]
				dest = r
			}
			todo = append(splitPath(dest), todo...)
			continue
		}
		if !st.IsDir() && slices.ContainsFunc(todo, func(s string) bool { return s != "" && s != "." }) {
			return Target{}, fmt.Errorf("%s is not a directory, on the way to %s", filepath.Join(f.Root, name), abs)
		}
		done, infos = append(done, c), append(infos, st)
	}
	t.Real = filepath.Join(f.Root, filepath.Join(done...))
	t.info = infos[len(infos)-1]
	t.dir, t.dirInfo = f.Root, rootInfo
	if len(done) > 0 {
		t.dir, t.dirInfo = filepath.Join(f.Root, filepath.Join(done[:len(done)-1]...)), infos[len(infos)-2]
	}
	return t, nil
}

func splitPath(p string) []string { return strings.Split(p, string(filepath.Separator)) }

// relTo returns a real path inside the root relative to it, "." for the root.
func (t Target) relTo(p string) string {
	rel, _ := within(t.root, p)
	return rel
}

package skills

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sqliteSidecars are the files SQLite keeps beside a database.
var sqliteSidecars = []string{"", "-wal", "-shm", "-journal"}

// dataTarget says why t may not be written because the path as typed, or
// the file it leads to, is Macroa's own data; "" when it is neither.
func (f FileSkill) dataTarget(t Target) string {
	for _, p := range []string{t.Abs, t.Real} {
		if why := f.dataFile(p); why != "" {
			return why
		}
	}
	return ""
}

// dataFile says why p may not be written because it is Macroa's own data
// (DataDir, DataFiles), or "". Names are compared without regard to case,
// and by file identity, so a case-insensitive file system, a bind mount or
// a second name for the data directory leads to the same refusal.
func (f FileSkill) dataFile(p string) string {
	refuse := func(what string) string {
		return fmt.Sprintf("refused: %s is %s; Macroa's own files (database, .env, config.toml, logs, keys) "+
			"are changed with its commands (macroa config, memory, audit), not written as files", p, what)
	}
	for _, file := range f.DataFiles {
		if file != "" && isFile(p, file) {
			return refuse("Macroa's file " + file)
		}
	}
	if f.DataDir == "" {
		return ""
	}
	dirs := []string{filepath.Clean(f.DataDir)}
	if real, err := filepath.EvalSymlinks(f.DataDir); err == nil && real != dirs[0] {
		dirs = append(dirs, real)
	}
	if _, ok := withinFold(dirs[0], f.Root); ok {
		// The data directory holds the whole root (MACROA_HOME=$HOME):
		// refusing all of it would refuse every write, so only its own
		// files are kept.
		for _, name := range []string{".env", "config.toml"} {
			if isFile(p, filepath.Join(f.DataDir, name)) {
				return refuse("Macroa's file " + name)
			}
		}
		return ""
	}
	for _, d := range dirs {
		if _, ok := withinFold(d, p); ok {
			return refuse("inside Macroa's data directory " + f.DataDir)
		}
	}
	if ds, err := os.Stat(f.DataDir); err == nil {
		for q := p; ; q = filepath.Dir(q) {
			if st, err := os.Lstat(q); err == nil && os.SameFile(st, ds) {
				return refuse("inside Macroa's data directory " + f.DataDir)
			}
			if filepath.Dir(q) == q {
				break
			}
		}
	}
	return ""
}

// isFile reports whether p names file or one of its SQLite sidecars, by
// name (ignoring case) or by identity.
func isFile(p, file string) bool {
	for _, s := range sqliteSidecars {
		if strings.EqualFold(filepath.Clean(p), filepath.Clean(file)+s) {
			return true
		}
	}
	a, err := os.Stat(p)
	if err != nil {
		return false
	}
	b, err := os.Stat(file)
	return err == nil && os.SameFile(a, b)
}

// withinFold is within, ignoring case.
func withinFold(dir, p string) (string, bool) {
	return within(strings.ToLower(dir), strings.ToLower(p))
}

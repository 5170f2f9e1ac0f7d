package secretpath

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WhyResolved is Why for a path on this machine: it judges p as written and
// the file p really names once every symlink on the way is followed, so a
// link to ~/.ssh/id_rsa from a harmless-looking name is secret too. A
// relative p is taken from this process's working directory.
func WhyResolved(p string) string {
	if why := Why(p); why != "" {
		return why
	}
	if why := climbResolvedWhy(p); why != "" {
		return why
	}
	real, err := Resolve(p)
	if err != nil {
		return ""
	}
	return Why(real)
}

// Resolve returns p made absolute with every symlink resolved as far as the
// path exists; the part that does not exist yet is appended as written.
func Resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !os.IsNotExist(err) || dir == filepath.Dir(dir) {
			return "", err
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// climbResolvedWhy judges a path with ".." as the kernel reads it: each
// ".." climbs from where the links before it lead, not from the text, so
// "docs/../config" with docs a link to ~/.ssh/x names ~/.ssh/config.
func climbResolvedWhy(p string) string {
	if !slices.Contains(strings.Split(filepath.ToSlash(p), "/"), "..") {
		return ""
	}
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return ""
		}
		p = wd + string(filepath.Separator) + p
	}
	// A ".." right after a link into /proc or /dev/fd climbs into a
	// process's directory, whatever comes after (another process's open
	// pipe cannot be resolved here, yet can be read).
	parts := strings.Split(p, string(filepath.Separator))
	for k := 1; k < len(parts); k++ {
		if parts[k] != ".." {
			continue
		}
		prefix := strings.Join(parts[:k], string(filepath.Separator))
		if real, err := filepath.EvalSymlinks(prefix); err == nil {
			if why := climbWhy(strings.ToLower(filepath.ToSlash(real)) + "/.."); why != "" {
				return why
			}
		}
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "" // a missing step: the command cannot open it either
	}
	return Why(real)
}

package config

import (
	"path/filepath"
	"strings"
)

// resolvePath expands "~" and makes a relative path absolute against
// baseDir (the directory of the file it was written in, or the working
// directory for the environment).
func resolvePath(raw, baseDir, userHome string) (string, string) {
	if raw == "" {
		return "", "must not be empty"
	}
	if raw == "~" || strings.HasPrefix(raw, "~/") || strings.HasPrefix(raw, `~\`) {
		if userHome == "" {
			return "", "uses ~ but the home directory is unknown"
		}
		return filepath.Join(userHome, raw[1:]), ""
	}
	if strings.HasPrefix(raw, "~") {
		return "", "~user paths are not supported; write the full path"
	}
	if !filepath.IsAbs(raw) && baseDir != "" {
		raw = filepath.Join(baseDir, raw)
	}
	return filepath.Clean(raw), ""
}

func expandTilde(p, userHome string) string {
	if userHome != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		return filepath.Join(userHome, p[1:])
	}
	return p
}

// resolvePathLike resolves a path for comparison, ignoring errors.
func (l *loader) resolvePathLike(raw, base string) string {
	p, _ := resolvePath(strings.TrimSpace(raw), base, l.opts.UserHome)
	return p
}

func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// display shows a path with the home directory written as "~".
func (l *loader) display(p string) string {
	h := l.opts.UserHome
	if h != "" {
		if rel, err := filepath.Rel(h, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if rel == "." {
				return "~"
			}
			return "~" + string(filepath.Separator) + rel
		}
	}
	return p
}

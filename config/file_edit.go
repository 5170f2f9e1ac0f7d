package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// ErrCannotEdit is what SetFileAutonomy reports when the file writes the
// key in a form it does not rewrite (an inline table, a multi-line value):
// the file is left as it was, for a person to edit.
var ErrCannotEdit = errors.New("cannot rewrite this file's key safely")

// SetFileAutonomy writes an autonomy level into config.toml: [policy]
// autonomy when host is "", else the host's entry in [policy.hosts]. The
// rest of the file, comments and layout included, stays as it was; a file
// that does not exist yet is made (mode 0600). A file that does not parse
// or validate is never touched: its error comes back, as Load reports it;
// the one exception is a file whose only error is the very key being
// written (an unknown level, a host that is no longer one), which this
// repairs. Nor is an edit written whose result would not read back as
// level. display names the file in errors ("~/.macroa/config.toml").
func SetFileAutonomy(path, display, host string, level Autonomy) error {
	if err := level.UnmarshalText([]byte(level)); err != nil {
		return err
	}
	_, err := editAutonomy(path, display, host, func(text string) (string, bool, error) {
		next, err := withAutonomy(text, host, level)
		return next, true, err
	}, func(pf *parsedFile) bool { return autonomyFor(pf.file.Policy, host) == level })
	return err
}

// ClearFileAutonomy removes the level config.toml sets for host: its
// entry in [policy.hosts], so the host follows the global level again, or
// with host "" [policy] autonomy, so the default applies. Only that line
// goes; comments and layout stay. removed is false when the file sets no
// such level (nothing is written). A broken file is refused as by
// SetFileAutonomy, and repaired the same way when its only error is that
// key.
func ClearFileAutonomy(path, display, host string) (removed bool, err error) {
	key := AutonomyKey(host)
	return editAutonomy(path, display, host, func(text string) (string, bool, error) {
		return withoutAutonomy(text, host)
	}, func(pf *parsedFile) bool {
		if host == "" {
			return !pf.defined(key)
		}
		_, ok := pf.file.Policy.Hosts[host]
		return !ok
	})
}

// editAutonomy reads config.toml, refuses it unless it loads (or its only
// error is host's autonomy key), applies edit, and writes the result when
// it parses and holds. changed false from edit writes nothing; the file
// must then hold already.
func editAutonomy(path, display, host string, edit func(string) (next string, changed bool, err error), holds func(*parsedFile) bool) (bool, error) {
	key := AutonomyKey(host)
	target, text, exists, err := readForUpdate(path)
	if err != nil {
		return false, err
	}
	var before *parsedFile
	if exists {
		pf, err := parseFile([]byte(text), display, "")
		if h, ok := AutonomyErrorHost(err); err != nil && (!ok || h != host) {
			return false, err
		}
		before = pf // nil when the file is to be repaired
	}
	next, changed, err := edit(text)
	if err != nil {
		return false, err
	}
	cannot := fmt.Errorf("%s: %w (set %s by hand)", display, ErrCannotEdit, key)
	if !changed && (before != nil || !exists) {
		if before != nil && !holds(before) {
			return false, cannot // written in a form the editor does not see
		}
		return false, nil
	}
	pf, err := parseFile([]byte(next), display, "")
	var fe *FileError
	switch {
	case errors.As(err, &fe) && fe.Field == key:
		return false, fmt.Errorf("%w (nothing was written)", err)
	case errors.As(err, &fe) && strings.HasPrefix(fe.Msg, "syntax error"):
		return false, cannot // the edit broke the line: nothing is written
	case err != nil && before == nil && exists:
		// The key is repaired; what is left is the file's own error.
		return false, fmt.Errorf("%w (nothing was written)", err)
	case err != nil || !holds(pf) || !changed:
		return false, cannot
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return false, fmt.Errorf("write %s: %w", display, err)
	}
	return true, writeFileAtomic(target, []byte(next), 0o600)
}

// AutonomyErrorHost reports whether err (as Load or SetFileAutonomy
// return it) is only about one autonomy level in config.toml, and whose:
// "" for [policy] autonomy, else the [policy.hosts] entry's host. Such a
// file is repaired by setting or clearing that level.
func AutonomyErrorHost(err error) (host string, ok bool) {
	var fields []string
	if !fileErrorFields(err, &fields) || len(fields) == 0 {
		return "", false
	}
	for _, f := range fields[1:] {
		if f != fields[0] {
			return "", false
		}
	}
	names, rest, parsed := parseKeyPath(fields[0])
	switch {
	case !parsed || rest != "" || names[0] != "policy":
		return "", false
	case len(names) == 2 && names[1] == "autonomy":
		return "", true
	case len(names) == 3 && names[1] == "hosts":
		return names[2], true
	}
	return "", false
}

// fileErrorFields collects the fields of the FileErrors err is made of;
// false when any part of it is another error.
func fileErrorFields(err error, out *[]string) bool {
	switch x := err.(type) {
	case *FileError:
		*out = append(*out, x.Field)
		return true
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			if !fileErrorFields(e, out) {
				return false
			}
		}
		return true
	case interface{ Unwrap() error }:
		return fileErrorFields(x.Unwrap(), out)
	}
	return false
}

// autonomyFor is the level the file sets for host ("" the global one),
// "" when it sets none.
func autonomyFor(p Policy, host string) Autonomy {
	if host == "" {
		return p.Autonomy
	}
	return p.Hosts[host]
}

// AutonomyKey is the config.toml key holding the level of host ("" the
// global one), written as FileError and FileSource name keys.
func AutonomyKey(host string) string {
	if host == "" {
		return path("policy", "autonomy")
	}
	return path("policy", "hosts", host)
}

// withAutonomy returns text with the level written: the key's value
// replaced where the file writes it, else a line added under its table's
// header, else the table added at the end.
func withAutonomy(text, host string, level Autonomy) (string, error) {
	table, name := []string{"policy"}, "autonomy"
	if host != "" {
		table, name = []string{"policy", "hosts"}, host
	}
	assign := toml.Key{name}.String() + " = " + strconv.Quote(string(level))
	nl := "\n"
	if strings.Contains(text, "\r\n") {
		nl = "\r\n"
	}
	body := strings.TrimPrefix(text, "\uFEFF")
	bom := text[:len(text)-len(body)]
	lines := strings.Split(body, "\n")
	kl := scanKeyLines(body)

	key := append(append([]string(nil), table...), name)
	if kl.has(path(key...)) {
		i := kl.exact[path(key...)] - 1
		line, ok := replaceStringValue(lines[i])
		if !ok {
			return "", fmt.Errorf("%s at line %d: %w (set it by hand)", path(key...), i+1, ErrCannotEdit)
		}
		lines[i] = line(string(level))
		return bom + strings.Join(lines, "\n"), nil
	}
	if n, ok := kl.exact[path(table...)]; ok && isHeader(lines[n-1], table) {
		cr := strings.TrimSuffix(nl, "\n")
		lines = append(lines[:n], append([]string{assign + cr}, lines[n:]...)...)
		return bom + strings.Join(lines, "\n"), nil
	}
	out := body
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += nl
	}
	if strings.TrimSpace(out) != "" {
		out += nl
	}
	out += "[" + path(table...) + "]" + nl + assign + nl
	return bom + out, nil
}

// isHeader reports whether line is the table header [table...] (not an
// array of tables).
func isHeader(line string, table []string) bool {
	s := strings.TrimLeft(strings.TrimRight(line, "\r"), " \t\uFEFF")
	if !strings.HasPrefix(s, "[") || strings.HasPrefix(s, "[[") {
		return false
	}
	names, rest, ok := parseKeyPath(s[1:])
	if !ok || !strings.HasPrefix(rest, "]") || len(names) != len(table) {
		return false
	}
	for i := range names {
		if names[i] != table[i] {
			return false
		}
	}
	return true
}

// replaceStringValue reads a line "key = "value" # comment" whose value is
// a one-line string or a bare scalar (a wrong type to repair), and returns a function that writes it with another
// value, keeping the key as written and what follows the value.
func replaceStringValue(line string) (func(string) string, bool) {
	lead := len(line) - len(strings.TrimLeft(line, " \t\uFEFF"))
	_, rest, ok := parseKeyPath(line[lead:])
	if !ok || !strings.HasPrefix(rest, "=") {
		return nil, false
	}
	eq := len(line) - len(rest)
	after := rest[1:]
	vstart := eq + 1 + len(after) - len(strings.TrimLeft(after, " \t"))
	v := line[vstart:]
	var end int
	switch {
	case strings.HasPrefix(v, `"""`), strings.HasPrefix(v, "'''"):
		return nil, false
	case strings.HasPrefix(v, `"`):
		end = 1
		for end < len(v) && v[end] != '"' {
			if v[end] == '\\' {
				end++
			}
			end++
		}
	case strings.HasPrefix(v, "'"):
		end = 1 + strings.IndexByte(v[1:], '\'')
		if end == 0 {
			return nil, false
		}
	case v == "", strings.ContainsAny(v[:1], "[{\r"):
		return nil, false
	default:
		// A bare value (a number, a boolean, a date): up to the blank
		// or comment after it.
		end = strings.IndexAny(v, " \t#\r")
		if end < 0 {
			end = len(v)
		}
		if end == 0 {
			return nil, false
		}
		end--
	}
	if end >= len(v) {
		return nil, false
	}
	head, tail := line[:vstart], v[end+1:]
	return func(val string) string { return head + strconv.Quote(val) + tail }, true
}

// withoutAutonomy returns text without the line that writes host's level
// ("" the global one); changed is false when no line writes it. A value
// that spans lines is not removed (ErrCannotEdit).
func withoutAutonomy(text, host string) (string, bool, error) {
	body := strings.TrimPrefix(text, "\uFEFF")
	bom := text[:len(text)-len(body)]
	key := AutonomyKey(host)
	kl := scanKeyLines(body)
	n, ok := kl.exact[key]
	if !ok {
		return text, false, nil
	}
	lines := strings.Split(body, "\n")
	i := n - 1
	line := strings.TrimRight(lines[i], "\r")
	s := strings.TrimLeft(line, " \t")
	names, rest, parsed := parseKeyPath(s)
	if !parsed || len(names) == 0 || !strings.HasPrefix(rest, "=") {
		// A table header ([policy.hosts.web1]): not a line to remove.
		return "", false, fmt.Errorf("%s at line %d: %w (remove it by hand)", key, n, ErrCannotEdit)
	}
	if skipValue(lines, i, len(line)-len(rest)+1) != i {
		return "", false, fmt.Errorf("%s at line %d: %w (remove it by hand)", key, n, ErrCannotEdit)
	}
	lines = append(lines[:i], lines[i+1:]...)
	return bom + strings.Join(lines, "\n"), true, nil
}

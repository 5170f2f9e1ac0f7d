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
// or validate is never touched: its error comes back, as Load reports it.
// Nor is an edit written whose result would not read back as level.
// display names the file in errors ("~/.macroa/config.toml").
func SetFileAutonomy(path, display, host string, level Autonomy) error {
	if err := level.UnmarshalText([]byte(level)); err != nil {
		return err
	}
	target, text, exists, err := readForUpdate(path)
	if err != nil {
		return err
	}
	if exists {
		if _, err := parseFile([]byte(text), display, ""); err != nil {
			return err
		}
	}
	next, err := withAutonomy(text, host, level)
	if err != nil {
		return err
	}
	pf, err := parseFile([]byte(next), display, "")
	var fe *FileError
	if errors.As(err, &fe) && fe.Field == AutonomyKey(host) {
		return fmt.Errorf("%w (nothing was written)", err)
	}
	if err != nil || autonomyFor(pf.file.Policy, host) != level {
		return fmt.Errorf("%s: %w (set %s by hand)", display, ErrCannotEdit, AutonomyKey(host))
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", display, err)
	}
	return writeFileAtomic(target, []byte(next), 0o600)
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
// a one-line string, and returns a function that writes it with another
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
	default:
		return nil, false
	}
	if end >= len(v) {
		return nil, false
	}
	head, tail := line[:vstart], v[end+1:]
	return func(val string) string { return head + strconv.Quote(val) + tail }, true
}

package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// .env syntax:
//
//	# a comment line; blank lines are ignored
//	KEY=value                  unquoted: trimmed; " # text" starts a comment
//	export KEY=value           "export " is optional
//	KEY='literal value'        no escapes
//	KEY="line\nnext \"q\" \\"  escapes: \n \r \t \" \\ (others are kept as written)
//
// A quoted value may continue over several lines until its closing quote.
// After a closing quote only blanks and a comment may follow. Anything else
// is an error naming the file and line. The last assignment of a name wins.

// maxFileSize bounds every file Load reads.
const maxFileSize = 1 << 20

// envRecord is one logical entry of a .env file: a blank or comment line,
// an assignment (possibly spanning lines), or a malformed line.
type envRecord struct {
	start, end int // 0-based line indices, inclusive
	assign     bool
	export     bool
	key, value string
	err        string // non-empty for a malformed line
}

// envEntry is one assignment, with its 1-based line.
type envEntry struct {
	key, value string
	line       int
}

// splitLines splits text into lines without their "\n" or "\r\n"; a final
// newline does not make an empty last line.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// parseEnvRecords reads every line into records; malformed lines become
// records with err set, so a rewrite can keep them verbatim.
func parseEnvRecords(lines []string) []envRecord {
	var recs []envRecord
	for i := 0; i < len(lines); i++ {
		r := parseEnvRecord(lines, i)
		recs = append(recs, r)
		i = r.end
	}
	return recs
}

func parseEnvRecord(lines []string, i int) envRecord {
	r := envRecord{start: i, end: i}
	t := strings.TrimLeft(lines[i], " \t")
	if i == 0 {
		t = strings.TrimLeft(strings.TrimPrefix(t, "\uFEFF"), " \t")
	}
	if t == "" || t[0] == '#' {
		return r
	}
	if len(t) > 7 && strings.HasPrefix(t, "export") && (t[6] == ' ' || t[6] == '\t') {
		r.export = true
		t = strings.TrimLeft(t[7:], " \t")
	}
	eq := strings.IndexByte(t, '=')
	if eq < 0 {
		r.err = "expected KEY=value"
		return r
	}
	r.key = strings.TrimRight(t[:eq], " \t")
	if !reEnvName.Get().MatchString(r.key) {
		r.key = ""
		r.err = "expected KEY=value, where KEY is letters, digits and _ (not starting with a digit)"
		return r
	}
	raw := t[eq+1:]
	rest := strings.TrimLeft(raw, " \t")
	switch {
	case strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "'"):
		val, end, tail, ok := readQuoted(lines, i, rest)
		if !ok {
			r.err = "unterminated quoted value"
			return r
		}
		tail = strings.TrimLeft(tail, " \t")
		if tail != "" && tail[0] != '#' {
			r.err = "unexpected text after the closing quote"
			return r
		}
		r.value, r.end = val, end
	default:
		for j := 1; j < len(raw); j++ {
			if raw[j] == '#' && (raw[j-1] == ' ' || raw[j-1] == '\t') {
				raw = raw[:j]
				break
			}
		}
		r.value = strings.TrimSpace(raw)
	}
	r.assign = true
	return r
}

// readQuoted reads a quoted value starting at rest (which begins with the
// quote) on line i, continuing over later lines until the closing quote.
// It returns the value, the line of the closing quote, and the text after it.
func readQuoted(lines []string, i int, rest string) (val string, end int, tail string, ok bool) {
	q := rest[0]
	s := rest[1:]
	var b strings.Builder
	for {
		for j := 0; j < len(s); j++ {
			c := s[j]
			switch {
			case c == q:
				return b.String(), i, s[j+1:], true
			case c == '\\' && q == '"' && j+1 < len(s):
				j++
				switch s[j] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case '"', '\\':
					b.WriteByte(s[j])
				default:
					b.WriteByte('\\')
					b.WriteByte(s[j])
				}
			default:
				b.WriteByte(c)
			}
		}
		i++
		if i >= len(lines) {
			return "", 0, "", false
		}
		b.WriteByte('\n')
		s = lines[i]
	}
}

// parseEnv parses a .env file's text. display names the file in errors.
func parseEnv(text, display string) ([]envEntry, error) {
	var out []envEntry
	for _, r := range parseEnvRecords(splitLines(text)) {
		if r.err != "" {
			return nil, &FileError{File: display, Line: r.start + 1, Msg: r.err}
		}
		if r.assign {
			out = append(out, envEntry{key: r.key, value: r.value, line: r.start + 1})
		}
	}
	return out, nil
}

// readSmallFile reads a file of at most maxFileSize bytes. A missing file
// gives ok == false and no error; so does a path through something that is
// not a directory (a data dir that is a file is reported by whoever
// creates the data dir, with advice).
func readSmallFile(path string) (data []byte, mode os.FileMode, ok bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, false, err
	}
	if st.IsDir() {
		return nil, 0, false, fmt.Errorf("is a directory")
	}
	data, err = io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, 0, false, err
	}
	if len(data) > maxFileSize {
		return nil, 0, false, fmt.Errorf("is larger than %d bytes", maxFileSize)
	}
	return data, st.Mode().Perm(), true, nil
}

// quoteEnvValue writes a value so that parseEnv reads it back unchanged:
// bare when it is plain, in single quotes when that suffices, otherwise in
// double quotes with escapes.
func quoteEnvValue(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	plain, single := true, !strings.Contains(v, "'")
	for _, r := range v {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			plain, single = false, false
		case r < 0x20 || r == 0x7f:
			return "", fmt.Errorf("value contains a control character")
		case !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:@+,%=^~", r)):
			plain = false
		}
	}
	switch {
	case plain:
		return v, nil
	case single:
		return "'" + v + "'", nil
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(v) + `"`, nil
}

// SetEnvFileValue sets name=value in the .env file at path, creating the
// file if needed (not its directory). Other lines and comments are kept; the
// first assignment of name is replaced in place (keeping "export "), later
// ones are removed, or the assignment is appended. The value is quoted when
// it needs it. The file is written atomically (temporary file and rename) and
// always ends up with mode 0600, which also tightens an existing file. A
// symlink is followed, so the file it points to is updated.
func SetEnvFileValue(path, name, value string) error {
	if !reEnvName.Get().MatchString(name) {
		return fmt.Errorf("set %s in %s: not a variable name", name, path)
	}
	quoted, err := quoteEnvValue(value)
	if err != nil {
		return fmt.Errorf("set %s in %s: %w", name, path, err)
	}
	target, text, _, err := readForUpdate(path)
	if err != nil {
		return err
	}
	lines := splitLines(text)
	out := make([]string, 0, len(lines)+1)
	done := false
	for _, r := range parseEnvRecords(lines) {
		if r.assign && r.key == name {
			if !done {
				line := name + "=" + quoted
				if r.export {
					line = "export " + line
				}
				if r.start == 0 && strings.HasPrefix(lines[0], "\uFEFF") {
					line = "\uFEFF" + line
				}
				out = append(out, line)
				done = true
			}
			continue
		}
		out = append(out, lines[r.start:r.end+1]...)
	}
	if !done {
		out = append(out, name+"="+quoted)
	}
	return writeFileAtomic(target, joinLines(out, text), 0o600)
}

// UnsetEnvFileValue removes every assignment of name from the .env file at
// path. It reports whether anything was removed; a missing file is not an
// error. When it rewrites the file, it does so like SetEnvFileValue.
func UnsetEnvFileValue(path, name string) (bool, error) {
	target, text, exists, err := readForUpdate(path)
	if err != nil || !exists {
		return false, err
	}
	lines := splitLines(text)
	out := make([]string, 0, len(lines))
	removed := false
	for _, r := range parseEnvRecords(lines) {
		if r.assign && r.key == name {
			removed = true
			continue
		}
		out = append(out, lines[r.start:r.end+1]...)
	}
	if !removed {
		return false, nil
	}
	return true, writeFileAtomic(target, joinLines(out, text), 0o600)
}

// EnvFilePerms returns the permission bits of the file at path, so callers
// can warn when a file holding secrets is open to others (see InsecurePerms).
func EnvFilePerms(path string) (os.FileMode, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Mode().Perm(), nil
}

// InsecurePerms reports whether group or others may read or write a file
// with these permission bits.
func InsecurePerms(mode os.FileMode) bool {
	return mode.Perm()&0o077 != 0
}

// readForUpdate resolves symlinks and reads the current text (empty when the
// file does not exist yet).
func readForUpdate(path string) (target, text string, exists bool, err error) {
	target = path
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
		target, err = filepath.EvalSymlinks(path)
		if err != nil {
			return "", "", false, fmt.Errorf("update %s: %w", path, err)
		}
	}
	data, _, exists, err := readSmallFile(target)
	if err != nil {
		return "", "", false, fmt.Errorf("update %s: %w", path, err)
	}
	return target, string(data), exists, nil
}

// joinLines joins lines with the line ending the original text used.
func joinLines(lines []string, original string) []byte {
	nl := "\n"
	if strings.Contains(original, "\r\n") {
		nl = "\r\n"
	}
	if len(lines) == 0 {
		return nil
	}
	return []byte(strings.Join(lines, nl) + nl)
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so readers see the old or the new file, never half of one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(name, path); err != nil {
		return err
	}
	if err = os.Chmod(path, perm); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

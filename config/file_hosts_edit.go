package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrHostExists is AddHost refusing a name config.toml (or this machine)
// already uses.
var ErrHostExists = errors.New("a host of that name exists")

// BadHostError is AddHost refusing the host's own settings (a control
// character, a name or address the file may not hold), not the file.
type BadHostError struct{ Err error }

func (e *BadHostError) Error() string { return e.Err.Error() }
func (e *BadHostError) Unwrap() error { return e.Err }

// AddHost appends a [[hosts]] block for h to config.toml, keeping the rest
// of the file byte for byte; a file that does not exist yet is made (mode
// 0600). A file that does not load is not touched (its error comes back),
// nor is a name already taken (ErrHostExists), nor an edit whose result
// would not read back as h. display names the file in errors.
func AddHost(path, display string, h Host) error {
	if err := checkHostText(h); err != nil {
		return &BadHostError{err}
	}
	target, text, exists, err := readForUpdate(path)
	if err != nil {
		return err
	}
	if exists {
		pf, err := parseFile([]byte(text), display, "")
		if err != nil {
			return err
		}
		if h.Name == LocalHost || slices.ContainsFunc(pf.file.Hosts, func(o Host) bool { return o.Name == h.Name }) {
			return fmt.Errorf("%s: %w: %q", display, ErrHostExists, h.Name)
		}
	} else if h.Name == LocalHost {
		return fmt.Errorf("%s: %w: %q names this machine", display, ErrHostExists, h.Name)
	}
	next := withHost(text, h)
	pf, err := parseFile([]byte(next), display, "")
	if err != nil {
		// The file loaded before: what is wrong now is the new block.
		return &BadHostError{fmt.Errorf("%w (nothing was written)", err)}
	}
	if !holdsHost(pf.file.Hosts, h) {
		return fmt.Errorf("%s: %w (add [[hosts]] %s by hand)", display, ErrCannotEdit, h.Name)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", display, err)
	}
	return writeFileAtomic(target, []byte(next), 0o600)
}

// checkHostText refuses what must never reach the file or, later, a
// terminal: control characters (escape sequences, newlines), invalid
// UTF-8. The file's own validation then judges the values.
func checkHostText(h Host) error {
	fields := []struct{ key, v string }{
		{"name", h.Name}, {"address", h.Address}, {"user", h.User}, {"identity_file", h.IdentityFile},
		{"proxy_jump", h.ProxyJump}, {"prometheus", string(h.Prometheus)}, {"instance", h.Instance},
	}
	for _, t := range h.Tags {
		fields = append(fields, struct{ key, v string }{"tags", t})
	}
	for _, g := range h.Groups {
		fields = append(fields, struct{ key, v string }{"groups", g})
	}
	for _, f := range fields {
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("host %s: not valid UTF-8", f.key)
		}
		if strings.IndexFunc(f.v, func(r rune) bool {
			return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
		}) >= 0 {
			return fmt.Errorf("host %s: %s holds a control character", f.key, strconv.QuoteToASCII(f.v))
		}
	}
	if h.Name == "" {
		return errors.New("host name: is required")
	}
	return nil
}

// withHost returns text with h's [[hosts]] block appended after a blank
// line, in the file's line ending.
func withHost(text string, h Host) string {
	nl := "\n"
	if strings.Contains(text, "\r\n") {
		nl = "\r\n"
	}
	var b strings.Builder
	b.WriteString(text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		b.WriteString(nl)
	}
	if strings.TrimSpace(strings.TrimPrefix(text, "\uFEFF")) != "" {
		b.WriteString(nl)
	}
	line := func(key, value string) { b.WriteString(key + " = " + value + nl) }
	str := func(key, v string) {
		if v != "" {
			line(key, strconv.Quote(v))
		}
	}
	list := func(key string, vs []string) {
		if len(vs) == 0 {
			return
		}
		q := make([]string, len(vs))
		for i, v := range vs {
			q[i] = strconv.Quote(v)
		}
		line(key, "["+strings.Join(q, ", ")+"]")
	}
	b.WriteString("[[hosts]]" + nl)
	str("name", h.Name)
	str("address", h.Address)
	if h.Port != 0 {
		line("port", strconv.Itoa(h.Port))
	}
	str("user", h.User)
	str("identity_file", h.IdentityFile)
	str("proxy_jump", h.ProxyJump)
	list("tags", h.Tags)
	list("groups", h.Groups)
	if h.Sudo != "" && h.Sudo != SudoNever {
		str("sudo", string(h.Sudo))
	}
	if h.Interval != 0 {
		str("interval", h.Interval.String())
	}
	str("prometheus", string(h.Prometheus))
	str("instance", h.Instance)
	return b.String()
}

// holdsHost reports whether hs has h as written (the file reads its
// values back unchanged).
func holdsHost(hs []Host, h Host) bool {
	i := slices.IndexFunc(hs, func(o Host) bool { return o.Name == h.Name })
	if i < 0 {
		return false
	}
	g := hs[i]
	sudo := h.Sudo
	if sudo == "" {
		sudo = SudoNever
	}
	return g.Address == h.Address && (h.Port == 0 || g.Port == h.Port) && g.User == h.User &&
		(h.IdentityFile == "" || g.IdentityFile != "") && g.ProxyJump == h.ProxyJump &&
		slices.Equal(g.Tags, h.Tags) && slices.Equal(g.Groups, h.Groups) && g.Sudo == sudo &&
		g.Interval == h.Interval && g.Prometheus == h.Prometheus && g.Instance == h.Instance
}

// RemoveHost removes host name's [[hosts]] block from config.toml, and its
// [policy.hosts] entry if any; the rest of the file stays byte for byte.
// removed is false when the file has no such host (nothing is written). A
// host written in a form this does not remove safely (an inline table, a
// sub-table under its block) is ErrCannotEdit, the file untouched.
func RemoveHost(path, display, name string) (removed bool, err error) {
	target, text, exists, err := readForUpdate(path)
	if err != nil || !exists {
		return false, err
	}
	before, err := parseFile([]byte(text), display, "")
	if err != nil {
		return false, err
	}
	idx := slices.IndexFunc(before.file.Hosts, func(o Host) bool { return o.Name == name })
	if idx < 0 {
		return false, nil
	}
	cannot := fmt.Errorf("%s: %w (remove [[hosts]] %s by hand)", display, ErrCannotEdit, name)
	next, ok := withoutHostBlock(text, idx)
	if !ok {
		return false, cannot
	}
	if _, inPolicy := before.file.Policy.Hosts[name]; inPolicy {
		n, changed, err := withoutAutonomy(next, name)
		if err != nil || !changed {
			return false, cannot
		}
		next = n
	}
	after, err := parseFile([]byte(next), display, "")
	if err != nil {
		return false, cannot
	}
	_, inPolicy := after.file.Policy.Hosts[name]
	want := slices.Delete(slices.Clone(before.file.Hosts), idx, idx+1)
	if inPolicy || !slices.EqualFunc(after.file.Hosts, want, hostEqual) {
		return false, cannot
	}
	return true, writeFileAtomic(target, []byte(next), 0o600)
}

func hostEqual(a, b Host) bool {
	return a.Name == b.Name && a.Address == b.Address && a.Port == b.Port && a.User == b.User &&
		a.IdentityFile == b.IdentityFile && a.ProxyJump == b.ProxyJump && a.Sudo == b.Sudo &&
		slices.Equal(a.Tags, b.Tags) && slices.Equal(a.Groups, b.Groups) && a.Interval == b.Interval &&
		a.Prometheus == b.Prometheus && a.Instance == b.Instance
}

// withoutHostBlock removes the idx-th [[hosts]] block: its header line
// through its last key (comments between its keys included; blank lines
// and comments after its last key stay, they may speak of what follows).
// false when that element is not a plain `[[hosts]]` block of keys.
func withoutHostBlock(text string, idx int) (string, bool) {
	body := strings.TrimPrefix(text, "\uFEFF")
	bom := text[:len(text)-len(body)]
	kl := scanKeyLines(body)
	n, ok := kl.exact[fmt.Sprintf("hosts[%d]", idx)]
	if !ok {
		return "", false
	}
	lines := strings.Split(body, "\n")
	start := n - 1
	if !isArrayHeader(lines[start], "hosts") {
		return "", false
	}
	end := start + 1 // one past the block's last key line
	for i := start + 1; i < len(lines); i++ {
		s := strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t")
		if s == "" || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			// A sub-table of this element ([hosts.x], [[hosts.x]]) belongs
			// to it: not something to remove line by line.
			names, _, ok := parseKeyPath(strings.TrimLeft(s, "["))
			if !ok || (len(names) > 1 && names[0] == "hosts") {
				return "", false
			}
			break
		}
		_, rest, ok := parseKeyPath(s)
		if !ok || !strings.HasPrefix(rest, "=") {
			return "", false
		}
		line := strings.TrimRight(lines[i], "\r")
		i = skipValue(lines, i, len(line)-len(rest)+1)
		end = i + 1
	}
	// Keep one blank line between what was before and after the block.
	if start > 0 && strings.TrimSpace(lines[start-1]) == "" && (end >= len(lines) || strings.TrimSpace(lines[end]) == "") {
		start--
	}
	if start == 0 && end < len(lines)-1 && strings.TrimSpace(lines[end]) == "" {
		end++ // a block that opened the file leaves no blank first line
	}
	out := append(append([]string(nil), lines[:start]...), lines[end:]...)
	return bom + strings.Join(out, "\n"), true
}

// isArrayHeader reports whether line is exactly the header [[name]],
// perhaps with a comment after it.
func isArrayHeader(line, name string) bool {
	s := strings.TrimLeft(strings.TrimRight(line, "\r"), " \t\uFEFF")
	if !strings.HasPrefix(s, "[[") {
		return false
	}
	names, rest, ok := parseKeyPath(s[2:])
	if !ok || len(names) != 1 || names[0] != name || !strings.HasPrefix(rest, "]]") {
		return false
	}
	rest = strings.TrimLeft(rest[2:], " \t")
	return rest == "" || rest[0] == '#'
}

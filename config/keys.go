package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/macroa/macroa/lazy"
)

// KeyBindings maps a pane to its actions, and each action to the keys bound
// to it, from config.toml's [keys.<pane>] tables. Keys are in canonical form
// (see ParseKey). An action with an empty list is explicitly unbound. The UI
// owns the defaults and the set of actions; these are the user's overrides.
type KeyBindings map[string]map[string][]string

// Panes are the panes [keys] may configure; "global" applies everywhere.
var Panes = []string{"global", "chat", "sessions", "audit", "scheduler", "approvals", "hosts", "memory"}

// namedKeys are the key names ParseKey accepts, with aliases mapped to the
// name Bubble Tea reports.
var namedKeys = lazy.New(func() map[string]string {
	return map[string]string{
		"enter": "enter", "return": "enter",
		"esc": "esc", "escape": "esc",
		"tab": "tab", "space": "space", "backspace": "backspace",
		"delete": "delete", "insert": "insert",
		"up": "up", "down": "down", "left": "left", "right": "right",
		"pgup": "pgup", "pageup": "pgup", "pgdown": "pgdown", "pagedown": "pgdown",
		"home": "home", "end": "end",
	}
})

var (
	reFKey   = lazy.NewRegexp(`^f([1-9]|1[0-2])$`)
	reAction = lazy.NewRegexp(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// ParseKey checks one key string and returns its canonical form.
//
// Grammar: zero or more modifiers from ctrl+, alt+, shift+ (each at most once,
// any order; canonical order is ctrl, alt, shift, as Bubble Tea prints them),
// then a base key: a lower-case name (enter, esc, tab, space, backspace,
// delete, insert, up, down, left, right, pgup, pgdown, home, end, f1-f12;
// escape, return, pageup and pagedown are accepted as aliases) or a single
// printable character other than space. A letter after a modifier must be
// lower case ("ctrl+x", not "ctrl+X").
func ParseKey(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("empty key")
	}
	if strings.TrimSpace(s) != s {
		return "", fmt.Errorf("%q has blanks around it", s)
	}
	var ctrl, alt, shift bool
	rest := s
	for {
		var flag *bool
		var mod string
		for _, m := range []struct {
			name string
			f    *bool
		}{{"ctrl+", &ctrl}, {"alt+", &alt}, {"shift+", &shift}} {
			if strings.HasPrefix(rest, m.name) && len(rest) > len(m.name) {
				flag, mod = m.f, m.name
				break
			}
		}
		if flag == nil {
			break
		}
		if *flag {
			return "", fmt.Errorf("%q repeats %s", s, strings.TrimSuffix(mod, "+"))
		}
		*flag = true
		rest = rest[len(mod):]
	}
	base, err := parseBaseKey(rest, ctrl || alt || shift)
	if err != nil {
		return "", fmt.Errorf("%q: %w", s, err)
	}
	var b strings.Builder
	if ctrl {
		b.WriteString("ctrl+")
	}
	if alt {
		b.WriteString("alt+")
	}
	if shift {
		b.WriteString("shift+")
	}
	b.WriteString(base)
	return b.String(), nil
}

func parseBaseKey(s string, modified bool) (string, error) {
	if n, ok := namedKeys.Get()[s]; ok {
		return n, nil
	}
	if reFKey.Get().MatchString(s) {
		return s, nil
	}
	if utf8.RuneCountInString(s) == 1 {
		r, _ := utf8.DecodeRuneInString(s)
		switch {
		case r == ' ':
			return "", fmt.Errorf(`write "space" for the space bar`)
		case r == utf8.RuneError || !unicode.IsPrint(r):
			return "", fmt.Errorf("not a printable character")
		case modified && unicode.IsUpper(r):
			return "", fmt.Errorf("write the letter in lower case after a modifier (%q)", string(unicode.ToLower(r)))
		}
		return s, nil
	}
	lower := strings.ToLower(s)
	if n, ok := namedKeys.Get()[lower]; ok {
		return "", fmt.Errorf("write key names in lower case (%q)", n)
	}
	if reFKey.Get().MatchString(lower) {
		return "", fmt.Errorf("write key names in lower case (%q)", lower)
	}
	if strings.HasPrefix(lower, "f") {
		if _, err := strconv.Atoi(lower[1:]); err == nil {
			return "", fmt.Errorf("function keys go from f1 to f12")
		}
	}
	return "", fmt.Errorf("not a key (want a name like enter, esc, tab, space, up, pgdown, f1, or one character, optionally after ctrl+, alt+ or shift+)")
}

func knownPane(p string) bool {
	for _, q := range Panes {
		if p == q {
			return true
		}
	}
	return false
}

type binding struct {
	pane, action, key string
	line              int
}

// keys converts and validates the raw [keys] tables: known panes, action
// names, the key grammar, and no key bound to two actions in one pane or in
// a pane and global.
func (v *validator) keys(raw map[string]map[string]any) KeyBindings {
	if raw == nil {
		return nil
	}
	out := KeyBindings{}
	var all []binding
	for _, pane := range sortedKeys(raw) {
		at := path("keys", pane)
		if !knownPane(pane) {
			v.add(at, at, fmt.Sprintf("not a pane (want one of %s)", strings.Join(Panes, ", ")))
			continue
		}
		actions := map[string][]string{}
		for _, action := range sortedKeys(raw[pane]) {
			f := path("keys", pane, action)
			if !reAction.Get().MatchString(action) {
				v.add(f, f, "action names use letters, digits, '_', '.' and '-'")
				continue
			}
			list, ok := keyList(raw[pane][action])
			if !ok {
				v.add(f, f, "want a key or a list of keys, like \"ctrl+q\" or [\"q\", \"esc\"]")
				continue
			}
			keys := make([]string, 0, len(list))
			seen := map[string]bool{}
			bad := false
			for _, k := range list {
				c, err := ParseKey(k)
				if err != nil {
					v.add(f, f, err.Error())
					bad = true
					break
				}
				if !seen[c] {
					seen[c] = true
					keys = append(keys, c)
				}
			}
			if bad {
				continue
			}
			actions[action] = keys
			for _, k := range keys {
				all = append(all, binding{pane: pane, action: action, key: k, line: v.lines.line(f)})
			}
		}
		out[pane] = actions
	}

	// Report each clash once, at the later of the two lines.
	sort.SliceStable(all, func(i, j int) bool { return all[i].line < all[j].line })
	first := map[string]map[string]binding{} // pane → key → first binding
	for _, b := range all {
		var clash *binding
		if c, ok := first[b.pane][b.key]; ok && c.action != b.action {
			clash = &c
		} else if b.pane != "global" {
			if c, ok := first["global"][b.key]; ok {
				clash = &c
			}
		} else {
			for _, p := range Panes[1:] {
				if c, ok := first[p][b.key]; ok {
					clash = &c
					break
				}
			}
		}
		if clash != nil {
			f := path("keys", b.pane, b.action)
			v.add(f, f, fmt.Sprintf("%q is also bound to %s (line %d)",
				b.key, path("keys", clash.pane, clash.action), clash.line))
			continue
		}
		if first[b.pane] == nil {
			first[b.pane] = map[string]binding{}
		}
		if _, ok := first[b.pane][b.key]; !ok {
			first[b.pane][b.key] = b
		}
	}
	return out
}

// keyList accepts a string or an array of strings.
func keyList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

package config

import (
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLines maps TOML key paths to the line (1-based) that defines them. The
// TOML decoder knows these positions but does not expose them, so after a
// file has parsed successfully this small scanner finds them again, for
// errors found after decoding (unknown keys, duplicate hosts, key conflicts).
//
// Paths are written like toml.Key.String(): segments joined by ".", quoted
// when not bare. Elements of arrays of tables carry their index in the
// "exact" form ("hosts[1].port"); the "plain" form ("hosts.port") is the
// first occurrence, matching the keys toml.MetaData.Undecoded reports.
type keyLines struct {
	exact map[string]int
	plain map[string]int
}

type keySeg struct {
	name string
	idx  int // index within an array of tables; -1 otherwise
}

// scanKeyLines scans TOML text that has already parsed without error.
func scanKeyLines(src string) keyLines {
	kl := keyLines{exact: map[string]int{}, plain: map[string]int{}}
	lines := strings.Split(src, "\n")
	arrays := map[string]int{} // exact path of an array of tables → elements so far
	var table []keySeg

	// resolve turns a header's key path into segments, pointing each prefix
	// that names an array of tables at its latest element.
	resolve := func(names []string) []keySeg {
		segs := make([]keySeg, len(names))
		for i, n := range names {
			segs[i] = keySeg{name: n, idx: -1}
			if c, ok := arrays[exactPath(segs[:i+1])]; ok {
				segs[i].idx = c - 1
			}
		}
		return segs
	}

	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		s := strings.TrimLeft(line, " \t")
		if i == 0 {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		if s == "" || s[0] == '#' {
			continue
		}
		switch {
		case strings.HasPrefix(s, "[["):
			names, _, ok := parseKeyPath(s[2:])
			if !ok || len(names) == 0 {
				continue
			}
			segs := resolve(names[:len(names)-1])
			segs = append(segs, keySeg{name: names[len(names)-1], idx: -1})
			arr := exactPath(segs)
			segs[len(segs)-1].idx = arrays[arr]
			arrays[arr]++
			table = segs
			kl.record(table, i+1)
		case s[0] == '[':
			names, _, ok := parseKeyPath(s[1:])
			if !ok || len(names) == 0 {
				continue
			}
			table = resolve(names)
			kl.record(table, i+1)
		default:
			names, rest, ok := parseKeyPath(s)
			if !ok || len(names) == 0 || !strings.HasPrefix(rest, "=") {
				continue
			}
			full := append(append([]keySeg(nil), table...), make([]keySeg, len(names))...)
			for j, n := range names {
				full[len(table)+j] = keySeg{name: n, idx: -1}
			}
			kl.record(full, i+1)
			col := len(line) - len(rest) + 1
			i = skipValue(lines, i, col)
		}
	}
	return kl
}

// record notes the line of a path and, when not yet known, of its parents.
func (kl keyLines) record(segs []keySeg, line int) {
	for n := len(segs); n > 0; n-- {
		ex, pl := exactPath(segs[:n]), plainPath(segs[:n])
		if _, ok := kl.exact[ex]; !ok {
			kl.exact[ex] = line
		}
		if _, ok := kl.plain[pl]; !ok {
			kl.plain[pl] = line
		}
	}
}

// has reports whether the exact path (indices included) was written.
func (kl keyLines) has(path string) bool {
	_, ok := kl.exact[path]
	return ok
}

// line returns the line defining path (exact form first, then plain), or
// that of its nearest written parent; 0 when nothing matches.
func (kl keyLines) line(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if n, ok := kl.exact[p]; ok {
			return n
		}
		if n, ok := kl.plain[p]; ok {
			return n
		}
		if n, ok := kl.plain[stripIndices(p)]; ok {
			return n
		}
	}
	return 0
}

func exactPath(segs []keySeg) string {
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(toml.Key{s.name}.String())
		if s.idx >= 0 {
			b.WriteString("[" + strconv.Itoa(s.idx) + "]")
		}
	}
	return b.String()
}

func plainPath(segs []keySeg) string {
	k := make(toml.Key, len(segs))
	for i, s := range segs {
		k[i] = s.name
	}
	return k.String()
}

// parentPath drops the last segment of a path (quotes respected).
func parentPath(p string) string {
	cut := -1
	inQuote := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == '.' && !inQuote:
			cut = i
		}
	}
	if cut < 0 {
		return ""
	}
	return p[:cut]
}

// stripIndices removes "[n]" suffixes outside quotes.
func stripIndices(p string) string {
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && inQuote && i+1 < len(p):
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
			continue
		case c == '"':
			inQuote = !inQuote
		case c == '[' && !inQuote:
			for i < len(p) && p[i] != ']' {
				i++
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// parseKeyPath reads a dotted key (bare, "basic" or 'literal' segments) and
// returns the segments and the text after it, leading blanks trimmed. For a
// table header the closing bracket is left in rest.
func parseKeyPath(s string) (names []string, rest string, ok bool) {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return nil, "", false
		}
		switch s[0] {
		case '"':
			end := 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(s) {
				return nil, "", false
			}
			name, err := strconv.Unquote(s[:end+1])
			if err != nil {
				name = s[1:end]
			}
			names = append(names, name)
			s = s[end+1:]
		case '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, "", false
			}
			names = append(names, s[1:end+1])
			s = s[end+2:]
		default:
			n := 0
			for n < len(s) && isBareKeyByte(s[n]) {
				n++
			}
			if n == 0 {
				return nil, "", false
			}
			names = append(names, s[:n])
			s = s[n:]
		}
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return names, s, true
		}
		s = s[1:]
	}
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// skipValue finds the last line of the value that starts at lines[i][col:]:
// the same line for a scalar, later for multi-line strings, arrays and
// inline tables that span lines.
func skipValue(lines []string, i, col int) int {
	depth := 0
	const (
		none = iota
		mlBasic
		mlLiteral
	)
	str := none
	for ; i < len(lines); i, col = i+1, 0 {
		s := lines[i]
		for j := col; j < len(s); j++ {
			c := s[j]
			switch str {
			case mlBasic:
				if c == '\\' {
					j++
				} else if strings.HasPrefix(s[j:], `"""`) {
					str = none
					j += 2
					for j+1 < len(s) && s[j+1] == '"' { // up to two quotes may end the content
						j++
					}
				}
				continue
			case mlLiteral:
				if strings.HasPrefix(s[j:], "'''") {
					str = none
					j += 2
					for j+1 < len(s) && s[j+1] == '\'' {
						j++
					}
				}
				continue
			}
			switch c {
			case '"':
				if strings.HasPrefix(s[j:], `"""`) {
					str = mlBasic
					j += 2
					continue
				}
				for j++; j < len(s) && s[j] != '"'; j++ {
					if s[j] == '\\' {
						j++
					}
				}
			case '\'':
				if strings.HasPrefix(s[j:], "'''") {
					str = mlLiteral
					j += 2
					continue
				}
				for j++; j < len(s) && s[j] != '\''; j++ {
				}
			case '#':
				j = len(s)
			case '[', '{':
				depth++
			case ']', '}':
				depth--
			}
		}
		if str == none && depth <= 0 {
			return i
		}
	}
	return len(lines) - 1
}

package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Visible returns s with every character that does not show as itself
// written as an escape, in full, so a person sees exactly what s holds: ESC
// as \x1b, a carriage return as \r, a newline as \n, a tab as \t, a C1
// control as \u009b, an invisible or reordering character as \u202e,
// an invalid byte as \xff. When it escapes anything it also doubles every
// backslash, so an escape it wrote can never be confused with one that was
// typed. Text with nothing to escape is returned as it is.
func Visible(s string) string {
	if !NeedsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case hidden(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		case hidden(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// NeedsEscape reports whether Visible would change s: whether s holds a
// control character, invalid UTF-8 or a character that does not show as
// itself.
func NeedsEscape(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r < 0x20 || r == 0x7f || hidden(r) {
			return true
		}
		i += size
	}
	return false
}

// hidden reports a character a terminal would not show as a visible glyph
// of its own: controls, format characters (zero-width, bidirectional),
// spaces other than the ASCII one, line and paragraph separators,
// unassigned code points.
func hidden(r rune) bool {
	return r >= 0x80 && (!unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zs, r))
}

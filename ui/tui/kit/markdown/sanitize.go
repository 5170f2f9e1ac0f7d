package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/termsafe"
)

// Sanitize makes text safe to draw literally with the sanitiser the
// CLI uses (termsafe: escape sequences and controls removed, a
// carriage return breaks the line rather than hiding what came before it),
// then turns tabs into spaces to the next stop of 8 so widths stay true.
func Sanitize(s string) string {
	s = termsafe.Clean(s)
	if !strings.Contains(s, "\t") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "\t") {
			continue
		}
		var b strings.Builder
		col := 0
		for _, r := range l {
			if r == '\t' {
				n := 8 - col%8
				b.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			b.WriteRune(r)
			col += runeWidth(r)
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}

// runeWidth is a character's width in cells.
func runeWidth(r rune) int {
	if r < 0x80 {
		return 1
	}
	return ansi.StringWidth(string(r))
}

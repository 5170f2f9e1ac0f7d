// Package cells measures and fits styled text in terminal cells. It sits
// below the kit and its inputs, so each of them fits lines the same way.
package cells

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit makes s (which may hold ANSI styling) exactly width cells: cut when
// longer, ending with tail ("…", or "" for a hard cut), padded with spaces
// when shorter.
func Fit(s string, width int, tail string) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, tail)
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

package kit

import (
	"strings"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/kit/cells"
)

// Cursor is the selection in a list of rows and the first row shown.
// Panes keep one per list; it never touches the rows themselves, so a list
// of 10,000 entries costs nothing more to move through than one of ten.
type Cursor struct {
	Sel int // the selected row
	Top int // the first row shown
}

// Clamp keeps the selection inside a list of n rows.
func (c *Cursor) Clamp(n int) {
	c.Sel = max(0, min(c.Sel, n-1))
}

// Move moves the selection by delta rows in a list of n rows.
func (c *Cursor) Move(delta, n int) {
	c.Sel += delta
	c.Clamp(n)
}

// AtEnd reports whether the selection is on the last of n rows (or the
// list is empty).
func (c *Cursor) AtEnd(n int) bool { return n == 0 || c.Sel >= n-1 }

// Window returns the rows [start, end) to draw in height lines, moving the
// first row shown as little as possible to keep the selection visible.
func (c *Cursor) Window(n, height int) (start, end int) {
	c.Clamp(n)
	if height <= 0 || n == 0 {
		return 0, 0
	}
	if c.Sel < c.Top {
		c.Top = c.Sel
	}
	if c.Sel >= c.Top+height {
		c.Top = c.Sel - height + 1
	}
	c.Top = max(0, min(c.Top, n-height))
	return c.Top, min(n, c.Top+height)
}

// Fit clips s (which may hold ANSI styling) to width cells and pads it
// with spaces to exactly width cells.
func Fit(s string, width int) string { return cells.Fit(s, width, "…") }

// Cell is plain text fitted to a column: clipped with "…", padded on
// the right, or on the left when right is set (numbers).
func Cell(s string, width int, right bool) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s) // a wide rune may leave a cell free
		right = false
	}
	if w == width {
		return s
	}
	pad := strings.Repeat(" ", width-w)
	if right {
		return pad + s
	}
	return s + pad
}

// Paint is a style reduced to the escape codes around its text, so a
// row of many cells costs string joins instead of a lipgloss Render per
// cell. It suits styles of colour and attributes only (no padding,
// borders or widths), which is all the panes' cell styles are.
type Paint struct{ pre, post string }

func Painter(s lipgloss.Style) Paint {
	pre, post, ok := strings.Cut(s.Render("X"), "X")
	if !ok {
		return Paint{}
	}
	return Paint{pre: pre, post: post}
}

// Apply styles text (which must hold no line break).
func (lp Paint) Apply(text string) string {
	if text == "" || lp.pre == "" && lp.post == "" {
		return text
	}
	return lp.pre + text + lp.post
}

// Join stacks lines that are already exactly width cells wide into a
// block of height lines, adding blank ones; see Block for any lines.
func Join(lines []string, width, height int) string {
	if height <= 0 {
		return ""
	}
	blank := strings.Repeat(" ", max(0, width))
	var b strings.Builder
	for i := range height {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(lines[i])
		} else {
			b.WriteString(blank)
		}
	}
	return b.String()
}

// Block joins lines into a block of exactly width × height cells:
// lines past height are dropped, missing ones are blank.
func Block(lines []string, width, height int) string {
	if height <= 0 {
		return ""
	}
	var b strings.Builder
	for i := range height {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(Fit(line, width))
	}
	return b.String()
}

// Printable makes text safe to draw: output is shown literally, never
// interpreted, so control characters (ESC above all) become their visible
// Unicode pictures (␛, ␀…), and C1 controls and bidi controls (which would
// reorder the text around them) become U+FFFD. Newlines and tabs
// are kept when keepLines is set, for text that is wrapped afterwards.
func Printable(s string, keepLines bool) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar || unicode.Is(unicode.Bidi_Control, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case keepLines && r == '\n':
			b.WriteRune(r)
		case keepLines && r == '\t':
			b.WriteString("    ")
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ … ␟
		case r == 0x7f:
			b.WriteRune('␡')
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			b.WriteRune(unicode.ReplacementChar)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Head is at most the first n runes of s.
func Head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// OneLine squeezes text onto one line: runs of white space (newlines
// included) become one space, and control characters are made visible.
func OneLine(s string) string {
	if strings.ContainsAny(s, "\n\r\t\v\f") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return Printable(s, false)
}

// StatePaints paints each state of a pane's rows (a run's, a host's) in
// its style, built once; a state not listed is painted Muted.
type StatePaints[K comparable] struct {
	by    map[K]Paint
	other Paint
}

// NewStatePaints builds the paints of states, each in style(state).
func NewStatePaints[K comparable](st Styles, style func(K) lipgloss.Style, states ...K) StatePaints[K] {
	p := StatePaints[K]{by: make(map[K]Paint, len(states)), other: Painter(st.Muted)}
	for _, s := range states {
		p.by[s] = Painter(style(s))
	}
	return p
}

// Of is the paint of state s.
func (p StatePaints[K]) Of(s K) Paint {
	if lp, ok := p.by[s]; ok {
		return lp
	}
	return p.other
}

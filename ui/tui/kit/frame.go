package kit

import (
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// ListFrame is the layout a list pane draws: a header line, a column head
// (when there are 4 lines or more), the empty text or the rows the list's
// window shows, blank lines, then the footer, exactly width × height.
type ListFrame struct {
	Header string
	Footer []string
	// Empty is what a list without rows says ("" when it has rows),
	// drawn in Muted.
	Empty string
	Muted lipgloss.Style
	// ColumnHead draws the column head given how many rows are hidden
	// above and below the window.
	ColumnHead func(above, below int) string
	// Row draws the i-th row shown; selected is the list's cursor.
	Row func(i int, selected bool) string
}

// Render draws the frame over n rows, moving l's page to the rows shown.
func (f ListFrame) Render(l *List, n, width, height int) string {
	if height <= len(f.Footer) {
		return Block(f.Footer[len(f.Footer)-height:], width, height)
	}
	lines := make([]string, 0, height)
	lines = append(lines, f.Header)
	rowsH := max(0, height-len(lines)-len(f.Footer))
	if height >= 4 {
		rowsH--
	}
	l.Page = max(1, rowsH)
	start, end := l.Window(n, rowsH)
	if height >= 4 {
		lines = append(lines, f.ColumnHead(start, n-end))
	}
	if f.Empty != "" && rowsH > 0 {
		lines = append(lines, f.Muted.Render(Fit("  "+f.Empty, width)))
	}
	for i := start; i < end; i++ {
		lines = append(lines, f.Row(i, i == l.Sel))
	}
	for len(lines) < height-len(f.Footer) {
		lines = append(lines, "")
	}
	return Block(append(lines[:height-len(f.Footer)], f.Footer...), width, height)
}

// HeadChoice is one way to word a list pane's header line: the lead (the
// counts) and the tail (who does the pane's work), "" for none.
type HeadChoice struct{ Lead, Tail string }

// FitHead draws the first of choices (longest first) whose lead and tail
// fit width, else the last cut to width: the lead in Accent, then " · "
// and the tail in tail's style.
func FitHead(width int, st Styles, tail lipgloss.Style, choices ...HeadChoice) string {
	var c HeadChoice
	for _, c = range choices {
		w := ansi.StringWidth(c.Lead)
		if c.Tail != "" {
			w += len(" · ") + ansi.StringWidth(c.Tail)
		}
		if w <= width {
			break
		}
	}
	if c.Tail == "" {
		return st.Accent.Render(Fit(c.Lead, width))
	}
	return Fit(st.Accent.Render(c.Lead)+st.Muted.Render(" · ")+tail.Render(c.Tail), width)
}

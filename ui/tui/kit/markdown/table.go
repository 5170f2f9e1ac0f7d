package markdown

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// align is a table column's alignment, from its delimiter cell.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// tableAt returns how many of lines, from the first, form a GitHub table:
// a header row, a delimiter row with as many cells (":--", ":-:", "--:"),
// then body rows up to a blank line or a line without a pipe. 0: none.
func tableAt(lines []string) int {
	if len(lines) < 2 || !strings.Contains(lines[0], "|") {
		return 0
	}
	aligns, ok := delimiterRow(lines[1])
	if !ok || len(aligns) != len(splitRow(lines[0])) {
		return 0
	}
	n := 2
	for n < len(lines) && strings.TrimSpace(lines[n]) != "" && strings.Contains(lines[n], "|") {
		n++
	}
	return n
}

// splitRow splits a table row into its cells, trimmed: the outer pipes
// are optional, and "\|" is a pipe inside a cell.
func splitRow(line string) []string {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	var cell strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '|':
			cell.WriteByte('|')
			i++
		case s[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(s[i])
		}
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

// delimiterRow reads the row under a table's header: its cells' alignments,
// and whether it is one.
func delimiterRow(line string) ([]align, bool) {
	if !strings.Contains(line, "|") {
		return nil, false
	}
	cells := splitRow(line)
	aligns := make([]align, len(cells))
	for i, c := range cells {
		left, right := strings.HasPrefix(c, ":"), strings.HasSuffix(c, ":")
		dashes := strings.Trim(c, ":")
		if dashes == "" || strings.Trim(dashes, "-") != "" || strings.Count(c, ":") > 2 {
			return nil, false
		}
		switch {
		case left && right:
			aligns[i] = alignCenter
		case right:
			aligns[i] = alignRight
		}
	}
	return aligns, true
}

// table renders a table's lines (as tableAt found them): the header bold,
// a rule under it, columns as wide as their widest cell measured in cells
// and separated by a bar, the widest columns narrowed (their cells cut
// with "…") until the table fits the width.
func table(lines []string, width int, st Styles) []string {
	head := splitRow(lines[0])
	aligns, _ := delimiterRow(lines[1])
	n := len(head)
	rows := make([][]string, 0, len(lines)-1)
	row := make([]string, n)
	for i, c := range head {
		row[i] = inline(c, st.Text.Bold(true), st)
	}
	rows = append(rows, row)
	for _, l := range lines[2:] {
		cells := splitRow(l)
		row := make([]string, n)
		for i := range row {
			if i < len(cells) {
				row[i] = inline(cells[i], st.Text, st)
			}
		}
		rows = append(rows, row)
	}

	widths := make([]int, n)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	sep, sepW := " │ ", 3
	if width-sepW*(n-1) < n {
		sep, sepW = "│", 1
	}
	narrow(widths, width-sepW*(n-1))

	out := make([]string, 0, len(rows)+1)
	for ri, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString(st.Subtle.Render(sep))
			}
			b.WriteString(pad(c, widths[i], aligns[i], i == n-1))
		}
		out = append(out, ansi.Truncate(b.String(), width, ""))
		if ri == 0 {
			rule := make([]string, n)
			for i, w := range widths {
				rule[i] = strings.Repeat("─", w)
			}
			joint := strings.ReplaceAll(sep, " ", "─")
			out = append(out, st.Subtle.Render(ansi.Truncate(strings.Join(rule, strings.ReplaceAll(joint, "│", "┼")), width, "")))
		}
	}
	return out
}

// narrow takes cells from the widest columns until they add up to at most
// avail, keeping every column at least one cell wide.
func narrow(widths []int, avail int) {
	total := 0
	for _, w := range widths {
		total += w
	}
	for excess := total - avail; excess > 0; {
		widest, second := 0, 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		for i, w := range widths {
			if i != widest && w > second {
				second = w
			}
		}
		step := min(excess, max(widths[widest]-second, 1), widths[widest]-1)
		if step <= 0 {
			return
		}
		widths[widest] -= step
		excess -= step
	}
}

// pad fits a styled cell to w cells: cut with "…" when wider, padded by
// its alignment when narrower (a last left-aligned cell is not padded on
// the right).
func pad(c string, w int, a align, last bool) string {
	if ansi.StringWidth(c) > w {
		c = ansi.Truncate(c, w, "…")
	}
	gap := w - ansi.StringWidth(c)
	switch a {
	case alignRight:
		return strings.Repeat(" ", gap) + c
	case alignCenter:
		c = strings.Repeat(" ", gap/2) + c
		if last {
			return c
		}
		return c + strings.Repeat(" ", gap-gap/2)
	}
	if last {
		return c
	}
	return c + strings.Repeat(" ", gap)
}

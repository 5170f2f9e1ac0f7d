package editor

import (
	"strings"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Editor is the chat's multi-line input: typing, paste, line breaks,
// cursor moves and deletion. It has no blink, so it schedules nothing.
// The zero value is an empty input.
type Editor struct {
	lines    [][]rune // never empty: an empty input is one empty line
	row, col int      // the cursor: line and rune index in it
}

// TabWidth is how many spaces a typed or pasted tab becomes.
const TabWidth = 4

func (in *Editor) init() {
	if len(in.lines) == 0 {
		in.lines = [][]rune{nil}
		in.row, in.col = 0, 0
	}
}

// Value returns the text, lines joined by "\n".
func (in *Editor) Value() string {
	in.init()
	var b strings.Builder
	for i, l := range in.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(string(l))
	}
	return b.String()
}

// SetValue replaces the text and puts the cursor at its end.
func (in *Editor) SetValue(s string) {
	in.lines = nil
	in.init()
	in.Insert(s)
}

// Reset empties the input.
func (in *Editor) Reset() { in.lines = nil; in.init() }

// Empty reports whether there is no text at all.
func (in *Editor) Empty() bool {
	in.init()
	return len(in.lines) == 1 && len(in.lines[0]) == 0
}

// OnFirstLine and OnLastLine say where the cursor is, for history keys.
func (in *Editor) OnFirstLine() bool { in.init(); return in.row == 0 }
func (in *Editor) OnLastLine() bool  { in.init(); return in.row == len(in.lines)-1 }

// Insert types s at the cursor: "\n" (and "\r\n", "\r") breaks the line,
// a tab becomes spaces, other control characters are dropped.
func (in *Editor) Insert(s string) {
	in.init()
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			in.Newline()
		case r == '\t':
			for range TabWidth {
				in.insertRune(' ')
			}
		case unicode.IsControl(r):
		default:
			in.insertRune(r)
		}
	}
}

func (in *Editor) insertRune(r rune) {
	l := in.lines[in.row]
	l = append(l, 0)
	copy(l[in.col+1:], l[in.col:])
	l[in.col] = r
	in.lines[in.row] = l
	in.col++
}

// Newline splits the line at the cursor.
func (in *Editor) Newline() {
	in.init()
	l := in.lines[in.row]
	rest := append([]rune(nil), l[in.col:]...)
	in.lines[in.row] = l[:in.col:in.col]
	in.lines = append(in.lines, nil)
	copy(in.lines[in.row+2:], in.lines[in.row+1:])
	in.lines[in.row+1] = rest
	in.row++
	in.col = 0
}

// Backspace deletes the character before the cursor, joining lines at the
// start of one.
func (in *Editor) Backspace() {
	in.init()
	switch {
	case in.col > 0:
		l := in.lines[in.row]
		in.lines[in.row] = append(l[:in.col-1], l[in.col:]...)
		in.col--
	case in.row > 0:
		prev := in.lines[in.row-1]
		in.col = len(prev)
		in.lines[in.row-1] = append(prev, in.lines[in.row]...)
		in.lines = append(in.lines[:in.row], in.lines[in.row+1:]...)
		in.row--
	}
}

// Delete deletes the character under the cursor, joining the next line at
// the end of one.
func (in *Editor) Delete() {
	in.init()
	l := in.lines[in.row]
	switch {
	case in.col < len(l):
		in.lines[in.row] = append(l[:in.col], l[in.col+1:]...)
	case in.row < len(in.lines)-1:
		in.lines[in.row] = append(l, in.lines[in.row+1]...)
		in.lines = append(in.lines[:in.row+1], in.lines[in.row+2:]...)
	}
}

// Left and Right move the cursor by a character, across line breaks.
func (in *Editor) Left() {
	in.init()
	switch {
	case in.col > 0:
		in.col--
	case in.row > 0:
		in.row--
		in.col = len(in.lines[in.row])
	}
}

func (in *Editor) Right() {
	in.init()
	switch {
	case in.col < len(in.lines[in.row]):
		in.col++
	case in.row < len(in.lines)-1:
		in.row++
		in.col = 0
	}
}

// Up and Down move the cursor a line; false means it is already on the
// first (last) line, so the key may recall history instead.
func (in *Editor) Up() bool {
	in.init()
	if in.row == 0 {
		return false
	}
	in.row--
	in.col = min(in.col, len(in.lines[in.row]))
	return true
}

func (in *Editor) Down() bool {
	in.init()
	if in.row == len(in.lines)-1 {
		return false
	}
	in.row++
	in.col = min(in.col, len(in.lines[in.row]))
	return true
}

// Home and End move to the start and end of the line.
func (in *Editor) Home() { in.init(); in.col = 0 }
func (in *Editor) End()  { in.init(); in.col = len(in.lines[in.row]) }

// CursorToStart puts the cursor at the end of the first line, CursorToEnd
// at the end of the last: where a recalled history entry leaves it.
func (in *Editor) CursorToStart() { in.init(); in.row = 0; in.col = len(in.lines[0]) }
func (in *Editor) CursorToEnd() {
	in.init()
	in.row = len(in.lines) - 1
	in.col = len(in.lines[in.row])
}

// WordLeft and WordRight move over a word within the line.
func (in *Editor) WordLeft() {
	in.init()
	if in.col == 0 {
		in.Left()
		return
	}
	l := in.lines[in.row]
	for in.col > 0 && unicode.IsSpace(l[in.col-1]) {
		in.col--
	}
	for in.col > 0 && !unicode.IsSpace(l[in.col-1]) {
		in.col--
	}
}

func (in *Editor) WordRight() {
	in.init()
	l := in.lines[in.row]
	if in.col == len(l) {
		in.Right()
		return
	}
	for in.col < len(l) && unicode.IsSpace(l[in.col]) {
		in.col++
	}
	for in.col < len(l) && !unicode.IsSpace(l[in.col]) {
		in.col++
	}
}

// DeleteWordBack deletes the word before the cursor (ctrl+w).
func (in *Editor) DeleteWordBack() {
	in.init()
	if in.col == 0 {
		in.Backspace()
		return
	}
	end := in.col
	in.WordLeft()
	l := in.lines[in.row]
	in.lines[in.row] = append(l[:in.col], l[end:]...)
}

// KillToStart and KillToEnd delete from the cursor to the line's start or
// end (ctrl+u, ctrl+k).
func (in *Editor) KillToStart() {
	in.init()
	in.lines[in.row] = append([]rune(nil), in.lines[in.row][in.col:]...)
	in.col = 0
}

func (in *Editor) KillToEnd() {
	in.init()
	if in.col == len(in.lines[in.row]) {
		in.Delete() // at the end: join the next line, like readline
		return
	}
	in.lines[in.row] = in.lines[in.row][:in.col]
}

// runeWidth is a character's width in cells.
func runeWidth(r rune) int {
	if r < 0x80 {
		return 1
	}
	return ansi.StringWidth(string(r))
}

// row is one visual row of the input: a piece of a line.
type row struct {
	line       int
	start, end int // rune range in the line
}

// rows wraps the lines at width cells; a row that ends where the cursor
// can sit (the end of a full line) gets a following empty row, so the
// cursor always has a cell.
func (in *Editor) rows(width int) (rows []row, cursorRow, cursorCell int) {
	in.init()
	width = max(width, 1)
	for li, l := range in.lines {
		start, cells := 0, 0
		for i, r := range l {
			if li == in.row && i == in.col {
				cursorRow, cursorCell = len(rows), cells
			}
			w := runeWidth(r)
			if cells+w > width && i > start {
				rows = append(rows, row{li, start, i})
				start, cells = i, 0
				if li == in.row && i == in.col {
					cursorRow, cursorCell = len(rows), 0
				}
			}
			cells += w
		}
		if li == in.row && in.col == len(l) {
			if cells >= width && len(l) > 0 {
				rows = append(rows, row{li, start, len(l)})
				start, cells = len(l), 0
			}
			cursorRow, cursorCell = len(rows), cells
		}
		rows = append(rows, row{li, start, len(l)})
	}
	return rows, cursorRow, cursorCell
}

// Rows is how many rows the input needs at width (prompt included).
func (in *Editor) Rows(width int) int {
	rows, _, _ := in.rows(width - 2)
	return len(rows)
}

// View draws the input in width × height cells: a prompt, the text
// wrapped, the rows around the cursor, the cursor itself when focused,
// and the placeholder when empty.
func (in *Editor) View(width, height int, st Styles, focused bool, placeholder string) []string {
	in.init()
	height = max(height, 1)
	cw := max(width-2, 1)
	cursor := lipgloss.NewStyle().Reverse(true)
	prompt := st.Prompt.Render("› ")
	if !focused {
		prompt = st.Subtle.Render("› ")
	}
	out := make([]string, 0, height)
	if in.Empty() {
		ph := ansi.Truncate(placeholder, cw, "…")
		line := ""
		if focused {
			first, rest := " ", ph
			if ph != "" {
				rs := []rune(ph)
				first, rest = string(rs[0]), string(rs[1:])
			}
			line = cursor.Render(first) + st.Subtle.Render(rest)
		} else {
			line = st.Subtle.Render(ph)
		}
		out = append(out, fit(prompt+line, width))
		for len(out) < height {
			out = append(out, strings.Repeat(" ", width))
		}
		return out
	}
	rows, crow, ccell := in.rows(cw)
	first := 0
	if crow >= height {
		first = crow - height + 1
	}
	for i := first; i < len(rows) && len(out) < height; i++ {
		r := rows[i]
		text := in.lines[r.line][r.start:r.end]
		gutter := "  "
		if i == 0 {
			gutter = prompt
		}
		var line string
		if focused && i == crow {
			before, at, after := splitAtCell(text, ccell)
			line = st.Text.Render(before) + cursor.Render(at) + st.Text.Render(after)
		} else {
			line = st.Text.Render(string(text))
		}
		out = append(out, fit(gutter+line, width))
	}
	for len(out) < height {
		out = append(out, strings.Repeat(" ", width))
	}
	return out
}

// splitAtCell splits a row at the cursor cell: the text before it, the
// character under it (a space past the end), and the rest.
func splitAtCell(text []rune, cell int) (before, at, after string) {
	cells := 0
	for i, r := range text {
		if cells >= cell {
			return string(text[:i]), string(r), string(text[i+1:])
		}
		cells += runeWidth(r)
	}
	return string(text), " ", ""
}

// Styles are the editor's styles: the prompt when focused, the prompt
// blurred and the placeholder, and the text.
type Styles struct {
	Prompt, Subtle, Text lipgloss.Style
}

// fit makes a styled line exactly width cells: cut when longer, padded
// with spaces when shorter.
func fit(s string, width int) string {
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

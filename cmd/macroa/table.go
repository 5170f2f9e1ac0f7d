package main

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/termsafe"
)

// table prints rows in columns measured in terminal cells, so a value
// holding wide or combining characters, tabs, newlines or bytes that
// text/tabwriter treats specially (0xff is its escape) cannot break the
// alignment. Every cell is cleaned and folded onto one line.
type table struct {
	rows  [][]string
	right []bool // columns aligned to the right (numbers)
}

func newTable(header ...string) *table {
	t := &table{right: make([]bool, len(header))}
	t.row(header...)
	return t
}

// alignRight right-aligns the given columns.
func (t *table) alignRight(cols ...int) *table {
	for _, c := range cols {
		t.right[c] = true
	}
	return t
}

func (t *table) row(cells ...string) {
	r := make([]string, len(cells))
	for i, c := range cells {
		r[i] = cell(c)
	}
	t.rows = append(t.rows, r)
}

// write prints the table: columns two spaces apart, no trailing spaces.
func (t *table) write(w io.Writer) error {
	widths := make([]int, len(t.right))
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-ansi.StringWidth(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if t.right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell is s cleaned for the terminal and folded onto one line.
func cell(s string) string {
	return oneLine(termsafe.Clean(s))
}

// oneLine folds a multi-line text for a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// clip cuts s to at most n cells, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if ansi.StringWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
)

// auditMinInput is the narrowest the input column gets before other
// columns are dropped to make room.
const auditMinInput = 12

// auditCol is one column of the audit rows.
type auditCol struct {
	name  string
	width int
	right bool
}

// auditColumns lays the row out for a width: compact below 120 cells,
// roomier above; columns go (source first) while the input would be
// narrower than auditMinInput. It returns the columns and the input width.
func auditColumns(width int) ([]auditCol, int, bool) {
	wide := width >= 120
	cols := []auditCol{
		{"time", 8, false}, {"src", 5, false}, {"session", 10, false}, {"skill", 6, false},
		{"tier", 6, false}, {"ok", 4, false}, {"ms", 6, true}, {"cost", 7, true},
	}
	if wide {
		cols = []auditCol{
			{"time", 14, false}, {"source", 9, false}, {"session", 16, false}, {"skill", 8, false},
			{"tier", 6, false}, {"ok", 4, false}, {"ms", 7, true}, {"cost", 8, true},
		}
	}
	inputW := func() int {
		w := width - 2 // the selection marker and a space
		for _, c := range cols {
			w -= c.width + 1
		}
		return w
	}
	for _, drop := range []string{"src", "source", "ms", "session", "cost", "time", "skill"} {
		if inputW() >= auditMinInput {
			break
		}
		for i, c := range cols {
			if c.name == drop {
				cols = append(cols[:i:i], cols[i+1:]...)
				break
			}
		}
	}
	return cols, max(0, inputW()), wide
}

// View draws the detail view when it is open, else the list.
func (p *AuditPane) View(width, height int, focused bool) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if p.detail {
		return p.viewDetail(width, height)
	}
	return p.viewList(width, height, focused)
}

// viewList draws a header (counts, the filter, follow state), the column
// names and the visible rows only, newest at the bottom.
func (p *AuditPane) viewList(width, height int, focused bool) string {
	lines := make([]string, 0, height)
	lines = append(lines, p.header(width))
	cols, inputW, wide := auditColumns(width)
	if height >= 3 {
		var b strings.Builder
		b.WriteString("  ")
		for _, c := range cols {
			b.WriteString(listCell(c.name, c.width, c.right))
			b.WriteByte(' ')
		}
		b.WriteString("input")
		lines = append(lines, p.st.Muted.Render(listFit(b.String(), width)))
	}
	rows := height - len(lines)
	p.page = max(1, rows)
	p.rendered = 0
	switch {
	case !p.loaded:
		if p.loadErr == "" {
			lines = append(lines, p.st.Muted.Render(listFit("  loading the audit log…", width)))
		}
	case len(p.entries) == 0:
		lines = append(lines, p.st.Muted.Render(listFit("  no runs yet; every request from every front end shows up here", width)))
	case len(p.view) == 0:
		lines = append(lines, p.st.Muted.Render(listFit("  no entry matches the filter; esc clears it", width)))
	}
	start, end := p.cur.window(len(p.view), rows)
	now := p.now()
	for i := start; i < end; i++ {
		e := &p.entries[p.view[i]]
		lines = append(lines, p.row(e, cols, inputW, wide, width, now, i == p.cur.sel, focused))
		p.rendered++
	}
	return listJoin(lines, width, height) // every line is exactly width cells
}

// header is the first line: how many entries, the filter, and whether the
// view follows the tail.
func (p *AuditPane) header(width int) string {
	if p.loadErr != "" {
		return p.st.Error.Render(listFit("could not read the audit log: "+listOneLine(p.loadErr), width))
	}
	left := auditCount(len(p.entries)) + " runs"
	if p.filter.mode != auditFilterAll {
		left = fmt.Sprintf("%s of %s runs · filter: %s (esc clears)", auditCount(len(p.view)), auditCount(len(p.entries)), listOneLine(p.filter.String()))
	}
	right, rs := "following", p.st.Success
	if !p.follow {
		right, rs = "paused · "+listKeyLabel(p.keys, "bottom")+" follows", p.st.Warning
	}
	gap := width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 2 {
		return p.st.Accent.Render(listFit(left, width))
	}
	return p.st.Accent.Render(left) + strings.Repeat(" ", gap) + rs.Render(right)
}

// row draws one entry on one line of exactly width cells. Cells are
// painted with precomputed escape codes: a View draws up to a screenful of
// these on every key press.
func (p *AuditPane) row(e *store.AuditEntry, cols []auditCol, inputW int, wide bool, width int, now time.Time, sel, focused bool) string {
	whole := sel && focused // the selected row is one reversed bar
	paint := func(lp listPaint, s string) string {
		if whole {
			return s
		}
		return lp.paint(s)
	}
	var b strings.Builder
	b.Grow(2*width + 64)
	mark := "  "
	if sel {
		mark = "› "
	}
	b.WriteString(paint(p.paint.accent, mark))
	total := 2
	for _, c := range cols {
		b.WriteString(paint(p.cellPaint(e, c.name), listCell(auditCellText(e, c.name, wide, now), c.width, c.right)))
		b.WriteByte(' ')
		total += c.width + 1
	}
	in := p.paint.text
	if !e.Success {
		in = p.paint.err
	}
	// A stored input holds up to 1,000 characters: cut before measuring.
	b.WriteString(paint(in, listCell(listOneLine(listHead(e.Input, 2*inputW+16)), inputW, false)))
	total += inputW
	line := b.String()
	if whole {
		line = p.paint.sel.paint(line)
	}
	if total != width {
		line = listFit(line, width)
	}
	return line
}

// cellPaint colours a cell: failures in the Error style, the tier in its
// own colour, the rest muted.
func (p *AuditPane) cellPaint(e *store.AuditEntry, col string) listPaint {
	switch {
	case col == "tier":
		if lp, ok := p.paint.tier[e.Tier]; ok {
			return lp
		}
		return p.paint.muted
	case !e.Success:
		return p.paint.err
	case col == "ok":
		return p.paint.ok
	case col == "skill":
		return p.paint.text
	}
	return p.paint.muted
}

// auditPaints are the audit rows' styles as escape codes.
type auditPaints struct {
	accent, muted, text, err, ok, sel listPaint
	tier                              map[string]listPaint
}

func newAuditPaints(st Styles) auditPaints {
	ps := auditPaints{
		accent: listPainter(st.Accent), muted: listPainter(st.Muted), text: listPainter(st.Text),
		err: listPainter(st.Error), ok: listPainter(st.Success), sel: listPainter(st.Selected),
		tier: map[string]listPaint{},
	}
	for name, s := range st.Tier {
		ps.tier[name] = listPainter(s)
	}
	return ps
}

// auditCellText is an entry's value for a column, on one line.
func auditCellText(e *store.AuditEntry, col string, wide bool, now time.Time) string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return listOneLine(s)
	}
	switch col {
	case "time":
		return auditTime(e.Time, now, wide)
	case "src", "source":
		return dash(e.Source)
	case "session":
		return dash(e.Session)
	case "skill":
		return dash(e.Skill)
	case "tier":
		return dash(e.Tier)
	case "ok":
		switch {
		case e.Stage == store.StageStart:
			return "run…" // recorded before it ran; no outcome yet
		case e.Success:
			return "ok"
		}
		return "FAIL"
	case "ms":
		return strconv.FormatInt(e.ElapsedMS, 10)
	case "cost":
		return auditCost(e.CostUSD)
	}
	return ""
}

// auditTime is an entry's time in the clock's zone: "15:04:05" today and
// "Nov 20" before in compact rows, "11-20 15:04:05" in wide ones.
func auditTime(t, now time.Time, wide bool) string {
	t = t.In(now.Location())
	if wide {
		return t.Format("01-02 15:04:05")
	}
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 02")
}

// auditCost is a run's cost: "$0" when free, four decimals under $10.
func auditCost(c float64) string {
	switch {
	case c == 0:
		return "$0"
	case c < 10:
		return fmt.Sprintf("$%.4f", c)
	}
	return fmt.Sprintf("$%.2f", c)
}

// auditCount writes a count with thousands separators: 10,000.
func auditCount(n int) string {
	s := strconv.Itoa(n)
	if n < 1000 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

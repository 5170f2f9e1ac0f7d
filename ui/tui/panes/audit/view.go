package audit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// minInput is the narrowest the input column gets before other
// columns are dropped to make room.
const minInput = 12

// column is one column of the audit rows.
type column struct {
	name  string
	width int
	right bool
}

// columnumns lays the row out for a width: compact below 120 cells,
// roomier above; columns go (source first) while the input would be
// narrower than minInput. It returns the columns and the input width.
func columnumns(width int) ([]column, int, bool) {
	wide := width >= 120
	cols := []column{
		{"time", 8, false}, {"src", 5, false}, {"session", 10, false}, {"skill", 6, false},
		{"tier", 6, false}, {"ok", 4, false}, {"ms", 6, true}, {"cost", 7, true},
	}
	if wide {
		cols = []column{
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
		if inputW() >= minInput {
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

// View draws the detail view when it is open, else the list. Drawing
// the pane focused counts its new runs as seen.
func (p *Pane) View(width, height int, focused bool) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if focused {
		p.unseen = 0 // seen now: the badge goes back to the total
	}
	if p.list.Detail {
		return p.viewDetail(width, height)
	}
	return p.viewList(width, height, focused)
}

// viewList draws a header (counts, the filter, follow state), the column
// names and the visible rows only, newest at the bottom.
func (p *Pane) viewList(width, height int, focused bool) string {
	lines := make([]string, 0, height)
	lines = append(lines, p.header(width))
	cols, inputW, wide := columnumns(width)
	if height >= 3 {
		var b strings.Builder
		b.WriteString("  ")
		for _, c := range cols {
			b.WriteString(kit.Cell(c.name, c.width, c.right))
			b.WriteByte(' ')
		}
		b.WriteString("input")
		lines = append(lines, p.st.Muted.Render(kit.Fit(b.String(), width)))
	}
	// The text filter, when there is one, takes the last line.
	footer := p.list.FilterLine(width, p.st, len(p.view), len(p.entries))
	rows := height - len(lines)
	if footer != "" && rows > 1 {
		rows--
	}
	p.list.Page = max(1, rows)
	p.rendered = 0
	switch {
	case !p.loaded:
		if p.loadErr == "" {
			lines = append(lines, p.st.Muted.Render(kit.Fit("  loading the audit log…", width)))
		}
	case len(p.entries) == 0:
		lines = append(lines, p.st.Muted.Render(kit.Fit("  no runs yet; every request from every front end shows up here", width)))
	case len(p.view) == 0:
		lines = append(lines, p.st.Muted.Render(kit.Fit("  no entry matches the filter; esc clears it", width)))
	}
	start, end := p.list.Window(len(p.view), rows)
	now := p.now()
	for i := start; i < end; i++ {
		e := &p.entries[p.view[i]]
		lines = append(lines, p.row(e, cols, inputW, wide, width, now, i == p.list.Sel, focused))
		p.rendered++
	}
	if footer != "" && height-len(lines) >= 1 {
		for len(lines) < height-1 {
			lines = append(lines, strings.Repeat(" ", width))
		}
		lines = append(lines[:height-1], footer)
	}
	return kit.Join(lines, width, height) // every line is exactly width cells
}

// header is the first line: how many entries, the filter, and whether the
// view follows the tail.
func (p *Pane) header(width int) string {
	if p.loadErr != "" {
		return p.st.Error.Render(kit.Fit("could not read the audit log: "+kit.OneLine(p.loadErr), width))
	}
	left := runs(len(p.entries))
	if p.filter.mode != filterAll {
		left = fmt.Sprintf("%s of %s runs · filter: %s (esc clears)", kit.Count(len(p.view)), kit.Count(len(p.entries)), kit.OneLine(p.filter.String()))
	}
	right, rs := "following", p.st.Success
	if !p.list.Follow {
		right, rs = "paused · "+p.KeyLabel("bottom")+" follows", p.st.Warning
	}
	gap := width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 2 {
		return p.st.Accent.Render(kit.Fit(left, width))
	}
	return p.st.Accent.Render(left) + strings.Repeat(" ", gap) + rs.Render(right)
}

// row draws one entry on one line of exactly width cells. Cells are
// painted with precomputed escape codes: a View draws up to a screenful of
// these on every key press.
func (p *Pane) row(e *store.AuditEntry, cols []column, inputW int, wide bool, width int, now time.Time, sel, focused bool) string {
	whole := sel && focused // the selected row is one reversed bar
	paint := func(lp kit.Paint, s string) string {
		if whole {
			return s
		}
		return lp.Apply(s)
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
		b.WriteString(paint(p.cellPaint(e, c.name), kit.Cell(cellText(e, c.name, wide, now), c.width, c.right)))
		b.WriteByte(' ')
		total += c.width + 1
	}
	in := p.paint.text
	if !e.Success {
		in = p.paint.err
	}
	// A stored input holds up to 1,000 characters: cut before measuring.
	b.WriteString(paint(in, kit.Cell(kit.OneLine(kit.Head(e.Input, 2*inputW+16)), inputW, false)))
	total += inputW
	line := b.String()
	if whole {
		line = p.paint.sel.Apply(line)
	}
	if total != width {
		line = kit.Fit(line, width)
	}
	return line
}

// cellPaint colours a cell: failures in the Error style, the tier in its
// own colour, the rest muted.
func (p *Pane) cellPaint(e *store.AuditEntry, col string) kit.Paint {
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

// paints are the audit rows' styles as escape codes.
type paints struct {
	accent, muted, text, err, ok, sel kit.Paint
	tier                              map[string]kit.Paint
}

func newPaints(st kit.Styles) paints {
	ps := paints{
		accent: kit.Painter(st.Accent), muted: kit.Painter(st.Muted), text: kit.Painter(st.Text),
		err: kit.Painter(st.Error), ok: kit.Painter(st.Success), sel: kit.Painter(st.Selected),
		tier: map[string]kit.Paint{},
	}
	for name, s := range st.Tier {
		ps.tier[name] = kit.Painter(s)
	}
	return ps
}

// cellText is an entry's value for a column, on one line.
func cellText(e *store.AuditEntry, col string, wide bool, now time.Time) string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return kit.OneLine(s)
	}
	switch col {
	case "time":
		return stamp(e.Time, now, wide)
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
		return cost(e.CostUSD)
	}
	return ""
}

// stamp is an entry's time in the clock's zone: "15:04:05" today and
// "Nov 20" before in compact rows, "11-20 15:04:05" in wide ones.
func stamp(t, now time.Time, wide bool) string {
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

// cost is a run's cost: "$0" when free, four decimals under $10.
func cost(c float64) string {
	switch {
	case c == 0:
		return "$0"
	case c < 10:
		return fmt.Sprintf("$%.4f", c)
	}
	return fmt.Sprintf("$%.2f", c)
}

// count writes a count with thousands separators: 10,000.
// runs is "1 run", "2 runs", "1,024 runs".
func runs(n int) string {
	if n == 1 {
		return "1 run"
	}
	return kit.Count(n) + " runs"
}

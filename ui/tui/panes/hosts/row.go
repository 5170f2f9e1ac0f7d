package hosts

import (
	"math"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/kit"
)

// Column widths of the list.
const (
	maxStateW = 11 // "unreachable"
	loadW     = 5  // "12.34"
	pctW      = 4  // "100%"
	seenLong  = 24 // "unreachable since 12:03", "12s ago"
	seenMid   = 19 // "down since 12:03", "denied since 12:03"
	seenTiny  = 11 // "down 12:03"
	minName   = 6
	wideName  = 24
	maxSpark  = 24
	minSpark  = 4
)

// layoutCols is the list's columns at a width. The state, name and alert
// columns are as wide as what they hold. The sparklines take what the
// plain columns leave, the seen column saying less to make them room;
// when the line is still short the seen column goes, the name narrows,
// then memory, the load, the disk and the alert count go, CPU last.
type layoutCols struct {
	state, name, al, spark, seen int
	load, alerts                 bool
	mem, disk                    bool
	width                        int
}

func (c layoutCols) fixed() int {
	w := 2 + c.state + 1 + c.name + 1 + pctW + 1
	for _, on := range []bool{c.load, c.mem, c.disk} {
		if on {
			w += pctW + 1
		}
	}
	if c.load {
		w += loadW - pctW
	}
	if c.alerts {
		w += c.al + 1
	}
	if c.seen > 0 {
		w += c.seen
	}
	if c.spark > 0 {
		w += c.metrics() * (c.spark + 1)
	}
	return w
}

// metrics is how many numbers a row shows.
func (c layoutCols) metrics() int {
	n := 1
	for _, on := range []bool{c.load, c.mem, c.disk} {
		if on {
			n++
		}
	}
	return n
}

// columns lays the list out at a width for the hosts loaded.
func (p *Pane) columns(width int) layoutCols {
	// The state column always holds "probing…", so a probe moves no column.
	c := layoutCols{width: width, state: ansi.StringWidth(probingWord), name: len("NAME"), al: len("AL"), load: true, alerts: true, mem: true, disk: true}
	for i := range p.hosts {
		h := &p.hosts[i]
		c.state = max(c.state, ansi.StringWidth(p.stateWord(h)))
		c.name = max(c.name, ansi.StringWidth(kit.SafeLine(kit.Head(h.Name, 4*wideName))))
		if h.Alerts > 0 {
			c.al = max(c.al, 1+len(kit.Count(h.Alerts)))
		}
	}
	c.state = min(c.state, maxStateW)
	c.name = min(max(c.name, minName), wideName)
	// The sparklines take what is left beyond the plain columns, as wide
	// as maxSpark; below minSpark cells they say nothing and are left out.
	room := func() int { return min(maxSpark, (width-c.fixed())/c.metrics()-1) }
	for _, s := range []int{seenLong, seenMid, seenTiny} {
		if c.seen = s; room() >= minSpark {
			c.spark = room()
			break
		}
	}
	if c.spark == 0 {
		c.seen = seenMid
	}
	for _, shed := range []func(){
		func() { c.seen = seenTiny },
		func() { c.seen = 0 },
		func() { c.name = max(minName, c.name-(c.fixed()-width)) },
		func() { c.mem = false },
		func() { c.load = false },
		func() { c.disk = false },
		func() { c.alerts = false },
	} {
		if c.fixed() <= width {
			break
		}
		shed()
	}
	return c
}

// head is the line of column names.
func (c layoutCols) head() string {
	var b strings.Builder
	b.WriteString("  " + kit.Cell("STATE", c.state, false) + " " + kit.Cell("NAME", c.name, false))
	metric := func(name string, w int) {
		if c.spark > 0 {
			b.WriteString(" " + strings.Repeat(" ", c.spark))
		}
		b.WriteString(" " + kit.Cell(name, w, true))
	}
	if c.load {
		metric("LOAD5", loadW)
	}
	metric("CPU", pctW)
	if c.mem {
		metric("MEM", pctW)
	}
	if c.disk {
		metric("DISK", pctW)
	}
	if c.alerts {
		b.WriteString(" " + kit.Cell("AL", c.al, true))
	}
	if c.seen > 0 {
		b.WriteString(" " + kit.Cell("SEEN", c.seen-1, false))
	}
	return b.String()
}

// columnHead is the line of column names, ending with how many rows are
// hidden above and below the window when some are.
func (p *Pane) columnHead(c layoutCols, width, above, below int) string {
	var more []string
	if above > 0 {
		more = append(more, "↑"+kit.Count(above))
	}
	if below > 0 {
		more = append(more, "↓"+kit.Count(below))
	}
	if len(more) == 0 {
		return p.st.Muted.Render(kit.Fit(c.head(), width))
	}
	mark := " " + strings.Join(more, " ") + " more"
	w := max(0, width-ansi.StringWidth(mark))
	return kit.Fit(p.st.Muted.Render(kit.Fit(ansi.Truncate(c.head(), w, ""), w))+p.st.Warning.Render(mark), width)
}

// row draws a host on one line of exactly the layout's width.
func (p *Pane) row(h *fleet.HostStatus, c layoutCols, now time.Time) string {
	var b strings.Builder
	b.Grow(c.width * 2)
	b.WriteString("  ")
	b.WriteString(p.paint.state.Of(h.State).Apply(kit.Cell(p.stateWord(h), c.state, false)))
	b.WriteByte(' ')
	b.WriteString(p.paint.text.Apply(kit.Cell(kit.SafeLine(kit.Head(h.Name, 4*c.name+16)), c.name, false)))
	hist := p.history[h.Name]
	// Each number follows its sparkline, so the trend ends at the value
	// it led to.
	// A host that does not answer shows its last numbers muted: they
	// are old news, its state word says what matters.
	fresh := answered(h.State)
	metric := func(v string, w int, pick metric, top float64, level kit.Paint) {
		sp := p.paint.spark
		if !fresh {
			sp, level = p.paint.muted, p.paint.muted
		}
		if c.spark > 0 {
			b.WriteByte(' ')
			b.WriteString(sp.Apply(spark(hist, c.spark, pick, top)))
		}
		b.WriteByte(' ')
		b.WriteString(level.Apply(kit.Cell(v, w, true)))
	}
	if c.load {
		metric(loadText(load5(h)), loadW, loadOf, 0, p.paint.text)
	}
	metric(percent(h.CPUPercent), pctW, cpuOf, 100, p.level(h.CPUPercent))
	if c.mem {
		metric(percent(h.MemPercent), pctW, memOf, 100, p.level(h.MemPercent))
	}
	if c.disk {
		metric(percent(h.DiskPercent), pctW, diskOf, 100, p.level(h.DiskPercent))
	}
	if c.alerts {
		a, lp := "", p.paint.muted
		if h.Alerts > 0 {
			a, lp = "!"+kit.Count(h.Alerts), p.paint.err
		}
		b.WriteString(" " + lp.Apply(kit.Cell(a, c.al, true)))
	}
	if c.seen > 0 {
		s := seenText(h, now, c.seen)
		b.WriteString(" " + p.paint.muted.Apply(kit.Cell(s, c.seen-1, false)))
	}
	return kit.Fit(b.String(), c.width)
}

// probingWord is the state column of a host being probed.
const probingWord = "probing…"

// stateWord is the row's state: its word, or that a probe is under way.
func (p *Pane) stateWord(h *fleet.HostStatus) string {
	if p.probing[h.Name] {
		return probingWord
	}
	return kit.SafeLine(string(h.State))
}

// load5 is the host's 5-minute load, the one the load alert reads; NaN
// when not measured.
func load5(h *fleet.HostStatus) float64 {
	if h.HasSnapshot && h.Snapshot.Load.OK {
		return h.Snapshot.Load.Value.Five
	}
	return math.NaN()
}

// level colours a percentage by how full it is: the alert thresholds are
// the fleet's to judge, so this only draws the eye (90 and more red, 75
// and more yellow).
func (p *Pane) level(v float64) kit.Paint {
	switch {
	case v >= 90:
		return p.paint.err
	case v >= 75:
		return p.paint.warn
	}
	return p.paint.text
}

// paints are the rows' styles as escape codes.
type paints struct {
	accent, muted, text, sel, spark, warn, err kit.Paint
	state                                      kit.StatePaints[fleet.State]
}

func newPaints(st kit.Styles) paints {
	return paints{accent: kit.Painter(st.Accent), muted: kit.Painter(st.Muted), text: kit.Painter(st.Text),
		sel: kit.Painter(st.Selected), spark: kit.Painter(st.Info), warn: kit.Painter(st.Warning), err: kit.Painter(st.Error),
		state: kit.NewStatePaints(st, func(s fleet.State) lipgloss.Style { return stateStyle(st, s) },
			fleet.StateOK, fleet.StateWarn, fleet.StateAlert, fleet.StateUnreachable,
			fleet.StateStale, fleet.StateUntrusted, fleet.StateRefused, fleet.StateDenied, fleet.StateNew)}
}

// stateStyle is a state's colour; the word beside it says the same, so
// the colour is never the only sign: ok green, warn yellow, alert red,
// a host that does not answer or refuses the login red (its numbers
// beside it muted), stale yellow, an unknown key magenta (the accent), a
// changed key red.
func stateStyle(st kit.Styles, s fleet.State) lipgloss.Style {
	switch s {
	case fleet.StateOK:
		return st.Success
	case fleet.StateWarn, fleet.StateStale:
		return st.Warning
	case fleet.StateAlert, fleet.StateRefused, fleet.StateUnreachable, fleet.StateDenied:
		return st.Error
	case fleet.StateUntrusted:
		return st.Accent
	}
	return st.Muted
}

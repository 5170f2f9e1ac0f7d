package scheduler

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// Column widths of the list.
const (
	nextW      = 12 // "in 59m 59s", "due now"
	nextShortW = 10 // the same, with no room to spare
	lastW      = 11 // "interrupted"
	lastShortW = 6  // "failed", "intr.": the short words
	minName    = 12 // the narrowest a name gets while last stays
	runsW      = 5
	minSpec    = 27 // "once on 2026-12-01 at 14:40" whole: the schedule column keeps it before last and runs stay
)

// View draws the form when it is open, else the detail view when it is
// open, else the list, with a header line and a footer for the question,
// the filter and hints. It fills exactly width × height.
func (p *Pane) View(width, height int, focused bool) string {
	p.drawn = true
	if width <= 0 || height <= 0 {
		return ""
	}
	switch {
	case p.prompt == adding:
		return p.viewForm(width, height)
	case p.list.Detail && p.shown != nil:
		return p.viewDetail(width, height)
	}
	p.list.Detail = false
	now := p.now()
	cols := p.columns(width)
	return kit.ListFrame{
		Header: p.header(width, now),
		Footer: p.footer(width),
		Empty:  p.emptyText(),
		Muted:  p.st.Muted,
		ColumnHead: func(above, below int) string {
			return p.columnHead(cols, width, above, below)
		},
		Row: func(i int, selected bool) string {
			line := p.row(&p.tasks[p.rows[i]], cols, now)
			if selected {
				line = p.mark(line, focused)
			}
			return line
		},
	}.Render(&p.list, len(p.rows), width, height)
}

// layoutCols is the list's columns at a width: name, schedule (the free
// column), next, last, runs. The schedule's words come first: when the
// line is short, runs go, last shortens its words, next narrows, the
// name narrows, then last goes.
type layoutCols struct {
	name, spec, next int
	last             int // 0: no last column; below lastW: its short words
	runs             bool
	width            int
}

func (p *Pane) columns(width int) layoutCols {
	c := layoutCols{width: width, next: nextW, last: lastW, runs: true}
	c.name = 16
	if width >= 120 {
		c.name = 28
	}
	wide := c.name
	fixed := func() int {
		w := 2 + c.name + 1 + c.next + 1
		if c.last > 0 {
			w += c.last + 1
		}
		if c.runs {
			w += runsW + 1
		}
		return w
	}
	for _, shed := range []func(){
		func() { c.runs = false },
		func() { c.last = lastShortW },
		func() { c.next = nextShortW },
		func() { c.name = max(minName, c.name-(minSpec-(width-fixed()))) },
		func() { c.last = 0; c.name = max(6, min(wide, c.name+width-fixed()-minSpec)) }, // the name gets back what last leaves
		func() { c.name = max(6, c.name-(minSpec-(width-fixed()))) },
	} {
		if width-fixed() >= minSpec {
			break
		}
		shed()
	}
	c.spec = max(0, width-fixed())
	return c
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

func (c layoutCols) head() string {
	var b strings.Builder
	b.WriteString("  " + kit.Cell("NAME", c.name, false) + " " + kit.Cell("SCHEDULE", c.spec, false) + " " + kit.Cell("NEXT", c.next, false))
	if c.last > 0 {
		b.WriteString(" " + kit.Cell("LAST", c.last, false))
	}
	if c.runs {
		b.WriteString(" " + kit.Cell("RUNS", runsW, true))
	}
	return b.String()
}

// row draws a task on one line of exactly the layout's width.
func (p *Pane) row(t *store.Task, c layoutCols, now time.Time) string {
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(p.paint.text.Apply(kit.Cell(kit.SafeLine(kit.Head(t.Name, 4*c.name+16)), c.name, false)))
	b.WriteByte(' ')
	words := p.words[t.ID]
	if words == "" {
		words = t.Spec
	}
	b.WriteString(p.paint.muted.Apply(kit.Cell(kit.SafeLine(words), c.spec, false)))
	b.WriteByte(' ')
	next, paint := nextText(t, now), p.paint.accent
	if t.Paused || t.Done() {
		paint = p.paint.muted
	}
	b.WriteString(paint.Apply(kit.Cell(next, c.next, false)))
	if c.last > 0 {
		word, lp := lastWord(t, c.last < lastW), p.paint.state.Of(t.LastState)
		if p.running[t.ID] {
			word, lp = "running…", p.paint.accent
			if c.last < lastW {
				word = "run…"
			}
		}
		b.WriteString(" " + lp.Apply(kit.Cell(word, c.last, false)))
	}
	if c.runs {
		b.WriteString(" " + p.paint.muted.Apply(kit.Cell(kit.Count(int(t.RunCount)), runsW, true)))
	}
	return kit.Fit(b.String(), c.width)
}

// mark puts the selection marker on a row (whose first two cells are
// blank), reversing the whole row when the pane has focus.
func (p *Pane) mark(line string, focused bool) string {
	if focused {
		return p.paint.sel.Apply("›" + ansi.Strip(line)[len(" "):])
	}
	return p.paint.accent.Apply("›") + line[1:]
}

// emptyText is what a list with no row says, "" when it has rows.
func (p *Pane) emptyText() string {
	switch {
	case len(p.rows) > 0:
		return ""
	case p.svc == nil:
		return "the scheduler is not available in this cockpit"
	case !p.loaded && p.loadErr == "":
		return "loading…"
	case !p.loaded:
		return ""
	case p.list.Query() != "":
		return "nothing matches the filter; esc clears it"
	}
	if k := p.KeyLabel("add"); k != "?" {
		return "no scheduled tasks; " + k + " adds one"
	}
	return "no scheduled tasks"
}

// header is the first line: the counts, the next task to fire and who
// fires them, or why the tasks could not be read. On a narrow pane it
// sheds the paused and done counts, then the next task's name, then says
// who fires them in fewer words.
func (p *Pane) header(width int, now time.Time) string {
	if p.loadErr != "" {
		return p.st.Error.Render(kit.Fit("could not read the tasks: "+kit.SafeLine(p.loadErr), width))
	}
	if !p.loaded {
		return p.st.Accent.Render(kit.Fit("scheduler", width))
	}
	paused, done := 0, 0
	var next *store.Task
	for i := range p.tasks {
		t := &p.tasks[i]
		switch {
		case t.Paused:
			paused++
		case t.Done():
			done++
		case next == nil || t.NextRunAt.Before(next.NextRunAt):
			next = t
		}
	}
	count := kit.Count(len(p.tasks)) + " tasks"
	if len(p.tasks) == 1 {
		count = "1 task"
	}
	var states, nextLong, nextShort string
	if paused > 0 {
		states += " · " + kit.Count(paused) + " paused"
	}
	if done > 0 {
		states += " · " + kit.Count(done) + " done"
	}
	if next != nil {
		nextLong = " · next: " + kit.SafeLine(next.Name) + " " + nextText(next, now)
		nextShort = " · next " + nextText(next, now)
	}
	long, short, style := p.runnerWords()
	return kit.FitHead(width, p.st, style,
		kit.HeadChoice{Lead: count + states + nextLong, Tail: long},
		kit.HeadChoice{Lead: count + nextLong, Tail: long},
		kit.HeadChoice{Lead: count + nextShort, Tail: long},
		kit.HeadChoice{Lead: count + nextShort, Tail: short},
		kit.HeadChoice{Lead: count, Tail: short})
}

// runnerWords says which process fires the tasks, in full and in fewer
// words: this cockpit, the daemon, another cockpit, or none while some
// task would fire (then in the warning style: nothing fires until one
// starts).
func (p *Pane) runnerWords() (long, short string, style lipgloss.Style) {
	st := p.status
	switch {
	case st == nil:
		return "", "", p.st.Muted
	case st.Self:
		return "run by this cockpit", "run here", p.st.Muted
	case st.Held && st.Lease.Role == "daemon":
		return "run by the daemon", "by daemon", p.st.Muted
	case st.Held && st.Lease.Role == "tui":
		return "run by another cockpit", "by another cockpit", p.st.Muted
	case st.Held:
		role := kit.SafeLine(st.Lease.Role)
		return "run by " + role, "by " + role, p.st.Muted
	case p.live() == 0:
		return "", "", p.st.Muted // nothing to fire: no need of a runner
	}
	return "no process runs them: macroa daemon start", "no runner: macroa daemon start", p.st.Warning
}

// footer is the last line: the delete question, the filter, or the keys.
func (p *Pane) footer(width int) []string {
	if p.prompt == deleting {
		q := "delete task " + kit.SafeLine(p.target.Name) + " and its history?"
		return []string{p.st.Warning.Render(kit.FitHints(width, q, []kit.Hint{{Text: "y deletes"}, {Text: "n or esc keeps it", Drop: 1}}, ""))}
	}
	if f := p.list.FilterLine(width, p.st, len(p.rows), len(p.tasks)); f != "" {
		return []string{f}
	}
	var hints []kit.Hint
	add := func(action, what string, drop int) {
		if k := p.KeyLabel(action); k != "?" {
			hints = append(hints, kit.Hint{Text: k + " " + what, Drop: drop})
		}
	}
	add("detail", "details", 5)
	add("pause", "pause/resume", 1)
	add("run", "run now", 2)
	add("add", "add", 3)
	add("delete", "delete", 4)
	add("search", "filter", 6)
	return []string{p.st.Muted.Render(kit.FitHints(width, "", hints, ""))}
}

// paints are the rows' styles as escape codes.
type paints struct {
	accent, muted, text, sel kit.Paint
	state                    kit.StatePaints[store.TaskRunState]
}

func newPaints(st kit.Styles) paints {
	return paints{accent: kit.Painter(st.Accent), muted: kit.Painter(st.Muted), text: kit.Painter(st.Text),
		sel: kit.Painter(st.Selected),
		state: kit.NewStatePaints(st, func(s store.TaskRunState) lipgloss.Style { return stateStyle(st, s) },
			store.RunRunning, store.RunWaiting, store.RunSucceeded, store.RunFailed, store.RunInterrupted, store.RunSkipped)}
}

// stateStyle is a run state's colour; the word beside it says the same.
func stateStyle(st kit.Styles, s store.TaskRunState) lipgloss.Style {
	switch s {
	case store.RunSucceeded:
		return st.Success
	case store.RunFailed, store.RunInterrupted:
		return st.Error
	case store.RunWaiting:
		return st.Warning
	case store.RunRunning:
		return st.Accent
	}
	return st.Muted
}

// countWord is "1 run", "12 runs".
func countWord(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return kit.Count(int(n)) + " " + word + "s"
}

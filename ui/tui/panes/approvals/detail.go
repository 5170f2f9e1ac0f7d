package approvals

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// labelWidth is the width of the labels in the detail view.
const labelWidth = 10

// contIndent starts each line a field's value wraps onto.
const contIndent = "  "

// wrap cuts already clean text into lines of at most width cells,
// keeping its own line breaks.
func wrap(s string, width int) []string {
	s = strings.TrimRight(s, "\n")
	if width > 0 {
		s = ansi.Wrap(s, width, "")
	}
	return strings.Split(s, "\n")
}

// detailCache keeps the detail view's lines between frames: its fields
// and command (head), its output and its error (tail) are drawn again
// only when the entry, the width or the output changes, so scrolling
// through 64 KiB of output costs no wrapping or styling per key, and a
// streamed line wraps only itself.
type detailCache struct {
	headKey headKey
	head    []string
	tail    []string
	outKey  outKey
	out     []string
	liveN   int // streamed lines wrapped into out so far
	body    []string
}

type headKey struct {
	id      store.ApprovalID
	updated time.Time
	state   store.ApprovalState
	width   int
	now     time.Time // to the second: the ages shown
	acting  bool
}

type outKey struct {
	id      store.ApprovalID
	updated time.Time // zero while streaming
	state   store.ApprovalState
	width   int
	gen     int // of the streamed lines: a new one when they restart or are cut
	live    bool
	acting  bool
}

// detailBody is the shown entry's fields, command or diff, output and
// error, as lines of at most width cells.
func (p *Pane) detailBody(width int, now time.Time) []string {
	e, c := p.shown, &p.cache
	changed := false
	hk := headKey{id: e.ID, updated: e.UpdatedAt, state: e.State, width: width, now: now.Truncate(time.Second), acting: p.acting[e.ID]}
	if c.head == nil || c.headKey != hk {
		c.headKey, c.head, c.tail, changed = hk, p.detailHead(width, now), p.detailTail(width), true
	}
	live := len(p.live) > 0 && !e.State.Final()
	ok := outKey{id: e.ID, width: width, gen: p.liveGen, live: live}
	if !live {
		ok.updated, ok.state, ok.acting = e.UpdatedAt, e.State, p.acting[e.ID]
	}
	switch {
	case c.out == nil || c.outKey != ok || live && c.liveN > len(p.live):
		c.outKey, c.liveN, changed = ok, 0, true
		c.out = p.outputTitle(e, live, width)
		fallthrough
	case live && c.liveN < len(p.live):
		if live {
			for _, l := range p.live[c.liveN:] {
				c.out = append(c.out, p.sectionLines(kit.SafeBlock(l), width, p.st.Shell)...)
			}
			c.liveN, changed = len(p.live), true
		}
	}
	if changed || c.body == nil {
		c.body = append(append(append(c.body[:0], c.head...), c.out...), c.tail...)
	}
	return c.body
}

// sectionLines wraps a section's text under its title, indented.
func (p *Pane) sectionLines(text string, width int, style lipgloss.Style) []string {
	var out []string
	for _, w := range wrap(text, max(1, width-2)) {
		out = append(out, "  "+style.Render(w))
	}
	return out
}

// outputTitle starts the output section: the stored output (wrapped
// here), or the title the streamed lines go under, or nothing.
func (p *Pane) outputTitle(e *store.Approval, live bool, width int) []string {
	switch {
	case live:
		return []string{"", p.st.Muted.Render("output (running)")}
	case e.Output != "":
		return append([]string{"", p.st.Muted.Render("output")}, p.sectionLines(kit.SafeBlock(e.Output), width, p.st.Shell)...)
	case e.State == store.ApprovalRunning || e.State == store.ApprovalApproved || p.acting[e.ID]:
		return append([]string{"", p.st.Muted.Render("output")},
			p.sectionLines("(running; its lines show here as it prints them)", width, p.st.Muted)...)
	}
	return []string{}
}

// detailTail is the error section, when the entry has an error.
func (p *Pane) detailTail(width int) []string {
	if p.shown.Error == "" {
		return nil
	}
	return append([]string{"", p.st.Muted.Render("error")}, p.sectionLines(kit.SafeBlock(p.shown.Error), width, p.st.Error)...)
}

// detailHead is the shown entry's fields and its command or diff.
func (p *Pane) detailHead(width int, now time.Time) []string {
	e := p.shown
	valueW := max(1, width-labelWidth-1)
	var body []string
	// A value's lines after its first are indented under it: only the
	// gate's level row starts in the values' column with no label, so no
	// text (a proposer's command or why) can wrap into a row like it.
	field := func(label, value string, style lipgloss.Style) {
		for i, line := range wrap(value, max(1, valueW-len(contIndent))) {
			if i > 0 {
				label, line = "", contIndent+line
			}
			body = append(body, p.st.Muted.Render(kit.Cell(label, labelWidth, false))+" "+style.Render(line))
		}
	}
	section := func(label string, lines []string, style lipgloss.Style) {
		body = append(body, "", p.st.Muted.Render(label))
		for _, l := range lines {
			for _, w := range wrap(l, max(1, width-2)) {
				body = append(body, "  "+style.Render(w))
			}
		}
	}
	field("summary", kit.SafeLine(e.Summary), p.st.Text)
	field("kind", kit.SafeLine(e.Kind), p.st.Text)
	if e.Target != "" {
		field("target", kit.SafeLine(e.Target), p.st.Text)
	}
	field("host", hostName(e.Host), p.st.Text)
	proposed := kit.SafeLine(e.Proposer)
	if e.Source != "" {
		proposed += " from " + kit.SafeLine(e.Source)
	}
	proposed += ", " + ago(now, e.CreatedAt)
	if e.Count > 1 {
		proposed += fmt.Sprintf(" (proposed %d times)", e.Count)
	}
	if e.Session != "" {
		proposed += " · session " + kit.SafeLine(e.Session)
	}
	field("proposed", proposed, p.st.Text)
	if e.State == store.ApprovalPending {
		left := "no expiry"
		if !e.ExpiresAt.IsZero() {
			left = "in " + expiry(now, e.ExpiresAt) + " (" + e.ExpiresAt.In(now.Location()).Format("2006-01-02 15:04") + ")"
			if !e.ExpiresAt.After(now) {
				left = "past its expiry: it is expired at the next look"
			}
		}
		field("expires", left, p.st.Text)
	}
	// Why it was proposed: a model's words or Macroa's own (the agent's
	// reason for asking), so the label claims neither; on one line, so a
	// line break in it cannot start a row.
	why := kit.SafeLine(e.Why)
	if why == "" {
		why = "(none given)"
	}
	field("why", why, p.st.Text)
	gate := kit.SafeLine(e.Verdict)
	if e.Reason != "" {
		gate += ": " + kit.SafeLine(e.Reason)
	}
	field("gate", gate, p.st.Text)
	level := "level " + kit.SafeLine(e.Level)
	if e.Level == "" {
		level = "level -"
	}
	level += " · risk " + actions.Risk(e.Risk).String()
	if e.Protected != "" {
		level += " · protected " + kit.SafeLine(e.Protected)
	}
	field("", level, p.riskStyle(e.Risk))
	if e.DecidedBy != "" {
		field("decided", decided(e)+", "+ago(now, e.DecidedAt), p.st.Text)
	}
	if e.Note != "" {
		field("note", kit.SafeBlock(e.Note), p.st.Text)
	}
	if out, style := outcome(e, p.st); out != "" {
		field("outcome", out, style)
	}
	label, lines := command(e)
	section(label, lines, p.st.Code)
	return body
}

// outcome says how an entry's run ended: "succeeded, exit 0, in 1.2s".
func outcome(e *store.Approval, st kit.Styles) (string, lipgloss.Style) {
	took := ""
	if !e.StartedAt.IsZero() && !e.FinishedAt.IsZero() {
		took = ", in " + e.FinishedAt.Sub(e.StartedAt).Round(time.Millisecond).String()
	}
	switch e.State {
	case store.ApprovalSucceeded:
		return "succeeded, exit " + strconv.Itoa(e.ExitCode) + took, st.Success
	case store.ApprovalFailed:
		return "failed, exit " + strconv.Itoa(e.ExitCode) + took, st.Error
	case store.ApprovalInterrupted:
		return "interrupted: the process running it ended; it is never run again by itself", st.Error
	case store.ApprovalRunning:
		return "running since " + e.StartedAt.Format("15:04:05"), st.Accent
	case store.ApprovalApproved:
		return "approved, starting", st.Accent
	case store.ApprovalRejected:
		return "rejected: it never ran", st.Warning
	case store.ApprovalExpired:
		return "expired: nobody answered in time; it never ran", st.Muted
	}
	return "", st.Text
}

// viewDetail draws the shown entry under a fixed header line; it scrolls,
// and keeps its last line in sight while the output streams.
func (p *Pane) viewDetail(width, height int) string {
	e := p.shown
	footer := p.detailFooter(width, max(1, height-2))
	if height <= len(footer) {
		return kit.Block(footer[len(footer)-height:], width, height)
	}
	body := p.detailBody(width, p.now())
	rows := max(0, height-1-len(footer))
	l := &p.lists[p.view]
	if p.follow {
		l.DetailTop = len(body)
	}
	l.ClampDetail(len(body), rows)
	head := p.st.Accent.Render("approval "+string(e.ID)) + " " + stateStyle(p.st, e.State).Render(string(e.State)) +
		" " + p.riskStyle(e.Risk).Render(actions.Risk(e.Risk).String()+" risk")
	if below := len(body) - l.DetailTop - rows; below > 0 {
		head += p.st.Warning.Render(fmt.Sprintf(" ↓ %d more", below))
	}
	lines := append([]string{kit.Fit(head, width)}, body[l.DetailTop:min(len(body), l.DetailTop+rows)]...)
	for len(lines) < height-len(footer) {
		lines = append(lines, "")
	}
	return kit.Block(append(lines[:height-len(footer)], footer...), width, height)
}

// detailFooter is the prompt when one is open, else the detail view's
// keys, those of the answers kept first when the line is short.
func (p *Pane) detailFooter(width, rows int) []string {
	if p.prompt != browse {
		return p.footer(width, rows)
	}
	hints := []kit.Hint{{Text: "esc close", Drop: 4}}
	if p.shown.State == store.ApprovalPending && !p.acting[p.shown.ID] {
		for i, a := range [][2]string{{"approve", "approve"}, {"remember", "remember"}, {"reject", "reject"}} {
			if k := p.KeyLabel(a[0]); k != "?" {
				hints = append(hints, kit.Hint{Text: k + " " + a[1], Drop: []int{1, 3, 2}[i]})
			}
		}
	}
	hints = append(hints, kit.Hint{Text: p.KeyLabel("up") + "/" + p.KeyLabel("down") + " scroll", Drop: 5})
	return []string{p.st.Muted.Render(kit.FitHints(width, "", hints, ""))}
}

// riskStyle is a risk's colour; the word beside it says the same.
func (p *Pane) riskStyle(r int) lipgloss.Style {
	switch actions.Risk(r) {
	case actions.Critical:
		return p.st.Error
	case actions.High:
		return p.st.Warning
	case actions.Medium:
		return p.st.Info
	case actions.Low:
		return p.st.Success
	}
	return p.st.Muted
}

// paints are the rows' styles as escape codes.
type paints struct {
	accent, muted, text, sel kit.Paint
	risks                    [5]kit.Paint
	states                   map[store.ApprovalState]kit.Paint
}

func newPaints(st kit.Styles) paints {
	ps := paints{accent: kit.Painter(st.Accent), muted: kit.Painter(st.Muted), text: kit.Painter(st.Text),
		sel: kit.Painter(st.Selected), states: map[store.ApprovalState]kit.Paint{}}
	p := &Pane{st: st}
	for r := range ps.risks {
		ps.risks[r] = kit.Painter(p.riskStyle(r))
	}
	for _, s := range append(finalStates, openStates...) {
		ps.states[s] = kit.Painter(stateStyle(st, s))
	}
	return ps
}

func (ps paints) risk(r int) kit.Paint {
	if r < 0 || r >= len(ps.risks) {
		return ps.muted
	}
	return ps.risks[r]
}

func (ps paints) state(s store.ApprovalState) kit.Paint {
	if lp, ok := ps.states[s]; ok {
		return lp
	}
	return ps.muted
}

// stateStyle is a state's colour; the word beside it says the same.
func stateStyle(st kit.Styles, s store.ApprovalState) lipgloss.Style {
	switch s {
	case store.ApprovalSucceeded:
		return st.Success
	case store.ApprovalFailed, store.ApprovalInterrupted:
		return st.Error
	case store.ApprovalRejected, store.ApprovalPending:
		return st.Warning
	case store.ApprovalApproved, store.ApprovalRunning:
		return st.Accent
	}
	return st.Muted
}

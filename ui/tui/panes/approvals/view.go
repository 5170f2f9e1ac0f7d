package approvals

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// minText is the narrowest the summary column gets before other columns
// are dropped to make room.
const minText = 16

// column is one column of a list's rows.
type column struct {
	name  string
	width int
	right bool
}

// layout drops columns (in the order given) while the last, free column
// would be narrower than minText; it returns the columns kept and that
// column's width.
func layout(width int, cols []column, drop ...string) ([]column, int) {
	free := func() int {
		w := width - 2 // the selection marker and a space
		for _, c := range cols {
			w -= c.width + 1
		}
		return w
	}
	for _, d := range drop {
		if free() >= minText {
			break
		}
		for i, c := range cols {
			if c.name == d {
				cols = append(cols[:i:i], cols[i+1:]...)
				break
			}
		}
	}
	return cols, max(0, free())
}

// View draws the detail view when it is open, else the list shown, with
// a header line of counts and a footer for prompts, the filter and hints.
func (p *Pane) View(width, height int, focused bool) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if p.view != rules && p.lists[p.view].Detail && p.shown != nil {
		return p.viewDetail(width, height)
	}
	p.lists[p.view].Detail = false
	footer := p.footer(width, max(1, height-2))
	if height <= len(footer) {
		return kit.Block(footer[len(footer)-height:], width, height)
	}
	lines := make([]string, 0, height)
	lines = append(lines, p.header(width))
	var cols []column
	var free int
	switch p.view {
	case open:
		cols, free = p.openColumns(width)
	case history:
		cols, free = p.pastColumns(width)
	default:
		cols, free = p.ruleColumns(width)
	}
	if height >= 4 {
		var b strings.Builder
		b.WriteString("  ")
		for _, c := range cols {
			b.WriteString(kit.Cell(c.name, c.width, c.right))
			b.WriteByte(' ')
		}
		b.WriteString(map[which]string{open: "ACTION · WHY", history: "ACTION", rules: "TARGET"}[p.view])
		lines = append(lines, p.st.Muted.Render(kit.Fit(b.String(), width)))
	}
	rowsH := max(0, height-len(lines)-len(footer))
	l := &p.lists[p.view]
	l.Page = max(1, rowsH)
	if msg := p.emptyText(); msg != "" && rowsH > 0 {
		lines = append(lines, p.st.Muted.Render(kit.Fit("  "+msg, width)))
	}
	start, end := l.Window(len(p.rows[p.view]), rowsH)
	now := p.now()
	for i := start; i < end; i++ {
		sel := i == l.Sel
		var line string
		switch p.view {
		case rules:
			line = p.ruleRow(&p.rulesList[p.rows[rules][i]], cols, free, now)
		default:
			line = p.entryRow(&p.entriesOf(p.view)[p.rows[p.view][i]], cols, free, now)
		}
		if sel {
			line = p.mark(line, focused)
		}
		lines = append(lines, line)
	}
	for len(lines) < height-len(footer) {
		lines = append(lines, "")
	}
	lines = append(lines[:height-len(footer)], footer...)
	return kit.Block(lines, width, height)
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
	w := p.view
	if len(p.rows[w]) > 0 {
		return ""
	}
	switch {
	case p.svc == nil:
		return "approvals are not available in this cockpit"
	case !p.loaded[w] && p.loadErr == "":
		return "loading…"
	case !p.loaded[w]:
		return ""
	case p.lists[w].Query() != "":
		return "nothing matches the filter; esc clears it"
	case w == open:
		return "nothing waits for approval; what the agent proposes shows up here"
	case w == history:
		return "no decided entries yet"
	}
	return "no remembered rules; A approves and remembers"
}

// header is the first line: the counts, or why they could not be read.
func (p *Pane) header(width int) string {
	if p.loadErr != "" {
		return p.st.Error.Render(kit.Fit("could not read the approval queue: "+kit.SafeLine(p.loadErr), width))
	}
	c := p.counts
	var left string
	switch p.view {
	case open:
		left = kit.Count(c.Pending) + " pending"
		var by []string
		for r := 4; r >= 1; r-- {
			if n := c.PendingByRisk[r]; n > 0 {
				by = append(by, kit.Count(n)+" "+actions.Risk(r).String())
			}
		}
		if len(by) > 0 {
			left += " (" + strings.Join(by, ", ") + ")"
		}
		if c.Running > 0 {
			left += " · " + kit.Count(c.Running) + " running"
		}
		left += " · " + kit.Count(c.Decided) + " decided"
	case history:
		left = "history · " + kit.Count(c.Decided) + " decided, newest first"
		if len(p.past) < c.Decided {
			left += " · " + kit.Count(len(p.past)) + " read"
		}
	default:
		left = "remembered rules · " + kit.Count(len(p.rulesList))
	}
	if !p.countsOK && p.view != rules {
		left = "approvals"
	}
	return p.st.Accent.Render(kit.Fit(left, width))
}

// footer is the last lines: the open prompt, the filter, or the keys; at
// most rows lines (a rejection's note takes a line of its own when it
// may, so the note gets the whole width).
func (p *Pane) footer(width, rows int) []string {
	switch p.prompt {
	case confirm:
		q := strings.ToUpper(actions.Risk(p.target.Risk).String()) + " risk, approve?"
		if p.remember.Scope != "" {
			q = strings.ToUpper(actions.Risk(p.target.Risk).String()) + " risk, approve and remember " + scopeWords(p.remember.Scope) + "?"
		}
		return []string{p.st.Warning.Render(kit.FitHints(width, q, []kit.Hint{{Text: p.KeyLabel("approve") + " or y runs it"}, {Text: "esc cancels", Drop: 1}},
			p.target.Summary))}
	case scope:
		var hs []kit.Hint
		if p.target.Session != "" {
			hs = append(hs, kit.Hint{Text: "s session"})
		}
		hs = append(hs, kit.Hint{Text: "h host"}, kit.Hint{Text: "w always"}, kit.Hint{Text: "esc cancels", Drop: 1})
		return []string{p.st.Warning.Render(kit.FitHints(width, "remember for:", hs, p.target.Summary))}
	case noting:
		return p.noteFooter(width, rows)
	}
	l := &p.lists[p.view]
	total := len(p.entriesOf(p.view))
	if p.view == rules {
		total = len(p.rulesList)
	}
	if f := l.FilterLine(width, p.st, len(p.rows[p.view]), total); f != "" {
		return []string{f}
	}
	// The pane's own keys first; enter and / open and filter every list,
	// so their hints go first when the line is short (the cheat sheet has
	// them all).
	var hints []kit.Hint
	add := func(action, what string, drop int) {
		if k := p.KeyLabel(action); k != "?" {
			hints = append(hints, kit.Hint{Text: k + " " + what, Drop: drop})
		}
	}
	switch p.view {
	case rules:
		add("revoke", "revoke", 1)
		add("rules", "back", 2)
	default:
		add("detail", "details", 6)
		if p.view == open {
			add("approve", "approve", 1)
			add("remember", "remember", 3)
			add("reject", "reject", 2)
		}
		if p.view == history {
			add("history", "back", 1)
		} else {
			add("history", "history", 4)
		}
		add("rules", "rules", 5)
	}
	add("search", "filter", 7)
	return []string{p.st.Muted.Render(kit.FitHints(width, "", hints, ""))}
}

// noteFooter is the rejection's prompt: what is rejected and the keys on
// one line, the note on the next over the whole width; on one line when
// the pane has no room for two.
func (p *Pane) noteFooter(width, rows int) []string {
	const hintText = "optional; enter rejects, esc cancels"
	if rows < 2 {
		label := "reject, note: "
		label = kit.Fit(label, min(width, ansi.StringWidth(label)))
		in := p.note.View(max(1, width-ansi.StringWidth(label)), p.st.Text, p.st.Subtle, hintText)
		return []string{kit.Fit(p.st.Accent.Render(label)+in, width)}
	}
	// "reject restart nginx.service? enter rejects · esc cancels", the
	// summary cut to the room the keys leave.
	keys := kit.FitHints(width, "", []kit.Hint{{Text: "enter rejects"}, {Text: "esc cancels", Drop: 1}}, "")
	keys = strings.TrimRight(ansi.Strip(keys), " ")
	q := "reject? " + keys
	if room := width - ansi.StringWidth("reject ? "+keys); room >= kit.MinTail {
		q = "reject " + ansi.Truncate(kit.SafeLine(p.target.Summary), room, "…") + "? " + keys
	}
	head := p.st.Accent.Render(kit.Fit(q, width))
	label := kit.Fit("note: ", min(width, len("note: ")))
	in := p.note.View(max(1, width-ansi.StringWidth(label)), p.st.Text, p.st.Subtle, "optional, for the proposer")
	return []string{head, kit.Fit(p.st.Accent.Render(label)+in, width)}
}

// openColumns lays out the open list: risk, age, expiry, host, proposer.
func (p *Pane) openColumns(width int) ([]column, int) {
	cols := []column{{"RISK", 8, false}, {"AGE", 4, true}, {"EXPIRES", 7, false}, {"HOST", 9, false}, {"BY", 10, false}}
	if width >= 120 {
		cols = []column{{"RISK", 8, false}, {"AGE", 5, true}, {"EXPIRES", 9, false}, {"HOST", 16, false}, {"PROPOSED BY", 12, false}}
	}
	return layout(width, cols, "HOST", "BY", "PROPOSED BY", "AGE")
}

// pastColumns lays out the history: outcome, risk, when, who decided.
func (p *Pane) pastColumns(width int) ([]column, int) {
	cols := []column{{"STATE", 11, false}, {"RISK", 8, false}, {"WHEN", 6, false}, {"DECIDED BY", 18, false}}
	if width >= 120 {
		cols = []column{{"STATE", 11, false}, {"RISK", 8, false}, {"WHEN", 6, false}, {"HOST", 12, false}, {"DECIDED BY", 24, false}}
	}
	return layout(width, cols, "HOST", "DECIDED BY", "WHEN")
}

// ruleColumns lays out the rules.
func (p *Pane) ruleColumns(width int) ([]column, int) {
	cols := []column{{"RULE", 5, true}, {"SCOPE", 14, false}, {"KIND", 15, false}, {"USES", 4, true}}
	if width >= 120 {
		cols = []column{{"RULE", 5, true}, {"SCOPE", 20, false}, {"KIND", 16, false}, {"USES", 5, true}, {"MADE", 6, false}, {"BY", 16, false}}
	}
	return layout(width, cols, "BY", "MADE", "USES", "KIND")
}

// entryRow draws an entry of the open list or the history on one line of
// exactly width cells, painted with precomputed escape codes: a View
// draws a screenful of these on every key press.
func (p *Pane) entryRow(e *store.Approval, cols []column, free int, now time.Time) string {
	var b strings.Builder
	b.Grow(2*free + 128)
	b.WriteString("  ")
	for _, c := range cols {
		text, paint := p.entryCell(e, c.name, now)
		b.WriteString(paint.Apply(kit.Cell(text, c.width, c.right)))
		b.WriteByte(' ')
	}
	// Summary then, muted, why: both cut before measuring (either may be long).
	summary := kit.SafeLine(kit.Head(e.Summary, 2*free+16))
	if e.Count > 1 {
		summary += " ×" + strconv.Itoa(e.Count)
	}
	sw := min(ansi.StringWidth(summary), free)
	b.WriteString(p.paint.text.Apply(kit.Cell(summary, sw, false)))
	rest := free - sw
	if why := e.Why; p.view == open && why != "" && rest > 3 {
		b.WriteString(p.paint.muted.Apply(kit.Cell(" — "+kit.SafeLine(kit.Head(why, 2*rest+16)), rest, false)))
	} else if p.view == history && e.Note != "" && rest > 3 {
		b.WriteString(p.paint.muted.Apply(kit.Cell(" — note: "+kit.SafeLine(kit.Head(e.Note, 2*rest+16)), rest, false)))
	} else if rest > 0 {
		b.WriteString(strings.Repeat(" ", rest))
	}
	return b.String()
}

// entryCell is an entry's text for a column and its paint.
func (p *Pane) entryCell(e *store.Approval, col string, now time.Time) (string, kit.Paint) {
	switch col {
	case "RISK":
		return actions.Risk(e.Risk).String(), p.paint.risk(e.Risk)
	case "AGE":
		return span(now.Sub(e.CreatedAt)), p.paint.muted
	case "EXPIRES":
		switch e.State {
		case store.ApprovalPending:
			return expiry(now, e.ExpiresAt), p.paint.muted
		case store.ApprovalRunning:
			return "running", p.paint.accent
		}
		return string(e.State), p.paint.accent
	case "HOST":
		return hostName(e.Host), p.paint.muted
	case "BY", "PROPOSED BY":
		return kit.SafeLine(e.Proposer), p.paint.muted
	case "STATE":
		return string(e.State), p.paint.state(e.State)
	case "WHEN":
		t := e.FinishedAt
		if t.IsZero() {
			t = e.DecidedAt
		}
		if t.IsZero() {
			t = e.UpdatedAt
		}
		return stamp(now, t), p.paint.muted
	case "DECIDED BY":
		return decided(e), p.paint.muted
	}
	return "", p.paint.muted
}

// ruleRow draws a remembered rule on one line.
func (p *Pane) ruleRow(r *store.ApprovalRule, cols []column, free int, now time.Time) string {
	var b strings.Builder
	b.WriteString("  ")
	revoked := !r.RevokedAt.IsZero()
	for _, c := range cols {
		var text string
		paint := p.paint.muted
		switch c.name {
		case "RULE":
			text = "#" + strconv.FormatInt(int64(r.ID), 10)
		case "SCOPE":
			text = ruleScope(r)
			paint = p.paint.text
		case "KIND":
			text = kit.SafeLine(r.Kind)
		case "USES":
			text = strconv.Itoa(r.Uses)
		case "MADE":
			text = stamp(now, r.CreatedAt)
		case "BY":
			text = kit.SafeLine(r.CreatedBy)
		}
		b.WriteString(paint.Apply(kit.Cell(text, c.width, c.right)))
		b.WriteByte(' ')
	}
	target := kit.SafeLine(r.Target)
	if revoked {
		target += " (revoked)"
	}
	paint := p.paint.text
	if revoked {
		paint = p.paint.muted
	}
	b.WriteString(paint.Apply(kit.Cell(target, free, false)))
	return b.String()
}

// ruleScope says where a rule applies: "always", "host local",
// "session ops".
func ruleScope(r *store.ApprovalRule) string {
	switch r.Scope {
	case store.ScopeHost:
		return "host " + hostName(r.Host)
	case store.ScopeSession:
		return "session " + kit.SafeLine(r.Session)
	}
	return kit.SafeLine(string(r.Scope))
}

package scheduler

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// labelWidth is the width of the labels in the detail view and the form.
const labelWidth = 10

// wrap cuts already clean text into lines of at most width cells,
// keeping its own line breaks.
func wrap(s string, width int) []string {
	s = strings.TrimRight(s, "\n")
	if width > 0 {
		s = ansi.Wrap(s, width, "")
	}
	return strings.Split(s, "\n")
}

// viewDetail draws the shown task under a fixed header line; it scrolls.
func (p *Pane) viewDetail(width, height int) string {
	t := p.shown
	footer := p.detailFooter(width)
	if height <= len(footer) {
		return kit.Block(footer[len(footer)-height:], width, height)
	}
	body := p.detailBody(width, p.now())
	rows := max(0, height-1-len(footer))
	p.list.ClampDetail(len(body), rows)
	head := p.st.Accent.Render("task "+kit.SafeLine(t.Name)) + " " + p.st.Muted.Render(string(t.ID))
	if p.gone {
		head += " " + p.st.Warning.Render("deleted")
	}
	if below := len(body) - p.list.DetailTop - rows; below > 0 {
		head += p.st.Warning.Render(fmt.Sprintf(" ↓ %d more", below))
	}
	lines := append([]string{kit.Fit(head, width)}, body[p.list.DetailTop:min(len(body), p.list.DetailTop+rows)]...)
	for len(lines) < height-len(footer) {
		lines = append(lines, "")
	}
	return kit.Block(append(lines[:height-len(footer)], footer...), width, height)
}

// detailBody is the shown task's fields, its next fire times and its
// history, as lines of at most width cells.
func (p *Pane) detailBody(width int, now time.Time) []string {
	t := p.shown
	valueW := max(1, width-labelWidth-1)
	var body []string
	field := func(label, value string, style lipgloss.Style) {
		for i, line := range wrap(value, max(1, valueW-2)) {
			if i > 0 {
				label, line = "", "  "+line
			}
			body = append(body, p.st.Muted.Render(kit.Cell(label, labelWidth, false))+" "+style.Render(line))
		}
	}
	kind := "request: runs the command as a request"
	if t.Kind == store.TaskReminder {
		kind = "reminder: tells the text, runs nothing"
	}
	field("kind", kind, p.st.Text)
	// The command keeps its lines, each cleaned; a label-less line can
	// only start with the indent, so no text can pass for a field.
	for i, l := range strings.Split(kit.SafeBlock(t.Command), "\n") {
		label := "command"
		if i > 0 {
			label = ""
		}
		field(label, l, p.st.Code)
	}
	words := p.words[t.ID]
	if words == "" {
		words = "-"
	}
	field("schedule", kit.SafeLine(words), p.st.Text)
	field("spec", kit.SafeLine(t.Spec), p.st.Muted)
	next, style := nextText(t, now), p.st.Accent
	if !t.Paused && !t.Done() {
		next += " (" + stamp(now, t.NextRunAt) + ")"
	} else {
		style = p.st.Muted
	}
	field("next", next, style)
	if p.detailOK && len(p.next) > 0 {
		for i, at := range p.next {
			label := fmt.Sprintf("next %d", len(p.next))
			if i > 0 {
				label = ""
			}
			field(label, fireTime(now, at), p.st.Muted)
		}
	}
	field("missed", missedWords(t), p.st.Text)
	created := kit.SafeLine(t.CreatedBy)
	if created == "" {
		created = "-"
	}
	if t.Source != "" {
		created += " from " + kit.SafeLine(t.Source)
	}
	if !t.CreatedAt.IsZero() {
		created += ", " + stamp(now, t.CreatedAt)
	}
	field("created", created, p.st.Text)
	if t.Session != "" {
		field("session", kit.SafeLine(t.Session), p.st.Text)
	}
	last := countWord(t.RunCount, "run")
	if t.LastState != "" {
		last += "; last " + string(t.LastState) + " " + stamp(now, t.LastRunAt)
	}
	field("runs", last, stateStyle(p.st, t.LastState))
	if t.LastError != "" {
		field("error", firstLine(t.LastError), p.st.Error)
	}
	return append(body, p.historyLines(width, now)...)
}

// historyLines is the history section: newest first, a run on a line
// (state, trigger, start, duration), with its error or its output's first
// line under it.
func (p *Pane) historyLines(width int, now time.Time) []string {
	out := []string{"", p.st.Muted.Render(kit.Fit("history, newest first", width))}
	switch {
	case p.detErr != "":
		return append(out, p.st.Error.Render(kit.Fit("  could not read the history: "+kit.SafeLine(p.detErr), width)))
	case !p.detailOK:
		return append(out, p.st.Muted.Render(kit.Fit("  loading…", width)))
	case len(p.history) == 0:
		return append(out, p.st.Muted.Render(kit.Fit("  no runs yet", width)))
	}
	for _, r := range p.history {
		took := "-"
		if !r.Started.IsZero() && !r.Finished.IsZero() {
			took = span(r.Finished.Sub(r.Started))
		} else if !r.State.Final() {
			took = "going"
		}
		line := "  " + stateStyle(p.st, r.State).Render(kit.Cell(string(r.State), lastW, false)) + " " +
			p.st.Muted.Render(kit.Cell(string(r.Trigger), 8, false)+" "+kit.Cell(stamp(now, r.Started), 12, false)+" "+kit.Cell(took, 7, true))
		out = append(out, kit.Fit(line, width))
		switch {
		case r.Error != "":
			out = append(out, kit.Fit("    "+p.st.Error.Render(firstLine(r.Error)), width))
		case r.Output != "":
			out = append(out, kit.Fit("    "+p.st.Shell.Render(firstLine(r.Output)), width))
		}
	}
	return out
}

// detailFooter is the delete question when it is open, else the detail
// view's keys.
func (p *Pane) detailFooter(width int) []string {
	if p.prompt == deleting {
		return p.footer(width)
	}
	hints := []kit.Hint{{Text: "esc close", Drop: 5}}
	for i, a := range [][2]string{{"pause", "pause/resume"}, {"run", "run now"}, {"delete", "delete"}} {
		if k := p.KeyLabel(a[0]); k != "?" {
			hints = append(hints, kit.Hint{Text: k + " " + a[1], Drop: i + 1})
		}
	}
	hints = append(hints, kit.Hint{Text: p.KeyLabel("up") + "/" + p.KeyLabel("down") + " scroll", Drop: 6})
	return []string{p.st.Muted.Render(kit.FitHints(width, "", hints, ""))}
}

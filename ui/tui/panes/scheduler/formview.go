package scheduler

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/kit"
)

// viewForm draws the add form: a title line, a line per field (the one
// typed into with its cursor), under the schedule its words and next fire
// times on two lines as typed or why it is refused, the last refusal, and
// the keys. When the pane is too short for all of it, the title goes
// first, then the fields scroll so the focused one (with the schedule's
// preview) stays in sight.
func (p *Pane) viewForm(width, height int) string {
	f := &p.form
	hints := []kit.Hint{{Text: "enter adds"}, {Text: "tab/↑↓ field", Drop: 2}, {Text: "esc cancels", Drop: 1}}
	if f.focus >= typed {
		hints = append(hints, kit.Hint{Text: "space/←→ changes", Drop: 3})
	}
	keys := p.st.Muted.Render(kit.FitHints(width, "", hints, ""))
	if height == 1 {
		return kit.Block([]string{keys}, width, height)
	}
	body, from, to := p.formBody(width)
	var note []string
	if f.err != "" {
		note = []string{p.st.Error.Render(kit.Fit(f.err, width))}
	} else if f.submitting {
		note = []string{p.st.Muted.Render(kit.Fit("adding…", width))}
	}
	room := max(0, height-1-len(note))
	var lines []string
	if len(body) < room {
		lines = append([]string{p.st.Accent.Render(kit.Fit("new scheduled task", width))}, body...)
	} else {
		// Scroll as little as keeps the focused field in sight.
		f.top = max(0, min(f.top, from, len(body)-room))
		if to >= f.top+room {
			f.top = max(0, min(from, to-room+1))
		}
		lines = body[f.top:min(len(body), f.top+room)]
	}
	for len(lines) < room {
		lines = append(lines, "")
	}
	return kit.Block(append(append(lines, note...), keys), width, height)
}

// formBody is the form's field lines and the schedule's preview, with the
// first and last line of the focused field (the schedule's preview
// counts as its own).
func (p *Pane) formBody(width int) (lines []string, from, to int) {
	f := &p.form
	inW := max(1, width-labelWidth-1)
	indent := kit.Cell("", labelWidth, false) + " "
	for i := range fields {
		label := p.st.Muted
		if i == f.focus {
			label = p.st.Accent
			from = len(lines)
		}
		var in string
		switch {
		case i >= typed:
			in = p.toggleView(i, inW)
		case i == f.focus:
			in = f.in[i].View(inW, p.st.Text, p.st.Subtle, fieldHints[i])
		case f.in[i].Value() == "":
			in = p.st.Subtle.Render(kit.Fit(fieldHints[i], inW))
		default:
			in = p.st.Text.Render(kit.Fit(f.in[i].Value(), inW)) // cleaned as typed
		}
		lines = append(lines, kit.Fit(label.Render(kit.Cell(fieldLabels[i], labelWidth, false))+" "+in, width))
		if i == fieldSpec {
			lines = append(lines, p.previewLines(width, indent)...)
		}
		if i == f.focus {
			to = len(lines) - 1
		}
	}
	return lines, from, to
}

// toggleView is a toggled field: its choices, the one picked marked, and
// what the picked one means.
func (p *Pane) toggleView(field, width int) string {
	f := &p.form
	var b strings.Builder
	for j, c := range choices(field) {
		if j > 0 {
			b.WriteString(p.st.Muted.Render(" · "))
		}
		if j == f.picked[field] {
			style := p.st.Text
			if field == f.focus {
				style = p.st.Selected
			}
			b.WriteString(style.Render("[" + c.value + "]"))
		} else {
			b.WriteString(p.st.Subtle.Render(c.value))
		}
	}
	b.WriteString(p.st.Muted.Render("  " + choices(field)[f.picked[field]].means))
	return kit.Fit(b.String(), width)
}

// previewLines are the spec's words and its next fire times in the
// person's zone, or why it is refused, under the schedule field; nothing
// while the field is empty or its preview is on its way.
func (p *Pane) previewLines(width int, indent string) []string {
	f := &p.form
	spec := f.spec()
	switch {
	case spec == "":
		return nil
	case f.previewFor != spec:
		return []string{kit.Fit(indent+p.st.Muted.Render("…"), width)}
	case f.specErr != "":
		return []string{kit.Fit(indent+p.st.Error.Render("refused: "+f.specErr), width)}
	}
	pv := f.preview
	words := kit.SafeLine(pv.Words)
	if pv.Machine != "" && pv.Machine != spec {
		words += "  (" + kit.SafeLine(pv.Machine) + ")"
	}
	out := []string{kit.Fit(indent+p.st.Success.Render(words), width)}
	if len(pv.Next) == 0 {
		return append(out, kit.Fit(indent+p.st.Warning.Render("it never fires from now"), width))
	}
	next := fireTimes(p.now(), pv.Next, width-ansi.StringWidth(indent))
	return append(out, kit.Fit(indent+p.st.Muted.Render(next), width))
}

// fireTimes is a preview's fire times on one line of at most width cells
// if it can be: "next Thu Dec 03 08:00 (in 20h 14m) · Fri Dec 04 08:00 ·
// Mon Dec 07 08:00 UTC", seconds only when some time has them, shedding
// the countdown and then the weekdays when the line is short.
func fireTimes(now time.Time, times []time.Time, width int) string {
	clock := "15:04"
	for _, at := range times {
		if at.Second() != 0 {
			clock = "15:04:05"
		}
	}
	loc := now.Location()
	line := func(day string, withIn bool) string {
		parts := make([]string, len(times))
		for i, at := range times {
			parts[i] = at.In(loc).Format(day + " " + clock)
		}
		if d := times[0].Sub(now); withIn && d > 0 {
			parts[0] += " (in " + countdown(d) + ")"
		}
		return "next " + strings.Join(parts, " · ") + " " + times[len(times)-1].In(loc).Format("MST")
	}
	var s string
	for _, c := range []struct {
		day    string
		withIn bool
	}{{"Mon Jan 02", true}, {"Mon Jan 02", false}, {"Jan 02", false}} {
		if s = line(c.day, c.withIn); ansi.StringWidth(s) <= width {
			break
		}
	}
	return s
}

package scheduler

import (
	"github.com/macroa/macroa/ui/tui/kit"
)

// viewForm draws the add form: a title line, a line per field (the one
// typed into with its cursor), under the schedule its words and next fire
// times as typed or why it is refused, the last refusal, and the keys.
func (p *Pane) viewForm(width, height int) string {
	f := &p.form
	keys := p.st.Muted.Render(kit.FitHints(width, "", []kit.Hint{{Text: "enter adds"}, {Text: "tab/↑↓ field", Drop: 2}, {Text: "esc cancels", Drop: 1}}, ""))
	if height == 1 {
		return kit.Block([]string{keys}, width, height)
	}
	lines := []string{p.st.Accent.Render(kit.Fit("new scheduled task", width))}
	inW := max(1, width-labelWidth-1)
	indent := kit.Cell("", labelWidth, false) + " "
	for i := range fields {
		label := p.st.Muted
		if i == f.focus {
			label = p.st.Accent
		}
		var in string
		switch {
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
	}
	if f.err != "" {
		lines = append(lines, "", p.st.Error.Render(kit.Fit(f.err, width)))
	} else if f.submitting {
		lines = append(lines, "", p.st.Muted.Render(kit.Fit("adding…", width)))
	}
	lines = append(lines[:min(len(lines), height-1)], "")
	for len(lines) < height {
		lines = append(lines, "")
	}
	lines[height-1] = keys
	return kit.Block(lines, width, height)
}

// previewLines are the spec's words and next fire times in the person's
// zone, or why it is refused, under the schedule field; nothing while
// the field is empty or its preview is on its way.
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
	now := p.now()
	if len(pv.Next) == 0 {
		return append(out, kit.Fit(indent+p.st.Warning.Render("it never fires from now"), width))
	}
	for i, at := range pv.Next {
		lead := "next  "
		if i > 0 {
			lead = "      "
		}
		out = append(out, kit.Fit(indent+p.st.Muted.Render(lead+fireTime(now, at)), width))
	}
	return out
}

package audit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// labelWidth is the width of the labels in the detail view.
const labelWidth = 11

// field is one labelled value of an entry's detail view.
type field struct{ label, value string }

// fields lists every field of an entry but the input, in the order
// the detail view and the copied text show them.
func fields(e *store.AuditEntry, loc *time.Location) []field {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	result := "ok"
	switch {
	case e.Stage == store.StageStart:
		result = "started: recorded before the action ran; its outcome is a later entry of the same turn"
	case !e.Success:
		result = "FAIL"
	}
	hash := dash(short(e.Hash))
	if e.PrevHash != "" {
		hash += " (prev " + short(e.PrevHash) + ")"
	}
	out := []field{
		{"entry", "#" + strconv.FormatInt(int64(e.ID), 10)},
		{"time", e.Time.In(loc).Format("2006-01-02 15:04:05.000 MST")},
		{"turn", dash(string(e.TurnID))},
		{"session", dash(e.Session)},
		{"source", dash(e.Source)},
		{"route", dash(e.Route)},
		{"skill", dash(e.Skill)},
		{"action", dash(e.Action)},
		{"chosen by", dash(e.ChosenBy)},
		{"sandbox", e.Sandbox},
		{"tier", dash(e.Tier)},
		{"model", dash(e.Model)},
		{"providers", dash(strings.ReplaceAll(e.Providers, ",", ", "))},
		{"llm calls", strconv.Itoa(e.LLMCalls)},
		{"plan steps", strconv.Itoa(e.PlanSteps)},
		{"tokens", fmt.Sprintf("%d prompt + %d completion = %d", e.PromptTokens, e.CompletionTokens, e.PromptTokens+e.CompletionTokens)},
		{"cost", fmt.Sprintf("$%.6f", e.CostUSD)},
		{"elapsed", strconv.FormatInt(e.ElapsedMS, 10) + " ms"},
		{"result", result},
		{"error", dash(e.Error)},
		{"hash", hash},
	}
	// Only a command a model ran unasked has a sandbox; elsewhere the
	// line would be noise.
	kept := out[:0]
	for _, f := range out {
		if f.label != "sandbox" || f.value != "" {
			kept = append(kept, f)
		}
	}
	return kept
}

// short is a hash prefix, enough to tell entries apart.
func short(h string) string { return h[:min(len(h), 12)] }

// entryText is an entry as plain text, for the clipboard: one
// "label: value" line per field, then the whole input. Control characters
// are made visible, as on screen.
func entryText(e *store.AuditEntry, loc *time.Location) string {
	var b strings.Builder
	for _, f := range fields(e, loc) {
		fmt.Fprintf(&b, "%-*s %s\n", labelWidth, f.label+":", kit.Printable(f.value, false))
	}
	b.WriteString("input:\n")
	b.WriteString(kit.Printable(e.Input, true))
	b.WriteString("\n")
	return b.String()
}

// wrap wraps text to width cells, keeping its line breaks.
func wrap(s string, width int) []string {
	s = kit.Printable(s, true)
	if width > 0 {
		s = ansi.Wrap(s, width, "")
	}
	return strings.Split(s, "\n")
}

// viewDetail draws every field of the selected entry, then its whole
// input wrapped; it scrolls under a fixed header line.
func (p *Pane) viewDetail(width, height int) string {
	e, ok := p.selected()
	if !ok {
		p.list.Detail = false
		return p.viewList(width, height, true)
	}
	valueW := max(1, width-labelWidth-1)
	var body []string
	for _, f := range fields(e, p.now().Location())[1:] { // the header names the entry
		style := p.st.Text
		switch f.label {
		case "tier":
			style = p.tierStyle(e.Tier)
		case "result":
			style = p.st.Success
			if !e.Success {
				style = p.st.Error
			}
		case "error":
			if e.Error != "" {
				style = p.st.Error
			}
		}
		for i, line := range wrap(f.value, valueW) {
			label := ""
			if i == 0 {
				label = f.label
			}
			body = append(body, p.st.Muted.Render(kit.Cell(label, labelWidth, false))+" "+style.Render(line))
		}
	}
	body = append(body, "", p.st.Muted.Render("input"))
	for _, line := range wrap(e.Input, max(1, width-2)) {
		body = append(body, "  "+p.st.Text.Render(line))
	}

	rows := max(0, height-1)
	p.list.ClampDetail(len(body), rows)
	result := p.st.Success.Render("ok")
	if !e.Success {
		result = p.st.Error.Render("FAIL")
	}
	head := p.st.Accent.Render(fmt.Sprintf("audit entry #%d", e.ID)) + " " + result
	if below := len(body) - p.list.DetailTop - rows; below > 0 {
		head += p.st.Warning.Render(fmt.Sprintf(" ↓ %d more", below))
	}
	head += p.st.Muted.Render(fmt.Sprintf("  %s close · %s copy · %s/%s scroll", "esc",
		p.KeyLabel("copy"), p.KeyLabel("up"), p.KeyLabel("down")))
	lines := append([]string{head}, body[p.list.DetailTop:min(len(body), p.list.DetailTop+rows)]...)
	return kit.Block(lines, width, height)
}

// tierStyle is the colour of a tier, muted for one the theme lacks.
func (p *Pane) tierStyle(t string) lipgloss.Style {
	if s, ok := p.st.Tier[t]; ok {
		return s
	}
	return p.st.Muted
}

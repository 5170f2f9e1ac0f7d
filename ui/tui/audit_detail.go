package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
)

// auditLabelWidth is the width of the labels in the detail view.
const auditLabelWidth = 11

// auditField is one labelled value of an entry's detail view.
type auditField struct{ label, value string }

// auditFields lists every field of an entry but the input, in the order
// the detail view and the copied text show them.
func auditFields(e *store.AuditEntry, loc *time.Location) []auditField {
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
	hash := dash(auditShort(e.Hash))
	if e.PrevHash != "" {
		hash += " (prev " + auditShort(e.PrevHash) + ")"
	}
	return []auditField{
		{"entry", "#" + strconv.FormatInt(int64(e.ID), 10)},
		{"time", e.Time.In(loc).Format("2006-01-02 15:04:05.000 MST")},
		{"turn", dash(string(e.TurnID))},
		{"session", dash(e.Session)},
		{"source", dash(e.Source)},
		{"route", dash(e.Route)},
		{"skill", dash(e.Skill)},
		{"action", dash(e.Action)},
		{"chosen by", dash(e.ChosenBy)},
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
}

// auditShort is a hash prefix, enough to tell entries apart.
func auditShort(h string) string { return h[:min(len(h), 12)] }

// auditEntryText is an entry as plain text, for the clipboard: one
// "label: value" line per field, then the whole input. Control characters
// are made visible, as on screen.
func auditEntryText(e *store.AuditEntry, loc *time.Location) string {
	var b strings.Builder
	for _, f := range auditFields(e, loc) {
		fmt.Fprintf(&b, "%-*s %s\n", auditLabelWidth, f.label+":", listPrintable(f.value, false))
	}
	b.WriteString("input:\n")
	b.WriteString(listPrintable(e.Input, true))
	b.WriteString("\n")
	return b.String()
}

// auditWrap wraps text to width cells, keeping its line breaks.
func auditWrap(s string, width int) []string {
	s = listPrintable(s, true)
	if width > 0 {
		s = ansi.Wrap(s, width, "")
	}
	return strings.Split(s, "\n")
}

// viewDetail draws every field of the selected entry, then its whole
// input wrapped; it scrolls under a fixed header line.
func (p *AuditPane) viewDetail(width, height int) string {
	e, ok := p.selected()
	if !ok {
		p.detail = false
		return p.viewList(width, height, true)
	}
	valueW := max(1, width-auditLabelWidth-1)
	var body []string
	for _, f := range auditFields(e, p.now().Location())[1:] { // the header names the entry
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
		for i, line := range auditWrap(f.value, valueW) {
			label := ""
			if i == 0 {
				label = f.label
			}
			body = append(body, p.st.Muted.Render(listCell(label, auditLabelWidth, false))+" "+style.Render(line))
		}
	}
	body = append(body, "", p.st.Muted.Render("input"))
	for _, line := range auditWrap(e.Input, max(1, width-2)) {
		body = append(body, "  "+p.st.Text.Render(line))
	}

	rows := max(0, height-1)
	p.detailTop = max(0, min(p.detailTop, len(body)-rows))
	p.page = max(1, rows)
	result := p.st.Success.Render("ok")
	if !e.Success {
		result = p.st.Error.Render("FAIL")
	}
	head := p.st.Accent.Render(fmt.Sprintf("audit entry #%d", e.ID)) + " " + result
	if below := len(body) - p.detailTop - rows; below > 0 {
		head += p.st.Warning.Render(fmt.Sprintf(" ↓ %d more", below))
	}
	head += p.st.Muted.Render(fmt.Sprintf("  %s close · %s copy · %s/%s scroll", "esc",
		listKeyLabel(p.keys, "copy"), listKeyLabel(p.keys, "up"), listKeyLabel(p.keys, "down")))
	lines := append([]string{head}, body[p.detailTop:min(len(body), p.detailTop+rows)]...)
	return listBlock(lines, width, height)
}

// tierStyle is the colour of a tier, muted for one the theme lacks.
func (p *AuditPane) tierStyle(t string) lipgloss.Style {
	if s, ok := p.st.Tier[t]; ok {
		return s
	}
	return p.st.Muted
}

package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/macroa/macroa/store"
)

// auditDetailLabel is the width of the labels in `audit recent -v`.
const auditDetailLabel = 11

// auditField is one labelled line of an entry's detail form.
type auditField struct{ label, value string }

// auditDetailFields lists what `audit recent -v` shows of an entry, in
// order: the fields every entry has, then those only some have (a model's
// calls, an error, the sandbox a command ran under), each only when set.
func auditDetailFields(e store.AuditEntry) []auditField {
	result := "ok"
	switch {
	case e.Stage == store.StageStart:
		result = "started: recorded before the action ran; its outcome is a later entry of the same turn"
	case !e.Success:
		result = "FAILED"
	}
	out := []auditField{
		{"time", e.Time.Local().Format("2006-01-02 15:04:05 MST")},
		{"source", dash(e.Source)},
		{"session", dash(e.Session)},
		{"turn", dash(string(e.TurnID))},
		{"skill", dash(e.Skill)},
		{"chosen by", dash(e.ChosenBy)},
		{"action", dash(e.Action)},
		{"sandbox", e.Sandbox},
		{"result", result},
		{"error", e.Error},
		{"tier", e.Tier},
		{"model", e.Model},
		{"providers", strings.ReplaceAll(e.Providers, ",", ", ")},
		{"elapsed", strconv.FormatInt(e.ElapsedMS, 10) + " ms"},
		{"input", dash(e.Input)},
	}
	if e.LLMCalls > 0 || e.PromptTokens+e.CompletionTokens > 0 {
		out = append(out, auditField{"model use", fmt.Sprintf("%d call(s), %d prompt + %d completion tokens, $%.6f",
			e.LLMCalls, e.PromptTokens, e.CompletionTokens, e.CostUSD)})
	}
	kept := out[:0]
	for _, f := range out {
		if f.value != "" {
			kept = append(kept, f)
		}
	}
	return kept
}

// writeAuditDetail prints entries in the detail form, one block each: a
// header line naming the entry, then a "label: value" line per field,
// every value cleaned and folded onto one line, nothing clipped.
func writeAuditDetail(w io.Writer, entries []store.AuditEntry) error {
	var b strings.Builder
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "entry %d\n", e.ID)
		for _, f := range auditDetailFields(e) {
			fmt.Fprintf(&b, "  %-*s %s\n", auditDetailLabel, f.label+":", cell(f.value))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

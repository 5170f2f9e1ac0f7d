package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/tools"
)

// ToolProposeAction proposes one typed action: restart a unit, read its
// journal, clean up disk, run a diagnostic, change a file, upgrade
// packages, reboot. The gate judges it by its kind and target; the
// autonomy level decides whether it runs at once or waits for a person.
const ToolProposeAction tools.Name = "propose_action"

// proposableKinds are the kinds a model proposes with propose_action;
// shell text, reading files and memory have their own tools.
func proposableKinds() []actions.Spec {
	var out []actions.Spec
	for _, s := range actions.Specs() {
		switch s.Kind {
		case actions.CommandRun, actions.FileRead, actions.MemoryRemember, actions.MemoryForget:
			continue
		}
		out = append(out, s)
	}
	return out
}

// proposeActionTool is the registry entry: its schema lists every kind
// with its description, and what the parameters of each look like.
func (a *Agent) proposeActionTool() tools.Tool {
	var kinds []string
	var desc strings.Builder
	desc.WriteString("Propose one typed action on this machine. It runs at once when the autonomy level allows it, " +
		"otherwise it waits for the person's approval and may be refused; the answer says which. Kinds and their params:")
	for _, s := range proposableKinds() {
		kinds = append(kinds, string(s.Kind))
		fmt.Fprintf(&desc, "\n- %s %s: %s", s.Kind, paramHint(s.Schema), s.Description)
	}
	schema, _ := json.Marshal(map[string]any{
		"type": "object",
		"properties": map[string]any{
			"kind":   map[string]any{"type": "string", "enum": kinds},
			"params": map[string]any{"type": "object", "description": "the kind's parameters, as listed"},
			"why":    map[string]any{"type": "string", "description": "why, in one sentence for the person"},
		},
		"required":             []string{"kind", "params", "why"},
		"additionalProperties": false,
	})
	// Its class is ChangesState whatever the kind: even a read-only kind
	// waits for a person at the suggest level.
	return tools.Tool{Name: ToolProposeAction, Description: desc.String(), Schema: schema, Risk: tools.ChangesState,
		Run: func(ctx context.Context, raw json.RawMessage) tools.Result {
			act, why, err := decodeProposal(raw)
			if err != nil {
				return failed("%v. Call %s again with arguments like %s.", err, ToolProposeAction,
					`{"kind": "service.restart", "params": {"unit": "nginx"}, "why": "nginx stopped answering"}`).result()
			}
			return a.propose(ctx, act, why).result()
		}}
}

// decodeProposal reads a propose_action call: a known, proposable kind and
// parameters that validate. Nothing the model says about risk is read.
func decodeProposal(raw json.RawMessage) (actions.Action, string, error) {
	var call struct {
		Kind   actions.Kind    `json:"kind"`
		Params json.RawMessage `json:"params"`
		Why    string          `json:"why"`
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&call); err != nil {
		return actions.Action{}, "", fmt.Errorf("the arguments are not usable (%v)", err)
	}
	ok := false
	for _, s := range proposableKinds() {
		ok = ok || s.Kind == call.Kind
	}
	if !ok {
		return actions.Action{}, "", fmt.Errorf("%q is not a kind propose_action takes", call.Kind)
	}
	act, err := actions.Decode(call.Kind, "", call.Params)
	if err != nil {
		return actions.Action{}, "", err
	}
	if p, isFile := act.Params.(actions.File); isFile && (p.Diff != "" || p.Backup != "" || p.Existed) {
		// Macroa fills these itself; a model's values would mislead the person.
		return actions.Action{}, "", fmt.Errorf("a file.write proposal takes path, content and mode only")
	}
	return act, strings.TrimSpace(call.Why), nil
}

// paramHint shows a kind's parameters in a few words, {"unit": string},
// so every round's tool list stays short; the full schema is checked when
// the call is decoded.
func paramHint(schema string) string {
	var sc struct {
		Properties map[string]struct {
			Type string   `json:"type"`
			Enum []string `json:"enum"`
		} `json:"properties"`
	}
	if json.Unmarshal([]byte(schema), &sc) != nil {
		return "{}"
	}
	names := make([]string, 0, len(sc.Properties))
	for n := range sc.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		t := sc.Properties[n].Type
		if e := sc.Properties[n].Enum; len(e) > 0 {
			t = strings.Join(e, "|")
		}
		parts[i] = fmt.Sprintf("%q: %s", n, t)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

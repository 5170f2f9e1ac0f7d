package router

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/macroa/macroa/core/skills"
)

// classifierSchema returns the JSON schema of the answer the classifier
// asks for, with the skill names as its enum.
func classifierSchema(names []string) string {
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"skill":      map[string]any{"type": "string", "enum": names},
			"parameters": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"confidence": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
			"reasoning":  map[string]any{"type": "string"},
		},
		"required":             []string{"skill", "parameters", "confidence", "reasoning"},
		"additionalProperties": false,
	}
	b, err := json.Marshal(schema)
	if err != nil { // maps of strings and numbers always marshal
		panic(err)
	}
	return string(b)
}

// example is one few-shot example: the input and the answer it should get.
type example struct {
	skill  skills.Name
	input  string
	answer string
}

var classifierExamples = []example{
	{skills.Memory, "my favourite editor is helix, keep that in mind",
		`{"skill":"memory","parameters":{"action":"set","key":"favourite_editor","value":"helix"},"confidence":0.93,"reasoning":"the user states a fact to keep"}`},
	{skills.Chat, "why is the sky blue?",
		`{"skill":"chat","parameters":{},"confidence":0.95,"reasoning":"a general question no other skill serves"}`},
	{skills.File, "what's in ~/notes/todo.txt",
		`{"skill":"file","parameters":{"action":"read","path":"~/notes/todo.txt"},"confidence":0.92,"reasoning":"asks for the contents of a named file"}`},
	{skills.Shell, "show disk usage",
		`{"skill":"shell","parameters":{"command":"df -h"},"confidence":0.9,"reasoning":"system state one command shows"}`},
	{skills.File, "put 'buy milk' into ~/todo.txt",
		`{"skill":"file","parameters":{"action":"write","path":"~/todo.txt","content":"buy milk"},"confidence":0.88,"reasoning":"writes given text to a named file"}`},
	{skills.Shell, "is nginx running",
		`{"skill":"shell","parameters":{"command":"systemctl is-active nginx"},"confidence":0.8,"reasoning":"a service's state, one command"}`},
}

// systemPrompt builds the classifier's system prompt for infos.
func systemPrompt(infos []SkillInfo) string {
	var b strings.Builder
	b.WriteString("You are the intent router for Macroa, a personal AI OS in the terminal. ")
	b.WriteString("Pick the one skill that serves the user's latest message and pull out its parameters.\n\n")

	b.WriteString("Skills:\n")
	names := make([]string, 0, len(infos))
	have := map[skills.Name]bool{}
	for _, s := range infos {
		names = append(names, string(s.Name))
		have[s.Name] = true
		fmt.Fprintf(&b, "- name: %s\n  description: %s\n", s.Name, oneLine(s.Description))
		if len(s.Triggers) > 0 {
			fmt.Fprintf(&b, "  example triggers: %s\n", strings.Join(s.Triggers[:min(len(s.Triggers), maxPromptTriggers)], ", "))
		}
		if s.Params != "" {
			fmt.Fprintf(&b, "  parameters: %s\n", oneLine(s.Params))
		}
		if req := requiredText(s); req != "" {
			fmt.Fprintf(&b, "  required: %s\n", req)
		}
	}

	b.WriteString("\nAnswer with one JSON object that follows this JSON schema:\n")
	b.WriteString(classifierSchema(names))
	b.WriteString("\n\nRules:\n")
	b.WriteString("- \"skill\" is one of the names above, exactly as written.\n")
	b.WriteString("- \"parameters\" is a flat object of strings: no nesting, no arrays. Use the parameter names listed for the skill.\n")
	b.WriteString("- Give every required parameter, taken from the user's words; if you cannot, choose chat.\n")
	b.WriteString("- Prefer continuity: a short follow-up usually continues the skill of the previous turn.\n")
	b.WriteString("- Choose chat only when no other skill fits.\n")
	b.WriteString("- \"confidence\" is a number from 0 to 1; \"reasoning\" is one short sentence.\n")
	b.WriteString("- Write only the JSON object: no markdown, no code fences, no other text.\n")

	b.WriteString("\nExamples:\n")
	for _, ex := range classifierExamples {
		if !have[ex.skill] {
			continue
		}
		fmt.Fprintf(&b, "User: %s\nAnswer: %s\n", ex.input, ex.answer)
	}
	return b.String()
}

// requiredText describes a skill's required parameters for the prompt.
func requiredText(s SkillInfo) string {
	if len(s.Required) == 0 {
		return ""
	}
	keys := make([]string, 0, len(s.Required))
	for k := range s.Required {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		label := "always"
		if k != "" {
			label = k
		}
		parts = append(parts, fmt.Sprintf("%s: %s", label, strings.Join(s.Required[k], ", ")))
	}
	return strings.Join(parts, "; ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

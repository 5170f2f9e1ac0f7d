package router

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/core/tools"
)

// SkillInfo describes one skill or tool to the classifier: what the
// prompt tells the model about it and what a choice of it must carry.
type SkillInfo struct {
	Name        skills.Name
	Description string
	// Triggers are example phrases; the prompt shows the first five.
	Triggers []string
	// Params is the parameter convention, one line for the prompt
	// ("command: the exact shell command").
	Params string
	// Actions, when set, are the actions the skill knows; an answer with
	// another action becomes chat. An empty action becomes DefaultAction.
	Actions       []string
	DefaultAction string
	// ActionAliases maps words models use to the skill's own actions
	// ("get" → "recall").
	ActionAliases map[string]string
	// Required maps an action to the parameters it cannot run without;
	// the "" entry applies to every action. A choice without them
	// becomes chat rather than a misfire.
	Required map[string][]string
	// Normalize, when set, tidies a chosen intent's arguments before
	// they are checked (fill a key from a query, normalise a key).
	Normalize func(in *skills.Intent)
}

// maxPromptTriggers is how many example triggers the prompt shows.
const maxPromptTriggers = 5

// missing returns the first required parameter in absent from args for
// action, or "".
func (s SkillInfo) missing(action string, args map[string]string) string {
	for _, key := range []string{"", action} {
		for _, p := range s.Required[key] {
			if strings.TrimSpace(args[p]) == "" {
				return p
			}
		}
		if action == "" {
			break
		}
	}
	return ""
}

// resolveAction maps an answer's action to one the skill knows, and
// reports false when it knows none by that name.
func (s SkillInfo) resolveAction(action string) (string, bool) {
	a := strings.ToLower(strings.TrimSpace(action))
	if a == "" {
		a = s.DefaultAction
	}
	if alias, ok := s.ActionAliases[a]; ok {
		a = alias
	}
	if len(s.Actions) == 0 {
		return a, true
	}
	return a, slices.Contains(s.Actions, a)
}

// BuiltinSkillTools describes the built-in skills as tools, in the order
// the classifier is shown them: name, description, the schema of the
// parameters a choice of it carries, and risk class. They have no Run: the
// kernel serves a chosen skill itself, through its gate.
func BuiltinSkillTools() []tools.Tool {
	return []tools.Tool{
		{
			Name:        tools.Name(skills.Chat),
			Description: "answers in conversation: questions, explanations, advice, writing, anything no other skill does",
			Schema:      json.RawMessage(`{"type":"object","properties":{},"additionalProperties":false}`),
			Risk:        tools.ReadOnly,
		},
		{
			Name: tools.Name(skills.Agent),
			Description: "carries out a task that takes several steps on this machine with tools: runs commands, reads and writes files, " +
				"remembers facts, then reports (\"find out why the disk is full\", \"set up a backup script\")",
			Schema: json.RawMessage(`{"type":"object","properties":{},"additionalProperties":false}`),
			Risk:   tools.Unbounded, // each of its tools asks for itself
		},
		{
			Name:        tools.Name(skills.Shell),
			Description: "runs one shell command on this machine and shows its output (disk, memory, processes, services, network, logs)",
			Schema: json.RawMessage(`{"type":"object","properties":{` +
				`"command":{"type":"string","description":"the exact shell command to run"}},` +
				`"required":["command"],"additionalProperties":false}`),
			Risk: tools.Unbounded,
		},
		{
			Name:        tools.Name(skills.File),
			Description: "reads, writes, lists or checks a file or directory on this machine",
			Schema: json.RawMessage(`{"type":"object","properties":{` +
				`"action":{"type":"string","enum":["read","write","list","exists"]},` +
				`"path":{"type":"string","description":"the file or directory"},` +
				`"content":{"type":"string","description":"the text to write (write only)"}},` +
				`"required":["path"],"additionalProperties":false}`),
			Risk: tools.ChangesState,
		},
		{
			Name:        tools.Name(skills.Memory),
			Description: "stores, recalls, searches, lists or forgets facts the user told Macroa about themselves",
			Schema: json.RawMessage(`{"type":"object","properties":{` +
				`"action":{"type":"string","enum":["set","recall","search","list","forget"]},` +
				`"key":{"type":"string","description":"the fact's name"},` +
				`"value":{"type":"string","description":"the fact (set only)"},` +
				`"query":{"type":"string","description":"words to search for (search only)"}},` +
				`"required":["action"],"additionalProperties":false}`),
			Risk: tools.ChangesState,
		},
	}
}

// builtinClassifying is how the classifier treats a choice of each
// built-in skill: the prompt's triggers and parameter line, the actions it
// knows and what a choice must carry. Name and description come from the
// tool registry.
func builtinClassifying() map[skills.Name]SkillInfo {
	return map[skills.Name]SkillInfo{
		skills.Chat: {
			Triggers: []string{"explain", "write a poem", "what do you think", "summarize this"},
			Params:   "none: send {}",
		},
		skills.Agent: {
			Triggers: []string{"find out why", "set up", "investigate", "check and fix", "create a script"},
			Params:   "none: send {}",
		},
		skills.Shell: {
			Triggers:      shellTriggers,
			Params:        `command: the exact shell command to run, e.g. "df -h"`,
			Actions:       []string{"run"},
			DefaultAction: "run",
			Required:      map[string][]string{"": {"command"}},
		},
		skills.File: {
			Triggers:      fileTriggers,
			Params:        `action: read|write|list|exists; path: the file or directory; content: the text to write (write only)`,
			Actions:       []string{"read", "write", "list", "exists"},
			DefaultAction: "read",
			ActionAliases: map[string]string{"cat": "read", "show": "read", "open": "read", "ls": "list", "save": "write"},
			Required: map[string][]string{
				"read": {"path"}, "write": {"path", "content"}, "list": {"path"}, "exists": {"path"},
			},
		},
		skills.Memory: {
			Triggers: []string{"remember my", "what is my", "forget my", "list my memories", "search memory for"},
			Params:   `action: set|recall|search|list|forget; key: the fact's name, e.g. "server_ip"; value: the fact (set only); query: words to search for (search only)`,
			Actions:  []string{"set", "recall", "search", "list", "forget"},
			ActionAliases: map[string]string{
				"get": "recall", "read": "recall", "store": "set", "save": "set", "remember": "set",
				"delete": "forget", "remove": "forget", "find": "search",
			},
			Required: map[string][]string{
				"set": {"key", "value"}, "recall": {"key"}, "search": {"query"}, "forget": {"key"},
			},
			Normalize: normalizeMemoryArgs,
		},
	}
}

// SkillInfoFrom describes every tool in r to the classifier, in r's order:
// the name and description are the registry's; how a choice is handled
// comes from the router's own table for a built-in skill, else from the
// tool's schema (its parameters, the required ones required).
func SkillInfoFrom(r *tools.Registry) []SkillInfo {
	table := builtinClassifying()
	list := r.Tools()
	out := make([]SkillInfo, 0, len(list))
	for _, t := range list {
		info, ok := table[skills.Name(t.Name)]
		if !ok {
			info = fromSchema(t.Schema)
		}
		info.Name, info.Description = skills.Name(t.Name), t.Description
		out = append(out, info)
	}
	return out
}

// fromSchema reads a tool's JSON schema as the classifier's parameter
// line ("name: description", by name) and its required parameters. A
// schema the registry accepted is an object; properties it cannot read
// are left out.
func fromSchema(raw json.RawMessage) SkillInfo {
	var s struct {
		Properties map[string]struct {
			Description string `json:"description"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || len(s.Properties) == 0 {
		return SkillInfo{Params: "none: send {}"}
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n
		if d := s.Properties[n].Description; d != "" {
			parts[i] += ": " + d
		}
	}
	info := SkillInfo{Params: strings.Join(parts, "; ")}
	if len(s.Required) > 0 {
		info.Required = map[string][]string{"": s.Required}
	}
	return info
}

// BuiltinSkillInfo describes the built-in skills for the classifier:
// chat, agent, shell, file and memory, from their registry entries.
func BuiltinSkillInfo() []SkillInfo {
	return SkillInfoFrom(tools.MustNew(BuiltinSkillTools()...))
}

// normalizeMemoryArgs stores keys the way the memory shortcut does and
// fills a recall's or forget's key from its query and back.
func normalizeMemoryArgs(in *skills.Intent) {
	if in.Args == nil {
		in.Args = map[string]string{}
	}
	switch in.Action {
	case "recall", "forget":
		if in.Args["key"] == "" && in.Args["query"] != "" {
			in.Args["key"] = in.Args["query"]
		}
		if in.Args["query"] == "" && in.Args["key"] != "" {
			in.Args["query"] = in.Args["key"]
		}
	}
	if k := in.Args["key"]; k != "" {
		in.Args["key"] = NormalizeKey(k)
	}
}

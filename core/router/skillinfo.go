package router

import (
	"slices"
	"strings"

	"github.com/macroa/macroa/core/skills"
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

// BuiltinSkillInfo describes the built-in skills for the classifier:
// chat, shell, file and memory.
func BuiltinSkillInfo() []SkillInfo {
	return []SkillInfo{
		{
			Name:        skills.Chat,
			Description: "answers in conversation: questions, explanations, advice, writing, anything no other skill does",
			Triggers:    []string{"explain", "write a poem", "what do you think", "summarize this"},
			Params:      "none: send {}",
		},
		{
			Name: skills.Agent,
			Description: "carries out a task that takes several steps on this machine with tools: runs commands, reads and writes files, " +
				"remembers facts, then reports (\"find out why the disk is full\", \"set up a backup script\")",
			Triggers: []string{"find out why", "set up", "investigate", "check and fix", "create a script"},
			Params:   "none: send {}",
		},
		{
			Name:          skills.Shell,
			Description:   "runs one shell command on this machine and shows its output (disk, memory, processes, services, network, logs)",
			Triggers:      shellTriggers,
			Params:        `command: the exact shell command to run, e.g. "df -h"`,
			Actions:       []string{"run"},
			DefaultAction: "run",
			Required:      map[string][]string{"": {"command"}},
		},
		{
			Name:          skills.File,
			Description:   "reads, writes, lists or checks a file or directory on this machine",
			Triggers:      fileTriggers,
			Params:        `action: read|write|list|exists; path: the file or directory; content: the text to write (write only)`,
			Actions:       []string{"read", "write", "list", "exists"},
			DefaultAction: "read",
			ActionAliases: map[string]string{"cat": "read", "show": "read", "open": "read", "ls": "list", "save": "write"},
			Required: map[string][]string{
				"read": {"path"}, "write": {"path", "content"}, "list": {"path"}, "exists": {"path"},
			},
		},
		{
			Name:        skills.Memory,
			Description: "stores, recalls, searches, lists or forgets facts the user told Macroa about themselves",
			Triggers:    []string{"remember my", "what is my", "forget my", "list my memories", "search memory for"},
			Params:      `action: set|recall|search|list|forget; key: the fact's name, e.g. "server_ip"; value: the fact (set only); query: words to search for (search only)`,
			Actions:     []string{"set", "recall", "search", "list", "forget"},
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

package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/termsafe"
)

// The tools the model may call.
const (
	ToolRunCommand    = "run_command"
	ToolReadFile      = "read_file"
	ToolWriteFile     = "write_file"
	ToolListDirectory = "list_directory"
	ToolFileExists    = "file_exists"
	ToolRemember      = "remember"
	ToolRecall        = "recall"
)

// defaultCommandTimeout bounds a command when the shell skill sets no
// timeout of its own, so "tail -f" cannot hold the loop forever.
const defaultCommandTimeout = 2 * time.Minute

type param struct {
	name, description string
}

// schema builds a JSON Schema object of required string properties that
// allows no others.
func schema(params ...param) json.RawMessage {
	props := make(map[string]any, len(params))
	required := make([]string, 0, len(params))
	for _, p := range params {
		props[p.name] = map[string]string{"type": "string", "description": p.description}
		required = append(required, p.name)
	}
	b, err := json.Marshal(map[string]any{
		"type": "object", "properties": props, "required": required, "additionalProperties": false,
	})
	if err != nil {
		panic(fmt.Sprintf("agent: tool schema: %v", err)) // static input; cannot happen
	}
	return b
}

var pathParam = param{"path", "A path in the person's home directory: absolute, ~/relative, or relative to the working directory."}

// Tools returns the tool definitions sent with every round.
func Tools() []providers.Tool {
	return []providers.Tool{
		{Name: ToolRunCommand, Description: "Run a shell command on this machine and return its output. " +
			"Read-only commands (ls, cat, grep, df, ps, systemctl status, git status …) run at once; " +
			"anything else waits for the person's approval and may be refused.",
			Parameters: schema(param{"command", "The shell command, e.g. \"df -h\"."})},
		{Name: ToolReadFile, Description: "Read a text file in the person's home directory.",
			Parameters: schema(pathParam)},
		{Name: ToolWriteFile, Description: "Write a text file in the person's home directory. " +
			"Every write waits for the person's approval and may be refused.",
			Parameters: schema(pathParam, param{"content", "The whole new content of the file."})},
		{Name: ToolListDirectory, Description: "List a directory in the person's home directory.",
			Parameters: schema(pathParam)},
		{Name: ToolFileExists, Description: "Check whether a file or directory exists in the person's home directory.",
			Parameters: schema(pathParam)},
		{Name: ToolRemember, Description: "Store a fact about the person in long-term memory.",
			Parameters: schema(param{"key", "A short name for the fact, e.g. \"editor\"."}, param{"value", "The fact, e.g. \"helix\"."})},
		{Name: ToolRecall, Description: "Look up facts in the person's long-term memory.",
			Parameters: schema(param{"query", "A fact's name or words to search for."})},
	}
}

// outcome is one tool call's result before it is fitted into the context.
type outcome struct {
	output  string
	ok      bool
	refused bool
}

func failed(format string, args ...any) outcome {
	return outcome{output: "error: " + fmt.Sprintf(format, args...)}
}

// runTool decodes a call's arguments and dispatches it to its skill. It
// never panics on what a model sends: every problem becomes a message the
// model can read and act on.
func (a *Agent) runTool(ctx context.Context, call providers.ToolCall) outcome {
	params, known := toolParams[call.Name]
	if !known {
		names := make([]string, 0, len(toolParams))
		for _, t := range Tools() {
			names = append(names, t.Name)
		}
		return failed("there is no tool named %q; the tools are %s", call.Name, strings.Join(names, ", "))
	}
	args, err := decodeArgs(call.Arguments, params...)
	if err != nil {
		return failed("the arguments for %s were not usable: %v. Call it again with arguments like %s.",
			call.Name, err, toolExamples[call.Name])
	}
	switch call.Name {
	case ToolRunCommand:
		return a.runCommand(ctx, strings.TrimSpace(args["command"]))
	case ToolReadFile:
		return a.readFile(ctx, args["path"])
	case ToolListDirectory:
		return fromResult(a.Files.Run(ctx, fileIntent("list", args["path"], "")))
	case ToolFileExists:
		return fromResult(a.Files.Run(ctx, fileIntent("exists", args["path"], "")))
	case ToolWriteFile:
		return a.writeFile(ctx, args["path"], args["content"])
	case ToolRemember:
		if a.Memory.DB == nil {
			return failed("long-term memory is not available here")
		}
		// What Macroa remembers shapes every later answer: a model changes it
		// only with the person's approval.
		action := fmt.Sprintf("remember %s = %s", args["key"], args["value"])
		if o, ok := a.approve(ctx, action, "it changes what Macroa remembers about you"); !ok {
			return o
		}
		return fromResult(a.Memory.Run(ctx, skills.Intent{Skill: skills.Memory, Action: "set", Tier: a.Tier,
			Args: map[string]string{"key": args["key"], "value": args["value"]}}))
	default: // ToolRecall
		if a.Memory.DB == nil {
			return failed("long-term memory is not available here")
		}
		q := strings.TrimSpace(args["query"])
		return fromResult(a.Memory.Run(ctx, skills.Intent{Skill: skills.Memory, Action: "recall", Tier: a.Tier,
			Args: map[string]string{"key": q, "query": q}}))
	}
}

// toolParams lists each tool's parameters, all required strings.
var toolParams = map[string][]string{
	ToolRunCommand: {"command"}, ToolReadFile: {"path"}, ToolWriteFile: {"path", "content"},
	ToolListDirectory: {"path"}, ToolFileExists: {"path"}, ToolRemember: {"key", "value"}, ToolRecall: {"query"},
}

var toolExamples = map[string]string{
	ToolRunCommand: `{"command": "df -h"}`, ToolReadFile: `{"path": "~/notes.txt"}`,
	ToolWriteFile: `{"path": "~/notes.txt", "content": "text"}`, ToolListDirectory: `{"path": "~"}`,
	ToolFileExists: `{"path": "~/notes.txt"}`, ToolRemember: `{"key": "editor", "value": "helix"}`,
	ToolRecall: `{"query": "editor"}`,
}

// decodeArgs reads a call's JSON arguments: an object holding exactly the
// named string fields, all of them required.
func decodeArgs(raw string, names ...string) (map[string]string, error) {
	if strings.TrimSpace(raw) == "" {
		raw = "{}"
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&fields); err != nil {
		return nil, fmt.Errorf("they are not a JSON object (%v)", err)
	}
	if dec.More() {
		return nil, errors.New("there is more text after the JSON object")
	}
	if fields == nil {
		return nil, errors.New("they are not a JSON object (null)")
	}
	var unknown []string
	for k := range fields {
		if !slices.Contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown field %s (the fields are %s)", quoteList(unknown), quoteList(names))
	}
	out := make(map[string]string, len(names))
	var missing []string
	for _, n := range names {
		v, ok := fields[n]
		if !ok || string(v) == "null" {
			missing = append(missing, n)
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("%q must be a string", n)
		}
		out[n] = s
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing %s", quoteList(missing))
	}
	return out, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, " and ")
}

func fileIntent(action, p, content string) skills.Intent {
	args := map[string]string{"path": p}
	if action == "write" {
		args["content"] = content
	}
	return skills.Intent{Skill: skills.File, Action: action, Args: args}
}

// fromResult turns a skill's Result into the text the model reads.
func fromResult(r skills.Result) outcome {
	if r.Success {
		if r.Output == "" {
			return outcome{output: "(no output)", ok: true}
		}
		return outcome{output: r.Output, ok: true}
	}
	msg := r.Error
	if msg == "" {
		msg = "it failed"
	}
	out := "error: " + msg
	if r.Output != "" {
		out += "\n" + r.Output
	}
	return outcome{output: out}
}

// runCommand runs a model's shell text when the policy allows it, or when
// the person approves it.
func (a *Agent) runCommand(ctx context.Context, command string) outcome {
	if command == "" {
		return failed(`the command is empty. Call run_command again with a command, e.g. {"command": "df -h"}.`)
	}
	d := CheckShellIn(command, ShellContext{Dir: a.Shell.Dir, AppliesEnv: true})
	if !d.Allowed {
		if o, ok := a.approve(ctx, command, d.Reason); !ok {
			return o
		}
		if o, ok := a.record(ctx, ToolRunCommand, command); !ok {
			return o
		}
	}
	sh := PolicyShell(a.Shell, d)
	return fromResult(sh.Run(ctx, skills.Intent{Skill: skills.Shell, Action: "run", Input: command, Tier: a.Tier,
		Args: map[string]string{"command": command}}))
}

// PolicyShell is the shell skill a model's command runs with, after d
// judged it: bash, whose grammar the policy read (see policyBash), the
// environment the policy allowed it with (git's configuration overrides),
// and a time limit.
func PolicyShell(sh skills.ShellSkill, d Decision) skills.ShellSkill {
	sh.Env = append(append([]string(nil), sh.Env...), d.Env...)
	if b := policyBash(); b != "" {
		sh.Shell = b
	} else {
		sh.Shell = "/bin/sh" // nothing ran unasked: CheckShellIn allowed nothing
	}
	if sh.Timeout <= 0 {
		sh.Timeout = defaultCommandTimeout
	}
	return sh
}

// record writes the audit record of a state-changing action before it
// runs. An action whose record cannot be written does not run.
func (a *Agent) record(ctx context.Context, tool, action string) (outcome, bool) {
	if a.Record == nil {
		return outcome{}, true
	}
	if err := a.Record(ctx, tool, action); err != nil {
		return failed("not run: %v", err), false
	}
	return outcome{}, true
}

// approve asks the person about an action the policy does not allow by
// itself. It returns the refusal to send the model, and false, unless the
// person said yes.
func (a *Agent) approve(ctx context.Context, action, reason string) (outcome, bool) {
	if a.Confirm == nil {
		return outcome{refused: true, output: fmt.Sprintf("Not done: this needs the person's approval (%s), and approval was not available here. "+
			"Do not try another way to do it; tell the person what you wanted to do and why.", reason)}, false
	}
	// The reason may quote a path or a command's words: controls visible.
	if !a.Confirm(ctx, action, termsafe.Visible(reason)) {
		return outcome{refused: true, output: "Not done: the person refused. " +
			"Do not try another way to do it; tell the person what you wanted to do and why, or ask what they would like instead."}, false
	}
	return outcome{}, true
}

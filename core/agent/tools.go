package agent

import (
	"context"
	"encoding/json"
	"github.com/macroa/macroa/core/actions"
	"strings"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/core/tools"
	"github.com/macroa/macroa/providers"
)

// The tools the model may call.
const (
	ToolRunCommand    tools.Name = "run_command"
	ToolReadFile      tools.Name = "read_file"
	ToolWriteFile     tools.Name = "write_file"
	ToolListDirectory tools.Name = "list_directory"
	ToolFileExists    tools.Name = "file_exists"
	ToolRemember      tools.Name = "remember"
	ToolRecall        tools.Name = "recall"
)

// toolSpec is one of the agent's tools as written here: its registry entry
// less the agent it runs on, and how a call of it is served.
type toolSpec struct {
	name        tools.Name
	description string
	params      []tools.Param
	optional    []tools.Param // parameters a call may leave out
	example     string        // arguments a model can copy after a malformed call
	risk        tools.Risk
	// assess narrows risk for one call's arguments; nil keeps risk.
	assess func(a *Agent, args map[string]string) tools.Risk
	run    func(a *Agent, ctx context.Context, args map[string]string) outcome
}

var pathParam = tools.Param{Name: "path", Description: "A path in the person's home directory: absolute, ~/relative, or relative to the working directory."}

// toolSpecs are the agent's tools, in the order the model is shown them.
// Each risk class says what its run function lets through unasked: only
// ReadOnly calls run without the person's approval.
var toolSpecs = []toolSpec{
	{name: ToolRunCommand, description: "Run a shell command on this machine, or on another of the person's hosts " +
		"(host), and return its output. Read-only commands (ls, cat, grep, df -h /, uname, git status …) run at once " +
		"inside a sandbox (on another host only where it can confine them): no writes but to $TMPDIR, no network, no " +
		"credential files, no other processes (ps fails) and no daemon sockets (systemctl fails); anything else waits for " +
		"the person's approval and may be refused.",
		params: []tools.Param{{Name: "command", Description: "The shell command, e.g. \"df -h /\"."}},
		optional: []tools.Param{{Name: "host", Description: "The host to run it on, by its name in the person's inventory " +
			"(e.g. \"web1\"); leave it out, or \"local\", for this machine."}},
		example: `{"command": "df -h /"}`, risk: tools.Unbounded,
		assess: func(a *Agent, args map[string]string) tools.Risk {
			command := strings.TrimSpace(args["command"])
			d := a.shellDecision(command)
			if isRemote(args["host"]) {
				d = remoteDecision(command)
			}
			if d.Allowed {
				return tools.ReadOnly
			}
			return tools.Unbounded
		},
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			if isRemote(args["host"]) {
				return a.runRemote(ctx, strings.TrimSpace(args["host"]), strings.TrimSpace(args["command"]))
			}
			return a.runCommand(ctx, strings.TrimSpace(args["command"]))
		}},
	{name: ToolReadFile, description: "Read a text file in the person's home directory.",
		params: []tools.Param{pathParam}, example: `{"path": "~/notes.txt"}`, risk: tools.ReadsSecrets,
		assess: func(a *Agent, args map[string]string) tools.Risk {
			if t, err := a.Files.Resolve(args["path"]); err == nil && readNeedsApproval(t) != "" {
				return tools.ReadsSecrets
			}
			return tools.ReadOnly
		},
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			return a.readFile(ctx, args["path"])
		}},
	{name: ToolWriteFile, description: "Write a text file in the person's home directory. " +
		"Every write waits for the person's approval and may be refused.",
		params:  []tools.Param{pathParam, {Name: "content", Description: "The whole new content of the file."}},
		example: `{"path": "~/notes.txt", "content": "text"}`, risk: tools.ChangesState,
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			return a.writeFile(ctx, args["path"], args["content"])
		}},
	{name: ToolListDirectory, description: "List a directory in the person's home directory.",
		params: []tools.Param{pathParam}, example: `{"path": "~"}`, risk: tools.ReadOnly,
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			return fromResult(a.Files.Run(ctx, fileIntent("list", args["path"], "")))
		}},
	{name: ToolFileExists, description: "Check whether a file or directory exists in the person's home directory.",
		params: []tools.Param{pathParam}, example: `{"path": "~/notes.txt"}`, risk: tools.ReadOnly,
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			return fromResult(a.Files.Run(ctx, fileIntent("exists", args["path"], "")))
		}},
	{name: ToolRemember, description: "Store a fact about the person in long-term memory.",
		params: []tools.Param{{Name: "key", Description: "A short name for the fact, e.g. \"editor\"."},
			{Name: "value", Description: "The fact, e.g. \"helix\"."}},
		example: `{"key": "editor", "value": "helix"}`, risk: tools.ChangesState,
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			return a.remember(ctx, args["key"], args["value"])
		}},
	{name: ToolRecall, description: "Look up facts in the person's long-term memory.",
		params:  []tools.Param{{Name: "query", Description: "A fact's name or words to search for."}},
		example: `{"query": "editor"}`, risk: tools.ReadOnly,
		run: func(a *Agent, ctx context.Context, args map[string]string) outcome {
			return a.recall(ctx, args["query"])
		}},
}

// Registry returns the agent's tools bound to a, in the order the model
// is shown them. Every call goes through the tool's own checks (the shell
// policy, approval, the start record) exactly as the loop runs it.
func (a *Agent) Registry() *tools.Registry {
	list := make([]tools.Tool, 0, len(toolSpecs)+1)
	for _, s := range toolSpecs {
		list = append(list, a.bind(s))
	}
	return tools.MustNew(append(list, a.proposeActionTool())...)
}

// bind makes a registry entry of s running on a. Arguments are decoded
// once, the same way for judging and for running: a call whose arguments
// cannot be read is judged at the tool's own class, and runs nothing.
func (a *Agent) bind(s toolSpec) tools.Tool {
	names := make([]string, 0, len(s.params)+len(s.optional))
	for _, p := range s.params {
		names = append(names, p.Name)
	}
	for _, p := range s.optional {
		names = append(names, p.Name+"?") // see decodeArgs
	}
	t := tools.Tool{Name: s.name, Description: s.description, Schema: tools.StringSchemaWith(s.params, s.optional...), Risk: s.risk}
	if s.assess != nil {
		t.Assess = func(raw json.RawMessage) tools.Risk {
			args, err := decodeArgs(string(raw), names...)
			if err != nil {
				return s.risk
			}
			return s.assess(a, args)
		}
	}
	t.Run = func(ctx context.Context, raw json.RawMessage) tools.Result {
		args, err := decodeArgs(string(raw), names...)
		if err != nil {
			return failed("the arguments for %s were not usable: %v. Call it again with arguments like %s.",
				s.name, err, s.example).result()
		}
		return s.run(a, ctx, args).result()
	}
	return t
}

// Tools returns the tool definitions sent with every round.
func Tools() []providers.Tool { return ProviderTools(new(Agent).Registry()) }

// ProviderTools lists the tools of r that can be called, as function
// definitions for a model.
func ProviderTools(r *tools.Registry) []providers.Tool {
	var out []providers.Tool
	for _, t := range r.Tools() {
		if t.Run == nil {
			continue // described only: nothing to call
		}
		out = append(out, providers.Tool{Name: string(t.Name), Description: t.Description, Parameters: t.Schema})
	}
	return out
}

// runTool runs one call a model made through r. It never panics on what a
// model sends: every problem becomes a message the model can read and act
// on.
func runTool(ctx context.Context, r *tools.Registry, call providers.ToolCall) tools.Result {
	t, known := r.Lookup(tools.Name(call.Name))
	if !known || t.Run == nil {
		names := make([]string, 0, len(r.Names()))
		for _, n := range r.Names() {
			names = append(names, string(n))
		}
		return failed("there is no tool named %q; the tools are %s", call.Name, strings.Join(names, ", ")).result()
	}
	return t.Run(ctx, json.RawMessage(call.Arguments))
}

// remember stores a fact, with the person's approval: what Macroa
// remembers shapes every later answer.
func (a *Agent) remember(ctx context.Context, key, value string) outcome {
	if a.Memory.DB == nil {
		return failed("long-term memory is not available here")
	}
	return a.propose(ctx, actions.Action{Kind: actions.MemoryRemember, Params: actions.Memory{Key: key, Value: value}},
		"it changes what Macroa remembers about you")
}

// recall looks facts up; it changes nothing and never asks.
func (a *Agent) recall(ctx context.Context, query string) outcome {
	if a.Memory.DB == nil {
		return failed("long-term memory is not available here")
	}
	q := strings.TrimSpace(query)
	return fromResult(a.Memory.Run(ctx, skills.Intent{Skill: skills.Memory, Action: "recall", Tier: a.Tier,
		Args: map[string]string{"key": q, "query": q}}))
}

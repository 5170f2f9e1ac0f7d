// Package tools holds the one registry of tools: what a model may call (the
// agent's function calls, the classifier's skills, later MCP and HTTP
// tools), each with a typed name, a description, a JSON schema of its
// parameters, a run function and a risk class. It knows nothing of the
// kernel or the agent: they register into it and read from it.
package tools

import (
	"context"
	"encoding/json"
)

// Name names a tool ("run_command", "shell").
type Name string

// Result is what one call of a tool produced, as the caller reads it.
type Result struct {
	Output string
	OK     bool // it ran and succeeded
	// Refused is set when the call needed a person's approval and did not
	// get it: nothing ran.
	Refused bool
	// Waiting is set when the call is waiting in the approval queue: a
	// sentence for the person naming the approval and how to approve it.
	Waiting string
	// Sandbox names the confinement a command ran under unasked ("full",
	// "partial", "none", "off", "systemd-run" on another host); "" when
	// nothing ran or a person approved it.
	Sandbox string
	// SandboxStopped says in a few words what the sandbox refused when a
	// confined command failed ("refused: cat: …: Permission denied"); "".
	SandboxStopped string
}

// RunFunc runs one call with the arguments a caller sent (a JSON object;
// empty means none). It never panics on what it is sent: every problem is
// a Result the caller can read.
type RunFunc func(ctx context.Context, args json.RawMessage) Result

// Tool is one thing a model may call.
type Tool struct {
	Name        Name
	Description string
	// Schema is the JSON Schema of the arguments object.
	Schema json.RawMessage
	// Risk is the tool's class at its most dangerous: what a call may do
	// whatever its arguments.
	Risk Risk
	// Assess, when set, is the class of one call, judged from the tool and
	// the arguments alone (a read-only command is ReadOnly). It may not go
	// above Risk; arguments it cannot read are judged at Risk.
	Assess func(args json.RawMessage) Risk
	// Run runs a call. It is nil for a skill the kernel serves itself
	// (the classifier's skills: chat and the agent on its model path,
	// shell, file and memory through its gate): such a tool is described
	// to a model, never called through the registry.
	Run RunFunc
}

// RiskOf is the risk class of one call of t with args: Assess's verdict,
// held to at most Risk.
func (t Tool) RiskOf(args json.RawMessage) Risk {
	if t.Assess == nil {
		return t.Risk
	}
	r := t.Assess(args)
	if !r.valid() || r > t.Risk {
		return t.Risk
	}
	return r
}

// Package skills holds the deterministic skills Macroa runs without a model:
// shell, memory, files, reminders and questions about the hosts. Each takes
// an Intent and returns a Result.
package skills

import "github.com/macroa/macroa/tier"

// Name names a skill.
type Name string

// The built-in skills.
const (
	Shell  Name = "shell"
	Memory Name = "memory"
	File   Name = "file"
	// Reminder sets, lists and cancels reminders: text shown at a time, never run.
	Reminder Name = "reminder"
	// Hosts answers questions about the hosts' health from the fleet's
	// snapshots: read-only, never a model.
	Hosts Name = "hosts"
	Chat  Name = "chat"  // answered by a model
	Agent Name = "agent" // a model working through tools, several rounds
)

// Intent is what the router decided a request asks for.
type Intent struct {
	Skill  Name
	Action string            // skill-specific verb: "set", "read", ...
	Args   map[string]string // skill-specific parameters
	Input  string            // the request as typed
	Tier   tier.Tier
}

// Arg returns one parameter, "" when absent.
func (in Intent) Arg(name string) string { return in.Args[name] }

// Result is what a skill produced.
type Result struct {
	Output   string
	Success  bool
	Error    string // one sentence for a person; "" on success
	ExitCode int    // shell only
	// Miss is set by a lookup that found nothing; the kernel may then hand
	// the request to a model instead, when one is configured.
	Miss bool
}

// Fail builds a failed Result with a message.
func Fail(msg string) Result { return Result{Error: msg} }

// OK builds a successful Result.
func OK(out string) Result { return Result{Output: out, Success: true} }

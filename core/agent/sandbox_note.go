package agent

import (
	"strings"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/sandbox"
)

// refusalMarks are what programs print when the kernel refuses them what
// the sandbox takes away: a file or directory (Landlock: EACCES), a
// socket or syscall (seccomp: EPERM), a TCP connection (Landlock), a name
// lookup (no UDP to a resolver).
var refusalMarks = []string{
	"Permission denied",
	"Operation not permitted",
	"Read-only file system",
	"Could not resolve host",
	"Temporary failure in name resolution",
	"Name or service not known",
	"Failed to connect",
	"Network is unreachable",
}

// SandboxNote tells whoever reads a failed confined command's result (the
// model, then the person) that the sandbox may be what stopped it, and
// names the refusal when the output shows one. A command that succeeded,
// timed out or was cancelled, or ran with the sandbox off, is left as is.
func SandboxNote(r skills.Result, box *sandbox.Box) skills.Result {
	r, _ = sandboxNote(r, box)
	return r
}

// sandboxNote is SandboxNote that also says, in a few words, what the
// sandbox stopped ("" when it stopped nothing): the refusal the output
// shows, or that the command failed inside it.
func sandboxNote(r skills.Result, box *sandbox.Box) (skills.Result, string) {
	if r.Success || box == nil || box.Mode() == sandbox.ModeOff || r.ExitCode == hosts.ExitCodeTimeout || strings.Contains(r.Error, "cancelled") {
		return r, ""
	}
	what := "the sandbox (" + box.Label() + ") lets a command read the system and your home but not credential files, " +
		"and refuses writing outside its temporary directory and any network"
	note := "it ran in the sandbox and failed; " + what + ", which may be what stopped it"
	stopped := "it failed inside the sandbox"
	if line := refusalLine(r.Output); line != "" {
		note = "the sandbox refused it (" + line + "); " + what
		stopped = "refused: " + line
	}
	note += ". If it is needed, the person can run it themselves with !command"
	if r.Error == "" {
		r.Error = note
	} else {
		r.Error += "; " + note
	}
	return r, stopped
}

// refusalLine is the first line of out that shows a refusal, "" if none.
func refusalLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		for _, m := range refusalMarks {
			if strings.Contains(line, m) {
				line = strings.TrimSpace(line)
				if r := []rune(line); len(r) > 160 {
					line = string(r[:160]) + "…"
				}
				return line
			}
		}
	}
	return ""
}

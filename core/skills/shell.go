package skills

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/hosts"
)

// ShellHelp is the answer to a bare "!".
const ShellHelp = "What command would you like me to run? (e.g. !ls -la or !df -h)"

// ShellSkill runs a person's "!cmd" through their own shell, through a
// transport: this machine's unless Runner says otherwise.
type ShellSkill struct {
	Runner  hosts.Transport // nil: hosts.Local{}
	Shell   string          // path of the shell; see hosts.UserShell
	Timeout time.Duration   // whole-command limit; the process group is killed after it
	Dir     string          // working directory; "" keeps the caller's
	Env     []string        // KEY=value pairs added to the inherited environment
}

// Run executes the intent's command. stdout comes first; stderr follows
// under a literal "[stderr]" line. A non-zero exit is a failure that still
// shows everything the command printed.
func (s ShellSkill) Run(ctx context.Context, in Intent) Result {
	return s.RunStreaming(ctx, in, nil)
}

// RunStreaming runs the intent's command like Run and, when onLine is not
// nil, hands it the command's output line by line as it is printed, stdout
// and stderr in the order they came (see hosts.Line: cleaned and capped
// like the result, which stays the complete, formatted output). Lines are
// not sanitised for a terminal: whoever shows them does that.
func (s ShellSkill) RunStreaming(ctx context.Context, in Intent, onLine func(hosts.Line)) Result {
	command := strings.TrimSpace(in.Arg("command"))
	if command == "" {
		return OK(ShellHelp)
	}
	cmd := hosts.ShellCommand(s.Shell, command)
	cmd.Dir = s.Dir
	cmd.Env = s.Env
	var run hosts.Transport = hosts.Local{}
	if s.Runner != nil {
		run = s.Runner
	}
	out, err := run.Stream(ctx, cmd, s.Timeout, onLine)
	if err != nil {
		return Result{Error: fmt.Sprintf("could not run the command: %v", err), ExitCode: 127}
	}
	res := Result{Output: formatShellOutput(out), ExitCode: out.ExitCode}
	switch {
	case out.TimedOut:
		res.Error = fmt.Sprintf("command timed out after %s; it and its children were killed", s.Timeout)
	case out.Canceled:
		res.Error = "command cancelled; it and its children were killed"
	case out.ExitCode != 0:
		res.Error = fmt.Sprintf("command failed with exit code %d", out.ExitCode)
	default:
		res.Success = true
	}
	return res
}

func formatShellOutput(out hosts.Output) string {
	var parts []string
	if s := strings.TrimRight(out.Stdout, "\n"); s != "" {
		parts = append(parts, s)
	}
	if s := strings.TrimRight(out.Stderr, "\n"); s != "" {
		parts = append(parts, "[stderr]\n"+s)
	}
	if len(parts) == 0 {
		// A timeout or cancel has its own message; the kill signal's
		// exit code would only repeat it.
		if out.ExitCode == 0 || out.TimedOut || out.Canceled {
			return ""
		}
		return fmt.Sprintf("(exited with code %d)", out.ExitCode)
	}
	return strings.Join(parts, "\n")
}

package agent

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
)

// SandboxSystemdRun is ToolCall.Sandbox for a command that ran unasked on
// another host, inside a transient systemd unit (hosts.SandboxCommand).
const SandboxSystemdRun = "systemd-run"

// isRemote says whether run_command's host names another host: anything
// but nothing and "local".
func isRemote(host string) bool {
	h := strings.TrimSpace(host)
	return h != "" && h != hosts.LocalName
}

// remoteDecision is the shell policy's verdict on a command for another
// host: judged by its text, without this machine's directory, home or
// files (ShellContext.Remote).
func remoteDecision(command string) Decision {
	return CheckShellIn(command, ShellContext{Remote: true})
}

// runRemote runs a model's shell text on another host. It runs unasked
// only when the policy judges it read-only and the host offers a sandbox
// (systemd-run, hosts.ProbeSandbox), inside that sandbox; anything else
// becomes a command.run action for that host in the approval queue, whose
// executor runs it there once approved.
func (a *Agent) runRemote(ctx context.Context, host, command string) outcome {
	if command == "" {
		return failed(`the command is empty. Call run_command again with a command, e.g. {"command": "df -h", "host": %q}.`, host)
	}
	if a.Remote == nil {
		return failed("no other host can be reached from here; leave host out to run the command on this machine")
	}
	t, err := a.Remote(host)
	if err != nil {
		return failed("%v", err)
	}
	act := actions.Action{Kind: actions.CommandRun, Host: host, Params: actions.Command{Shell: command}}
	d := remoteDecision(command)
	if !d.Allowed {
		return a.propose(ctx, act, d.Reason)
	}
	box, err := hosts.ProbeSandbox(ctx, t)
	if err != nil {
		// Nothing says it would be confined there: a person decides.
		return a.propose(ctx, act, err.Error())
	}
	if !box.Offered() {
		return a.propose(ctx, act, host+" "+box.Why)
	}
	limit := a.Shell.Timeout
	if limit <= 0 {
		limit = defaultCommandTimeout
	}
	if _, err := hosts.SandboxCommand(box, command, limit); err != nil {
		return a.propose(ctx, act, host+" cannot confine it: "+err.Error())
	}
	sh := skills.ShellSkill{Runner: confined{Transport: t, box: box, limit: limit}, Shell: box.Bash, Timeout: limit}
	o := fromResult(sh.Run(ctx, skills.Intent{Skill: skills.Shell, Action: "run", Input: command, Tier: a.Tier,
		Args: map[string]string{"command": command}}))
	o.sandbox = SandboxSystemdRun
	return o
}

// confined is a host's transport that runs each shell command it is given
// (SHELL -c TEXT, as the shell skill builds it) inside the host's sandbox,
// with the unit's own time limit a little under the session's.
type confined struct {
	hosts.Transport
	box   hosts.RemoteSandbox
	limit time.Duration
}

func (c confined) Run(ctx context.Context, cmd hosts.Command, timeout time.Duration) (hosts.Output, error) {
	return c.Stream(ctx, cmd, timeout, nil)
}

func (c confined) Stream(ctx context.Context, cmd hosts.Command, _ time.Duration, onLine func(hosts.Line)) (hosts.Output, error) {
	if len(cmd.Argv) != 3 || cmd.Argv[1] != "-c" {
		return hosts.Output{}, errors.New("only shell text runs in a host's sandbox")
	}
	wrapped, err := hosts.SandboxCommand(c.box, cmd.Argv[2], c.limit)
	if err != nil {
		return hosts.Output{}, err
	}
	return c.Transport.Stream(ctx, wrapped, hosts.SandboxTimeout(c.limit), onLine)
}

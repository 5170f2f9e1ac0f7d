package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/core/tools"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/sandbox"
)

// defaultCommandTimeout bounds a command when the shell skill sets no
// timeout of its own, so "tail -f" cannot hold the loop forever.
const defaultCommandTimeout = 2 * time.Minute

// outcome is one tool call's result before it is fitted into the context.
type outcome struct {
	output  string
	ok      bool
	refused bool
	waiting string // see tools.Result.Waiting
	sandbox string // see tools.Result.Sandbox
	stopped string // see tools.Result.SandboxStopped
}

func (o outcome) result() tools.Result {
	return tools.Result{Output: o.output, OK: o.ok, Refused: o.refused, Waiting: o.waiting, Sandbox: o.sandbox, SandboxStopped: o.stopped}
}

func failed(format string, args ...any) outcome {
	return outcome{output: "error: " + fmt.Sprintf(format, args...)}
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

// shellDecision is the shell policy's verdict on a model's command, in
// the agent's working directory.
func (a *Agent) shellDecision(command string) Decision {
	return CheckShellIn(command, ShellContext{Dir: a.Shell.Dir, AppliesEnv: true})
}

// runCommand runs a model's shell text when the policy allows it, inside
// the sandbox, or when the person approves it.
func (a *Agent) runCommand(ctx context.Context, command string) outcome {
	if command == "" {
		return failed(`the command is empty. Call run_command again with a command, e.g. {"command": "df -h"}.`)
	}
	box := a.box()
	d := a.shellDecision(command)
	if d.Allowed && box.Refusal() != "" {
		d.Allowed, d.Reason = false, box.Refusal()
	}
	if !d.Allowed {
		// The approval queue runs it, if a person or the gate lets it.
		return a.propose(ctx, actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: command, Dir: absDir(a.Shell.Dir)}}, d.Reason)
	}
	sh := PolicyShell(a.Shell, d, box)
	if sh.Runner.Name() != hosts.LocalName {
		// The policy judged paths on this machine; elsewhere they mean
		// other files. Another host's commands are typed actions.
		return failed("run_command runs on this machine only, not on %s", sh.Runner.Name())
	}
	res := sh.Run(ctx, skills.Intent{Skill: skills.Shell, Action: "run", Input: command, Tier: a.Tier,
		Args: map[string]string{"command": command}})
	res, stopped := sandboxNote(res, box)
	o := fromResult(res)
	o.sandbox, o.stopped = box.Label(), stopped
	return o
}

// box is the sandbox the agent's unasked commands run in.
func (a *Agent) box() *sandbox.Box {
	if a.Sandbox != nil {
		return a.Sandbox
	}
	return sandbox.Default()
}

// PolicyShell is the shell skill a model's command runs with, after d
// judged it: bash, whose grammar the policy read (see policyBash), the
// environment the policy allowed it with (git's configuration overrides),
// a time limit, and on this machine the sandbox, whatever the policy
// thought of the command.
func PolicyShell(sh skills.ShellSkill, d Decision, box *sandbox.Box) skills.ShellSkill {
	sh.Env = append(append([]string(nil), sh.Env...), d.Env...)
	if sh.Runner == nil {
		sh.Runner = hosts.Local{}
	}
	if local, ok := sh.Runner.(hosts.Local); ok {
		if box == nil {
			box = sandbox.Default()
		}
		local.Confine = box
		sh.Runner = local
	}
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

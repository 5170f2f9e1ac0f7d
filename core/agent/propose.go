package agent

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
)

// propose hands an action the shell policy or the file rules did not let
// through to the approval queue (Agent.Ask), and turns what came of it
// into what the model is told: the action's output when it ran, or why it
// did not (queued, rejected with the person's note, denied by the gate).
// why is the question put to the person; it is also kept with the entry.
func (a *Agent) propose(ctx context.Context, act actions.Action, why string) outcome {
	if a.Ask == nil {
		return outcome{refused: true, output: fmt.Sprintf("Not done: this needs the person's approval (%s), and approval was not available here. "+
			"Do not try another way to do it; tell the person what you wanted to do and why.", why)}
	}
	ans, err := a.Ask(ctx, approvals.Proposal{Action: act, Proposer: approvals.ByAgent, Why: why})
	if err != nil {
		return failed("not run: %v", err)
	}
	return answerOutcome(ans)
}

// answerOutcome is what the model is told about a proposal's answer.
func answerOutcome(ans approvals.Answer) outcome {
	if !ans.Ran {
		o := outcome{refused: true, output: approvals.ForModel(ans)}
		if ans.Entry.State == store.ApprovalPending {
			o.waiting = ans.Entry.Summary + ": " + approvals.NotRun(ans)
		}
		return o
	}
	e := ans.Entry
	out := e.Output
	if e.State == store.ApprovalSucceeded {
		if out == "" {
			out = "(done; no output)"
		}
		return outcome{ok: true, output: out}
	}
	msg := e.Error
	if msg == "" {
		msg = fmt.Sprintf("it failed with exit code %d", e.ExitCode)
	}
	if out != "" {
		return outcome{output: "error: " + msg + "\n" + out}
	}
	return outcome{output: "error: " + msg}
}

// absDir is the working directory a proposed command runs in: dir when it
// is absolute, else this process's own.
func absDir(dir string) string {
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return ""
}

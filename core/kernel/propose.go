package kernel

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// askFor is the turn's way to hand a proposal to the approval queue: the
// front end's Request.Ask, with the proposal's session, turn and source
// filled in from the turn, so no proposer can name another. nil when the
// front end gave none.
func (k *Kernel) askFor(t *turn, by Chooser) approvals.AskFunc {
	if t.req.Ask == nil {
		return nil
	}
	return func(ctx context.Context, p approvals.Proposal) (approvals.Answer, error) {
		p.Proposer = approvals.Proposer(by)
		p.Session, p.TurnID, p.Source = store.SessionID(t.req.Session), t.id, string(t.req.Source)
		return t.req.Ask(ctx, p)
	}
}

// proposeIntent hands what a model chose, and the gate did not let through
// by itself, to the approval queue as a typed action. The executor runs it
// when the queue's gate or a person allows it; its outcome is the turn's
// result. Otherwise the result says why it did not run and how to allow it.
func (k *Kernel) proposeIntent(ctx context.Context, t *turn, d router.Decision, by Chooser, j judgement) skills.Result {
	act, err := k.actionOf(d.Intent)
	if err != nil {
		t.refused = true
		return skills.Result{Output: fmt.Sprintf("Proposed by the %s, not run: %s: %s", by, d.Intent.Skill, termsafe.Visible(j.action)),
			Error: "not run: " + err.Error()}
	}
	ans, err := k.askFor(t, by)(ctx, approvals.Proposal{Action: act, Why: j.ask})
	if err != nil {
		t.refused = true
		return skills.Result{Output: fmt.Sprintf("Proposed by the %s, not run: %s: %s", by, d.Intent.Skill, termsafe.Visible(j.action)), Error: "not run: " + err.Error()}
	}
	if !ans.Ran {
		t.refused = true
		return skills.Result{
			Output: fmt.Sprintf("Proposed by the %s, not run: %s: %s", by, d.Intent.Skill, termsafe.Visible(j.action)),
			Error:  "not run: " + approvals.NotRun(ans),
		}
	}
	e := ans.Entry
	r := skills.Result{Output: e.Output, Success: e.State == store.ApprovalSucceeded}
	if !r.Success {
		r.Error = e.Error
		if r.Error == "" {
			r.Error = fmt.Sprintf("exit code %d", e.ExitCode)
		}
	}
	return r
}

// actionOf turns a deterministic skill's intent into the typed action the
// queue runs: shell text, a file read or write (on the file the path
// really leads to), a memory change.
func (k *Kernel) actionOf(in skills.Intent) (actions.Action, error) {
	switch in.Skill {
	case skills.Shell:
		dir := k.shell.Dir
		if dir == "" {
			dir = "."
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		return actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: in.Arg("command"), Dir: dir}}, nil
	case skills.File:
		t, err := k.files.Resolve(strings.TrimSpace(in.Arg("path")))
		if err != nil {
			return actions.Action{}, err
		}
		if in.Action == "write" {
			if why := k.files.WriteRefusal(t); why != "" {
				return actions.Action{}, fmt.Errorf("%s", why)
			}
			return actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: t.Real, Content: in.Arg("content")}}, nil
		}
		return actions.Action{Kind: actions.FileRead, Params: actions.Read{Path: t.Real}}, nil
	case skills.Memory:
		if in.Action == "set" {
			return actions.Action{Kind: actions.MemoryRemember, Params: actions.Memory{Key: in.Arg("key"), Value: in.Arg("value")}}, nil
		}
		if in.Action == "forget" {
			return actions.Action{Kind: actions.MemoryForget, Params: actions.Memory{Key: in.Arg("key")}}, nil
		}
	}
	return actions.Action{}, fmt.Errorf("Macroa cannot tell what %s %s would change, so it is not proposed", in.Skill, in.Action)
}

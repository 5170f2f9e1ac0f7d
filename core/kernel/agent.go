package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/core/agent"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/tier"
)

// routeAgentTool marks the audit entry of one tool call an agent made.
const routeAgentTool router.Route = "agent-tool"

// agentToolSkill names a tool an agent called, as its audit entries do
// ("agent.run_command").
func agentToolSkill(tool string) skills.Name {
	return skills.Agent + "." + skills.Name(tool)
}

// runAgent lets a model work through tools for a task. Every tool call gets
// its own audit entry; commands that are not read-only wait for the
// person's approval through the approval queue (Request.Ask), and are
// refused without one.
func (k *Kernel) runAgent(ctx context.Context, t *turn, d router.Decision) modelOutcome {
	start := d.Intent.Tier
	if start == tier.Nano {
		start = tier.Haiku // a tool loop needs more than the cheapest tier
	}
	out := modelOutcome{route: d.Route, skill: skills.Agent, tier: start}
	t.chosenBy, t.route = ChosenByAgent, routeAgentTool
	a := agent.Agent{
		Caller: t.caller, Shell: k.shell, Sandbox: k.box, Files: k.files, Memory: k.memoryFor(t),
		Ask:        k.askFor(t, ChosenByAgent),
		Remote:     k.remote,
		OnToolCall: func(tc agent.ToolCall) { k.auditToolCall(ctx, t, tc) },
		Tier:       start, Session: t.req.Session, Priority: priorityOf(t.req.Source),
	}
	ans, err := a.Run(ctx, t.req.Input, t.history)
	switch {
	case ctx.Err() != nil:
		out.Output = ans.Text
		out.Error = "cancelled; the agent was stopped"
	case err != nil:
		out.Error = modelError(err)
	case ans.Stopped:
		out.Output = ans.Text
		out.Error = fmt.Sprintf("the agent stopped after %d rounds without finishing; its summary is above", ans.Rounds)
	default:
		out.Output, out.Success = ans.Text, true
	}
	if waiting := waitingCalls(ans.Calls); len(waiting) > 0 {
		// Queued and not answered yet: whatever the model's summary says,
		// the person learns which approvals wait and how to give them.
		t.refused, out.Success = true, false
		out.Error = joinSentences(out.Error, fmt.Sprintf("not run yet: the agent proposed %s waiting for your approval: %s",
			plural(len(waiting), "action"), strings.Join(waiting, "; ")))
	} else if refused := refusedCalls(ans.Calls); len(refused) > 0 && t.req.Ask == nil {
		// Nobody could be asked (no approval queue): whatever the model's
		// summary says, the person learns what did not happen. One who
		// rejected it when asked knows already.
		t.refused, out.Success = true, false
		out.Error = joinSentences(out.Error, fmt.Sprintf("not run: the agent proposed %s that needed your approval: %s; nobody could be asked here",
			plural(len(refused), "action"), strings.Join(refused, "; ")))
	}
	if stopped := sandboxStopped(ans.Calls); len(stopped) > 0 {
		// Whatever the model's summary says, the person learns what the
		// sandbox stopped.
		out.Output = strings.TrimRight(out.Output, "\n") + "\n\nThe sandbox stopped " + plural(len(stopped), "command") +
			": " + strings.Join(stopped, "; ") + ". Run one yourself with ! if you want it."
		out.Output = strings.TrimLeft(out.Output, "\n")
	}
	if out.Output != "" {
		t.stream.emit(out.Output)
		t.stream.finish()
	}
	return out
}

// refusedCalls lists the tool calls nobody approved, as the person would
// read them, every control character visible.
func refusedCalls(calls []agent.ToolCall) []string {
	var out []string
	for _, c := range calls {
		if c.Refused {
			out = append(out, termsafe.Visible(c.Name+" "+c.Arguments))
		}
	}
	return out
}

// sandboxStopped lists the commands the sandbox stopped, with what it
// refused, as the person would read them, every control character visible.
func sandboxStopped(calls []agent.ToolCall) []string {
	var out []string
	for _, c := range calls {
		if c.SandboxStopped == "" {
			continue
		}
		var args struct {
			Command string `json:"command"`
		}
		cmd := c.Arguments
		if json.Unmarshal([]byte(c.Arguments), &args) == nil && args.Command != "" {
			cmd = args.Command
		}
		out = append(out, termsafe.Visible(cmd+" ("+c.SandboxStopped+")"))
	}
	return out
}

// waitingCalls lists the tool calls waiting in the approval queue, as the
// person would read them, every control character visible.
func waitingCalls(calls []agent.ToolCall) []string {
	var out []string
	for _, c := range calls {
		if c.Waiting != "" {
			out = append(out, termsafe.Visible(c.Waiting))
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// auditToolCall writes one audit entry for a tool call inside an agent run.
func (k *Kernel) auditToolCall(ctx context.Context, t *turn, tc agent.ToolCall) {
	e := store.AuditEntry{
		TurnID:    t.id,
		Time:      time.Now(),
		Session:   t.req.Session,
		Source:    string(t.req.Source),
		Input:     redact.String(tc.Name+" "+tc.Arguments, k.secrets...),
		Route:     string(routeAgentTool),
		Skill:     string(agentToolSkill(tc.Name)),
		Action:    redact.String(tc.Arguments, k.secrets...),
		ChosenBy:  string(ChosenByAgent),
		Sandbox:   tc.Sandbox,
		Success:   tc.OK,
		ElapsedMS: tc.Elapsed.Milliseconds(),
	}
	if tc.Waiting != "" {
		e.Error = redact.String("not run yet: "+tc.Waiting, k.secrets...)
	} else if tc.Refused {
		e.Error = "not run: the person did not approve it"
	} else if !tc.OK {
		e.Error = redact.String(firstLine(tc.Output), k.secrets...)
	}
	_, _ = k.db.AppendAudit(context.WithoutCancel(ctx), e)
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/planner"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/tier"
)

// turn is the state of one run on the model path.
type turn struct {
	req      Request
	id       store.TurnID
	session  store.Session
	caller   *meter
	stream   *stream
	history  []providers.Message
	episodes []string
	// warnings collects budget warnings raised during the turn.
	warnings []string
	// action is what the turn's skill ran (or would have), chosenBy who
	// chose it, refused whether the gate stopped it: for the audit entry.
	action   string
	route    router.Route
	chosenBy Chooser
	refused  bool
	// unrecorded is set when the action did not run because its audit
	// record could not be written: the error already says so.
	unrecorded bool
	// sandbox names the confinement a model's command ran under unasked
	// (sandbox.Box.Label), "" when none ran.
	sandbox string
}

// modelOutcome is what the model path produced for a turn.
type modelOutcome struct {
	skills.Result
	route     router.Route
	skill     skills.Name
	tier      tier.Tier
	planSteps int
	cancelled bool // a cancel cut the answer short; Output holds what had arrived
}

// The route and skill of an answer a plan's steps made together.
const (
	routePlan    router.Route = "plan"
	skillPlanner skills.Name  = "planner"
)

// classify asks the model which skill serves a request no shortcut matched.
func (k *Kernel) classify(ctx context.Context, t *turn, d router.Decision) router.Decision {
	c := router.Classifier{Caller: t.caller, Skills: router.BuiltinSkillInfo(), Priority: priorityOf(t.req.Source)}
	out := c.Run(ctx, t.req.Input, t.history, d.Intent.Tier, d.TierKeyword)
	return out.Decision
}

// answer serves a chat decision: a plan for long requests, else one answer
// with escalation.
func (k *Kernel) answer(ctx context.Context, t *turn, d router.Decision) modelOutcome {
	out := modelOutcome{route: d.Route, skill: skills.Chat, tier: d.Intent.Tier}
	if planner.NeedsPlan(t.req.Input) {
		p := planner.Planner{Caller: t.caller, Priority: priorityOf(t.req.Source)}
		if plan, ok, _, err := p.PlanResult(ctx, t.req.Input); err == nil && ok {
			return k.runPlan(ctx, t, plan, out)
		}
	}
	text, final, err := k.chatWithEscalation(ctx, t, t.req.Input, d.Intent.Tier, t.history, true)
	out.tier = final
	return k.finishChat(ctx, out, text, err)
}

// runPlan executes a plan's steps at their tiers and combines the results.
func (k *Kernel) runPlan(ctx context.Context, t *turn, plan planner.Plan, out modelOutcome) modelOutcome {
	steps := make([]string, len(plan.Steps))
	for i, s := range plan.Steps {
		steps[i] = s.Subtask
	}
	k.bus.Publish(events.PlanCreated{TurnID: string(t.id), Steps: steps, Tiers: plan.Tiers()})
	results := planner.Execute(ctx, plan, func(ctx context.Context, subtask string, st tier.Tier) (string, error) {
		text, _, err := k.chatWithEscalation(ctx, t, subtask, st, nil, false)
		return text, err
	})
	text, _, err := planner.Combine(ctx, t.caller, t.req.Input, results)
	out.skill, out.route, out.tier, out.planSteps = skillPlanner, routePlan, tier.Haiku, len(plan.Steps)
	if err != nil && text != "" {
		err = nil // the combiner failed; the joined step outputs still answer
	}
	if text != "" {
		t.stream.emit(text)
	}
	return k.finishChat(ctx, out, text, err)
}

// finishChat turns a chat answer or error into the turn's result. A
// cancelled answer keeps the part that had arrived, marked as cancelled
// (Result.Cancelled; front ends show the marker).
func (k *Kernel) finishChat(ctx context.Context, out modelOutcome, text string, err error) modelOutcome {
	switch {
	case ctx.Err() != nil:
		out.Output, out.cancelled = strings.TrimRight(text, "\n"), true
		out.Error = "cancelled; the partial answer is kept"
	case err != nil:
		out.Output = text
		out.Error = modelError(err)
	default:
		out.Output, out.Success = text, true
	}
	return out
}

// chatWithEscalation answers input at t, moving up a tier (at most twice)
// when the answer says it needs more reasoning. Only the top-level answer
// streams; plan steps do not.
func (k *Kernel) chatWithEscalation(ctx context.Context, t *turn, input string, start tier.Tier, history []providers.Message, streamIt bool) (string, tier.Tier, error) {
	chat := skills.ChatSkill{Caller: t.caller, DB: k.db, UserName: k.cfg.UserName}
	answer, final, _, err := router.Escalate(ctx, start, router.MaxEscalations, func(ctx context.Context, at tier.Tier) (string, bool, error) {
		if at != start {
			k.bus.Publish(events.Escalated{TurnID: string(t.id), From: at - 1, To: at})
		}
		chat.Instructions = ""
		if at < tier.Opus && int(at-start) < router.MaxEscalations {
			// Only a tier that can still hand the question up is told how:
			// the last one's marker would leave an empty answer.
			chat.Instructions = router.EscalationInstruction
		}
		req := skills.ChatRequest{Input: input, Tier: at, History: history, Session: t.req.Session, Priority: priorityOf(t.req.Source)}
		if history != nil {
			req.Episodes = t.episodes
		}
		if streamIt {
			t.stream.reset("escalation")
			req.OnDelta = t.stream.delta
			req.OnReset = func() { t.stream.reset("retry") }
		}
		ans, err := chat.Answer(ctx, req)
		if err != nil {
			return "", false, err
		}
		if ans.Cancelled {
			return ans.Text, false, ctx.Err()
		}
		return ans.Text, router.ResponseNeedsMoreReasoning(ans.Result.Response), nil
	})
	if streamIt {
		t.stream.finish()
	}
	return answer, final, err
}

// modelError is the one sentence shown for a failed model call.
func modelError(err error) string {
	var be *providers.BudgetError
	if errors.As(err, &be) {
		return be.Error()
	}
	if errors.Is(err, providers.ErrNotConfigured) {
		return providers.ErrNotConfigured.Error()
	}
	if pe, ok := providers.AsError(err); ok {
		return pe.Error()
	}
	return fmt.Sprintf("the model call failed: %v", err)
}

// history turns a session's stored context into chat messages.
func (k *Kernel) history(ctx context.Context, s store.Session) []providers.Message {
	if s.ID == "" {
		return nil
	}
	entries, err := k.db.RecentEntries(ctx, s.ID, 2*k.cfg.ContextWindow)
	if err != nil {
		return nil
	}
	msgs := make([]providers.Message, 0, len(entries))
	for _, e := range entries {
		switch e.Role {
		case store.RoleUser:
			msgs = append(msgs, providers.Message{Role: providers.RoleUser, Content: e.Content})
		case store.RoleAssistant:
			msgs = append(msgs, providers.Message{Role: providers.RoleAssistant, Content: e.Content})
		}
	}
	return msgs
}

// priorityOf ranks a request's source: a person first, the autonomy loop
// next, batch work (the scheduler) last.
func priorityOf(s Source) providers.Priority {
	switch s {
	case SourceAutonomy:
		return providers.Autonomous
	case SourceScheduler:
		return providers.Batch
	}
	return providers.Interactive
}

// Package planner splits a long request into 2 to 5 steps, each served at
// the cheapest tier that can do it, runs them in order with each step
// seeing the earlier results, and combines the results into one answer.
package planner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/tier"
)

// Limits of a plan.
const (
	MinPlanChars = 80 // shorter inputs are never planned
	MinSteps     = 2
	MaxSteps     = 5
	maxTokens    = 1024
)

// ErrUnparseable marks a planner answer that is not a usable JSON object.
var ErrUnparseable = errors.New("unparseable planner answer")

// Step is one subtask of a plan and the tier that should serve it.
type Step struct {
	Subtask string
	Tier    tier.Tier
}

// Plan is an ordered list of 2 to 5 steps.
type Plan struct {
	Steps []Step
}

// Tiers lists the steps' tiers, for events and audit entries.
func (p Plan) Tiers() []tier.Tier {
	out := make([]tier.Tier, len(p.Steps))
	for i, s := range p.Steps {
		out[i] = s.Tier
	}
	return out
}

// skipPrefixes start requests that are atomic by their shape: memory and
// file shortcuts and "show me …".
var skipPrefixes = []string{
	"remember", "forget", "what is my", "what's my", "whats my", "read file", "write file", "show me",
}

// NeedsPlan reports whether input is worth a planner call: not a shell
// route ("!" or "$"), at least 80 characters after trimming, and not
// starting (case-insensitively, "please" aside) with remember, forget,
// what is my, what's my, whats my, read file, write file or show me.
func NeedsPlan(input string) bool {
	s := strings.TrimSpace(input)
	if s == "" || s[0] == '!' || s[0] == '$' {
		return false
	}
	if utf8.RuneCountInString(s) < MinPlanChars {
		return false
	}
	low := strings.ToLower(s)
	if rest, ok := strings.CutPrefix(low, "please "); ok {
		low = strings.TrimLeft(rest, " ")
	}
	for _, p := range skipPrefixes {
		if rest, ok := strings.CutPrefix(low, p); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n') {
			return false
		}
	}
	return true
}

// Planner asks a nano-tier model whether a request needs several steps.
type Planner struct {
	Caller providers.Caller
	// Priority of the planner's calls; the zero value is Interactive.
	Priority providers.Priority
}

// Plan returns a plan for input and true, or false when input is atomic:
// NeedsPlan says no (and no call is made), the model says so, or its
// answer is unusable. The error says why a call or its answer failed; the
// request is then served as atomic.
func (p *Planner) Plan(ctx context.Context, input string) (Plan, bool, error) {
	plan, ok, _, err := p.PlanResult(ctx, input)
	return plan, ok, err
}

// PlanResult plans like Plan and also returns the model call's result
// (zero when none was made), for cost and audit.
func (p *Planner) PlanResult(ctx context.Context, input string) (Plan, bool, providers.Result, error) {
	if !NeedsPlan(input) {
		return Plan{}, false, providers.Result{}, nil
	}
	if p.Caller == nil {
		return Plan{}, false, providers.Result{}, providers.ErrNotConfigured
	}
	zero := 0.0
	res, err := p.Caller.Call(ctx, providers.Call{
		Tier:     tier.Nano,
		Priority: p.Priority,
		Request: providers.Request{
			Messages: []providers.Message{
				{Role: providers.RoleSystem, Content: plannerSystemPrompt},
				{Role: providers.RoleUser, Content: input},
			},
			Temperature: &zero,
			MaxTokens:   maxTokens,
			JSON:        true,
		},
	})
	if err != nil {
		return Plan{}, false, res, fmt.Errorf("plan request: %w", err)
	}
	plan, ok, err := ParsePlan(res.Content)
	if err != nil {
		return Plan{}, false, res, fmt.Errorf("plan request: %w", err)
	}
	return plan, ok, res, nil
}

// ParsePlan reads a planner answer as tolerantly as the classifier's: a
// code fence anywhere or prose around the object is ignored, and it never
// panics. No object at all (a top-level array, null, garbage) is
// ErrUnparseable. is_complex missing or not true, or fewer than 2 usable
// steps, is no plan. Steps that are not objects or have a blank subtask
// are dropped; an unknown or missing tier is haiku; only the first 5
// steps are kept.
func ParsePlan(text string) (Plan, bool, error) {
	obj, err := router.ExtractJSONObject(text)
	if err != nil {
		return Plan{}, false, fmt.Errorf("%w: %w", ErrUnparseable, err)
	}
	var raw struct {
		IsComplex json.RawMessage   `json:"is_complex"`
		Steps     []json.RawMessage `json:"steps"`
	}
	if err := json.Unmarshal([]byte(obj), &raw); err != nil {
		// "steps" that is not an array is no plan, not garbage.
		var probe map[string]json.RawMessage
		if json.Unmarshal([]byte(obj), &probe) != nil {
			return Plan{}, false, fmt.Errorf("%w: %v", ErrUnparseable, err)
		}
		return Plan{}, false, nil
	}
	var complex bool
	if json.Unmarshal(raw.IsComplex, &complex) != nil || !complex {
		return Plan{}, false, nil
	}
	var plan Plan
	for _, r := range raw.Steps {
		var st struct {
			Subtask json.RawMessage `json:"subtask"`
			Tier    json.RawMessage `json:"tier"`
		}
		if json.Unmarshal(r, &st) != nil {
			continue // not an object
		}
		var subtask string
		if json.Unmarshal(st.Subtask, &subtask) != nil || strings.TrimSpace(subtask) == "" {
			continue
		}
		t := tier.Haiku
		var name string
		if json.Unmarshal(st.Tier, &name) == nil {
			if parsed, err := tier.Parse(name); err == nil {
				t = parsed
			}
		}
		plan.Steps = append(plan.Steps, Step{Subtask: strings.TrimSpace(subtask), Tier: t})
		if len(plan.Steps) == MaxSteps {
			break
		}
	}
	if len(plan.Steps) < MinSteps {
		return Plan{}, false, nil
	}
	return plan, true, nil
}

// StepResult is what one step produced.
type StepResult struct {
	Step   Step
	Input  string // what the step was given: its subtask and the earlier results
	Output string // the answer, or "[step failed: <error>]"
	Err    error
}

// Execute runs the plan's steps in order. Step N>1 is given its subtask
// followed by "[Context from prior steps]" and each earlier step's
// subtask and output. A failed step's output is "[step failed: <error>]",
// and the steps after it still run; once ctx has ended the remaining steps
// fail with its error without running.
func Execute(ctx context.Context, plan Plan, run func(ctx context.Context, subtask string, t tier.Tier) (string, error)) []StepResult {
	results := make([]StepResult, 0, len(plan.Steps))
	for _, st := range plan.Steps {
		in := StepInput(st.Subtask, results)
		var out string
		err := ctx.Err()
		if err == nil {
			out, err = run(ctx, in, st.Tier)
		}
		if err != nil {
			out = fmt.Sprintf("[step failed: %v]", err)
		}
		results = append(results, StepResult{Step: st, Input: in, Output: out, Err: err})
	}
	return results
}

// StepInput builds a step's input from its subtask and the earlier
// steps' results.
func StepInput(subtask string, prior []StepResult) string {
	if len(prior) == 0 {
		return subtask
	}
	var b strings.Builder
	b.WriteString(subtask)
	b.WriteString("\n\n[Context from prior steps]\n")
	for i, r := range prior {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "Previous step (%s):\n%s", r.Step.Subtask, r.Output)
	}
	return b.String()
}

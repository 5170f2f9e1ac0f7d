package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/tier"
)

// CombineTemperature is the combiner's sampling temperature.
const CombineTemperature = 0.2

// combineSeparator joins step outputs when the combiner cannot.
const combineSeparator = "\n\n---\n\n"

// Combine asks haiku to assemble the steps' results into one answer to
// input. When the call fails or answers nothing, it returns the step
// outputs joined by "---" lines, and the error.
func Combine(ctx context.Context, caller providers.Caller, input string, steps []StepResult) (string, providers.Result, error) {
	if caller == nil {
		return joinOutputs(steps), providers.Result{}, fmt.Errorf("combine step results: %w", providers.ErrNotConfigured)
	}
	temp := CombineTemperature
	res, err := caller.Call(ctx, providers.Call{
		Tier: tier.Haiku,
		Request: providers.Request{
			Messages: []providers.Message{
				{Role: providers.RoleSystem, Content: combinerSystemPrompt},
				{Role: providers.RoleUser, Content: CombineMessage(input, steps)},
			},
			Temperature: &temp,
		},
	})
	if err == nil && strings.TrimSpace(res.Content) == "" {
		err = errors.New("the model's answer was empty")
	}
	if err != nil {
		return joinOutputs(steps), res, fmt.Errorf("combine step results: %w", err)
	}
	return res.Content, res, nil
}

// CombineMessage is the combiner's user message: the original request,
// then each step's subtask in brackets and its output.
func CombineMessage(input string, steps []StepResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Original request: %s\n\nSubtask results:\n", input)
	for i, s := range steps {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "[%s]\n%s", s.Step.Subtask, s.Output)
	}
	return b.String()
}

func joinOutputs(steps []StepResult) string {
	outs := make([]string, len(steps))
	for i, s := range steps {
		outs[i] = s.Output
	}
	return strings.Join(outs, combineSeparator)
}

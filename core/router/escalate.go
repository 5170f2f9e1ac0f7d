package router

import (
	"context"
	"strings"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/tier"
)

// EscalateMarker is the line a low-tier model starts its answer with when
// the question needs more reasoning than it can give.
const EscalateMarker = "[[ESCALATE]]"

// MaxEscalations is how many tiers one request may climb: three attempts
// in all.
const MaxEscalations = 2

// EscalationInstruction goes into the chat system prompt of every tier
// below opus. It tells the model how to hand a request up.
const EscalationInstruction = "If answering well needs more careful reasoning, knowledge or context than you can give " +
	"(a hard proof, a subtle bug, a long multi-step analysis), do not guess: reply with the single line " +
	EscalateMarker + " and nothing else, and a more capable model will answer instead. " +
	"Never write " + EscalateMarker + " anywhere else, and never for a request you can answer."

// NeedsMoreReasoning reports whether a chat answer asks to escalate: its
// first non-blank line starts with the marker (models often add a reason
// after it, whatever the instruction says).
func NeedsMoreReasoning(answer string) bool {
	return strings.HasPrefix(strings.TrimLeft(answer, " \t\r\n"), EscalateMarker)
}

// ResponseNeedsMoreReasoning reports whether a model's response asks to
// escalate: the marker, or an empty answer cut off by the token limit
// (finish reason "length"), which means the model spent everything on
// reasoning and found no answer.
func ResponseNeedsMoreReasoning(r providers.Response) bool {
	if NeedsMoreReasoning(r.Content) {
		return true
	}
	return r.FinishReason == "length" && strings.TrimSpace(r.Content) == ""
}

// StripEscalation removes a leading marker line from answer.
func StripEscalation(answer string) string {
	if !NeedsMoreReasoning(answer) {
		return answer
	}
	_, rest, _ := strings.Cut(strings.TrimLeft(answer, " \t\r\n"), "\n")
	return strings.TrimLeft(rest, "\r\n")
}

// Escalate runs attempt at t and, while it asks for more reasoning, again
// one tier up: at most max times (MaxEscalations in practice), never past
// opus. It returns the last answer with any marker removed, the tier that
// gave it and how many times it climbed. An attempt's error ends the
// climb and is returned with that attempt's tier.
func Escalate(ctx context.Context, t tier.Tier, max int, attempt func(ctx context.Context, t tier.Tier) (answer string, escalate bool, err error)) (answer string, final tier.Tier, escalations int, err error) {
	for {
		answer, more, err := attempt(ctx, t)
		if err != nil {
			return StripEscalation(answer), t, escalations, err
		}
		next, ok := t.Next()
		if !more || !ok || escalations >= max {
			return StripEscalation(answer), t, escalations, nil
		}
		if err := ctx.Err(); err != nil {
			return StripEscalation(answer), t, escalations, err
		}
		t = next
		escalations++
	}
}

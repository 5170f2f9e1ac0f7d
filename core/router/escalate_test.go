package router

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// chatAttempt is how the dispatcher uses Escalate: one chat call at t
// with the escalation instruction, escalating on the marker or an empty
// answer cut off by the token limit.
func chatAttempt(caller providers.Caller, question string) func(context.Context, tier.Tier) (string, bool, error) {
	return func(ctx context.Context, t tier.Tier) (string, bool, error) {
		sys := "You are Macroa."
		if t < tier.Opus {
			sys += "\n" + EscalationInstruction
		}
		res, err := caller.Call(ctx, providers.Call{Tier: t, Request: providers.Request{Messages: []providers.Message{
			{Role: providers.RoleSystem, Content: sys},
			{Role: providers.RoleUser, Content: question},
		}}})
		if err != nil {
			return "", false, err
		}
		return res.Content, ResponseNeedsMoreReasoning(res.Response), nil
	}
}

func TestEscalate(t *testing.T) {
	esc := func(m string) providertest.Reply {
		return providertest.Reply{Content: EscalateMarker + "\n" + m + " draft"}
	}
	tests := []struct {
		name      string
		start     tier.Tier
		replies   map[string]providertest.Reply
		answer    string
		final     tier.Tier
		escalated int
		models    []string
		wantErr   bool
	}{
		{
			name:    "no escalation",
			start:   tier.Nano,
			replies: map[string]providertest.Reply{"m-nano": {Content: "Paris."}},
			answer:  "Paris.", final: tier.Nano, models: []string{"m-nano"},
		},
		{
			name:    "once",
			start:   tier.Nano,
			replies: map[string]providertest.Reply{"m-nano": esc("nano"), "m-haiku": {Content: "haiku answer"}},
			answer:  "haiku answer", final: tier.Haiku, escalated: 1, models: []string{"m-nano", "m-haiku"},
		},
		{
			name:    "twice at most",
			start:   tier.Nano,
			replies: map[string]providertest.Reply{"m-nano": esc("nano"), "m-haiku": esc("haiku"), "m-sonnet": esc("sonnet"), "m-opus": {Content: "opus answer"}},
			answer:  "sonnet draft", final: tier.Sonnet, escalated: 2, models: []string{"m-nano", "m-haiku", "m-sonnet"},
		},
		{
			name:    "twice reaching opus",
			start:   tier.Haiku,
			replies: map[string]providertest.Reply{"m-haiku": esc("haiku"), "m-sonnet": esc("sonnet"), "m-opus": {Content: "opus answer"}},
			answer:  "opus answer", final: tier.Opus, escalated: 2, models: []string{"m-haiku", "m-sonnet", "m-opus"},
		},
		{
			name:    "stops at opus",
			start:   tier.Sonnet,
			replies: map[string]providertest.Reply{"m-sonnet": esc("sonnet"), "m-opus": esc("opus")},
			answer:  "opus draft", final: tier.Opus, escalated: 1, models: []string{"m-sonnet", "m-opus"},
		},
		{
			name:    "already at opus",
			start:   tier.Opus,
			replies: map[string]providertest.Reply{"m-opus": esc("opus")},
			answer:  "opus draft", final: tier.Opus, models: []string{"m-opus"},
		},
		{
			name:    "empty answer cut by the token limit",
			start:   tier.Nano,
			replies: map[string]providertest.Reply{"m-nano": {Content: "", FinishReason: "length"}, "m-haiku": {Content: "done"}},
			answer:  "done", final: tier.Haiku, escalated: 1, models: []string{"m-nano", "m-haiku"},
		},
		{
			name:    "a long answer cut by the token limit is kept",
			start:   tier.Nano,
			replies: map[string]providertest.Reply{"m-nano": {Content: "a long partial", FinishReason: "length"}},
			answer:  "a long partial", final: tier.Nano, models: []string{"m-nano"},
		},
		{
			name:    "the escalated call fails",
			start:   tier.Nano,
			replies: map[string]providertest.Reply{"m-nano": esc("nano"), "m-haiku": {Status: 400, Error: "bad"}},
			final:   tier.Haiku, escalated: 1, models: []string{"m-nano", "m-haiku"}, wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, caller := newModel(t)
			srv.Handle(byModel(tc.replies))
			answer, final, n, err := Escalate(context.Background(), tc.start, MaxEscalations, chatAttempt(caller, "prove it"))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if answer != tc.answer || final != tc.final || n != tc.escalated {
				t.Errorf("Escalate = %q %s %d, want %q %s %d", answer, final, n, tc.answer, tc.final, tc.escalated)
			}
			if got := models(srv); !slices.Equal(got, tc.models) {
				t.Errorf("models = %v, want %v", got, tc.models)
			}
			for _, r := range srv.ChatRequests() {
				hasInstr := strings.Contains(r.Chat.Messages[0].Content, EscalateMarker)
				if hasInstr != (r.Chat.Model != "m-opus") {
					t.Errorf("%s: escalation instruction present = %v", r.Chat.Model, hasInstr)
				}
			}
		})
	}
}

func TestEscalateMaxZero(t *testing.T) {
	srv, caller := newModel(t)
	srv.SetDefault(providertest.Reply{Content: EscalateMarker})
	answer, final, n, err := Escalate(context.Background(), tier.Nano, 0, chatAttempt(caller, "x"))
	if err != nil || answer != "" || final != tier.Nano || n != 0 || len(srv.ChatRequests()) != 1 {
		t.Fatalf("Escalate = %q %s %d %v after %d calls", answer, final, n, err, len(srv.ChatRequests()))
	}
}

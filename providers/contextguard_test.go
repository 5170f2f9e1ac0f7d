package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/macroa/macroa/tier"
)

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		msg  Message
		want int
	}{
		{Message{Role: RoleUser, Content: ""}, 4},
		{Message{Role: RoleUser, Content: "abcd"}, 5},
		{Message{Role: RoleUser, Content: "abcde"}, 6}, // ceil(5/4) = 2
		{Message{Role: RoleUser, Content: strings.Repeat("x", 4000)}, 1004},
		{Message{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: "ab", Name: "cd", Arguments: "efgh"}}}, 6},
		{Message{Role: RoleUser, Content: "ééé"}, 6}, // bytes, not characters: 6 bytes → 2
	}
	for _, tc := range tests {
		if got := messageTokens(tc.msg); got != tc.want {
			t.Errorf("messageTokens(%+v) = %d, want %d", tc.msg, got, tc.want)
		}
	}
}

func TestWindowFor(t *testing.T) {
	w := map[string]int{"claude-haiku-4-5": 200_000, "vendor/exact": 32_000, "llama3.2": 128_000}
	tests := []struct {
		model string
		want  int
	}{
		{"anthropic/claude-haiku-4-5", 200_000},
		{"claude-haiku-4-5", 200_000},
		{"vendor/exact", 32_000},
		{"meta/llama3.2:free", 128_000},
		{"mystery-model", defaultWindow},
	}
	for _, tc := range tests {
		if got := windowFor(w, tc.model); got != tc.want {
			t.Errorf("windowFor(%q) = %d, want %d", tc.model, got, tc.want)
		}
	}
	for _, m := range []string{"google/gemini-2.5-flash-lite", "anthropic/claude-sonnet-4-6", "anthropic/claude-opus-4-6"} {
		if windowFor(DefaultWindows, m) == defaultWindow {
			t.Errorf("default model %s has no known window", m)
		}
	}
}

// msgs builds messages from "role:text" strings; text "N*c" repeats c N times.
func msgs(spec ...string) []Message {
	var out []Message
	for _, s := range spec {
		role, text, _ := strings.Cut(s, ":")
		var n int
		var c string
		if _, err := fmt.Sscanf(text, "%d*%s", &n, &c); err == nil {
			text = strings.Repeat(c, n)
		}
		out = append(out, Message{Role: Role(role), Content: text})
	}
	return out
}

func roles(ms []Message) string {
	var b []string
	for _, m := range ms {
		b = append(b, string(m.Role)+":"+m.Content[:min(len(m.Content), 3)])
	}
	return strings.Join(b, " ")
}

func TestFitWindowDropsOldestFirst(t *testing.T) {
	// Each "4000*a" message is 1004 tokens; the window below holds the
	// system prompt, the last user message, the reserve and about two more.
	tests := []struct {
		name   string
		msgs   []Message
		window int
		wantOK bool
		want   string
	}{
		{name: "fits untouched", msgs: msgs("system:sys", "user:u1", "assistant:a1", "user:u2"), window: 8192, wantOK: true,
			want: "system:sys user:u1 assistant:a1 user:u2"},
		{name: "oldest turns go first", window: 1024 + 2*1004 + 20, wantOK: true,
			msgs: msgs("system:sys", "user:4000*a", "assistant:4000*b", "user:4000*c", "assistant:4000*d", "user:last"),
			want: "system:sys user:ccc assistant:ddd user:las"},
		{name: "kept history starts with a user turn", window: 1024 + 1004 + 20, wantOK: true,
			msgs: msgs("system:sys", "user:4000*a", "assistant:4000*b", "user:4000*c", "assistant:4000*d", "user:last"),
			want: "system:sys user:las"},
		{name: "system prompts are never dropped", window: 1024 + 2*1004 + 30, wantOK: true,
			msgs: msgs("system:4000*s", "user:4000*a", "system:note", "assistant:4000*b", "user:last"),
			want: "system:sss system:not user:las"},
		{name: "last user message alone too big", window: 8192, wantOK: false,
			msgs: msgs("system:sys", "user:old", "user:40000*x"),
			want: "system:sys user:xxx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := fitWindow(Request{Messages: tc.msgs}, tc.window)
			if ok != tc.wantOK || roles(got.Messages) != tc.want {
				t.Fatalf("fitWindow = %s, %v; want %s, %v", roles(got.Messages), ok, tc.want, tc.wantOK)
			}
			if ok && requestTokens(got) > tc.window {
				t.Fatalf("kept %d tokens, over the window of %d", requestTokens(got), tc.window)
			}
		})
	}
}

func TestFitWindowDropsToolResultsWithTheirCall(t *testing.T) {
	big := strings.Repeat("r", 4000)
	req := Request{Messages: []Message{
		{Role: RoleSystem, Content: "sys"},
		{Role: RoleUser, Content: "check the disk"},
		{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: "c1", Name: "df", Arguments: "{}"}}},
		{Role: RoleTool, ToolCallID: "c1", Content: big},
		{Role: RoleAssistant, Content: "the disk is fine"},
		{Role: RoleUser, Content: "and memory?"},
	}, Tools: []Tool{{Name: "df", Description: "disk usage"}}}
	got, ok := fitWindow(req, 1024+200)
	if !ok {
		t.Fatalf("did not fit: %d tokens", requestTokens(got))
	}
	for _, m := range got.Messages {
		if m.Role == RoleTool || len(m.ToolCalls) > 0 {
			t.Fatalf("kept %s; a tool result and its call must go together", roles(got.Messages))
		}
	}
	if len(got.Tools) != 1 || got.Messages[0].Role != RoleSystem || got.Messages[len(got.Messages)-1].Content != "and memory?" {
		t.Fatalf("lost the tools, the system prompt or the question: %s", roles(got.Messages))
	}
}

func TestContextGuardNeverSendsOverlongPrompt(t *testing.T) {
	paste := strings.Repeat("log line 0123456789 ", 40_000) // 800,000 bytes ≈ 200,000 tokens
	history := msgs("system:you are macroa", "user:4000*o", "assistant:4000*p", "user:4000*q", "assistant:4000*r")
	tests := []struct {
		name      string
		tiers     map[tier.Tier]string // tier → model
		windows   map[string]int
		reqModel  string
		messages  []Message
		wantErr   string
		wantTier  tier.Tier
		wantModel string
		check     func(t *testing.T, sent []Message)
	}{
		{
			name:     "200k paste refused when no window is big enough",
			tiers:    map[tier.Tier]string{tier.Nano: "small-8k", tier.Haiku: "anthropic/claude-haiku-4-5"},
			messages: append(append([]Message(nil), history...), Message{Role: RoleUser, Content: paste}),
			wantErr:  "more than anthropic/claude-haiku-4-5's window of 200000 even after trimming the conversation",
		},
		{
			name:     "200k paste moves to a tier whose window holds it",
			tiers:    map[tier.Tier]string{tier.Nano: "small-8k", tier.Haiku: "anthropic/claude-haiku-4-5", tier.Opus: "google/gemini-2.5-flash-lite"},
			messages: append(append([]Message(nil), history...), Message{Role: RoleUser, Content: paste}),
			wantTier: tier.Opus, wantModel: "google/gemini-2.5-flash-lite",
			check: func(t *testing.T, sent []Message) {
				if len(sent) != len(history)+1 {
					t.Errorf("sent %d messages; the big window needs no trimming", len(sent))
				}
			},
		},
		{
			name:      "a tier move replaces the model the caller named",
			tiers:     map[tier.Tier]string{tier.Nano: "small-8k", tier.Haiku: "anthropic/claude-haiku-4-5"},
			reqModel:  "other-8k",
			messages:  []Message{{Role: RoleUser, Content: paste[:80_000]}},
			wantTier:  tier.Haiku,
			wantModel: "anthropic/claude-haiku-4-5",
		},
		{
			name:     "20k paste moves one tier up",
			tiers:    map[tier.Tier]string{tier.Nano: "small-8k", tier.Haiku: "haiku-32k", tier.Sonnet: "anthropic/claude-sonnet-4-6"},
			windows:  map[string]int{"haiku-32k": 32_000},
			messages: append(append([]Message(nil), history...), Message{Role: RoleUser, Content: paste[:80_000]}),
			wantTier: tier.Haiku, wantModel: "haiku-32k",
		},
		{
			name:      "long history trimmed at the same tier",
			tiers:     map[tier.Tier]string{tier.Nano: "small-8k", tier.Haiku: "anthropic/claude-haiku-4-5"},
			messages:  append(append(append([]Message(nil), history...), msgs("user:4000*s", "assistant:4000*t", "user:4000*u", "assistant:4000*v")...), Message{Role: RoleUser, Content: "so?"}),
			wantTier:  tier.Nano,
			wantModel: "small-8k",
			check: func(t *testing.T, sent []Message) {
				if sent[0].Role != RoleSystem || sent[0].Content != "you are macroa" {
					t.Errorf("system prompt not first: %s", roles(sent))
				}
				if sent[len(sent)-1].Content != "so?" {
					t.Errorf("last user message lost: %s", roles(sent))
				}
				got := roles(sent)
				if strings.Contains(got, "ooo") || strings.Contains(got, "ppp") {
					t.Errorf("oldest history kept: %s", got)
				}
				if !strings.Contains(got, "vvv") {
					t.Errorf("newest history dropped: %s", got)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newBackend(t, "a")
			routes := map[tier.Tier][]Route{}
			for tr, m := range tc.tiers {
				routes[tr] = []Route{{Provider: "a", Model: m}}
			}
			g, _, _ := newGateway(t, "", Options{Tiers: routes, Windows: tc.windows}, a)
			res, err := g.Call(context.Background(), Call{Tier: tier.Nano, Request: Request{Model: tc.reqModel, Messages: tc.messages}})

			// Whatever happened, nothing over its model's window reached the server.
			for _, r := range a.srv.ChatRequests() {
				chars := 0
				for _, m := range r.Chat.Messages {
					chars += len(m.Content)
				}
				if est, w := chars/4, windowFor(g.windows, r.Chat.Model); est > w {
					t.Errorf("sent about %d tokens to %s, whose window is %d", est, r.Chat.Model, w)
				}
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrTooLong) {
					t.Fatalf("err = %v; want ErrTooLong saying %q", err, tc.wantErr)
				}
				if a.sent() != 0 {
					t.Fatalf("sent %d requests; an over-long prompt must not be sent", a.sent())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			reqs := a.srv.ChatRequests()
			if len(reqs) != 1 || res.Tier != tc.wantTier || reqs[0].Chat.Model != tc.wantModel {
				t.Fatalf("tier %v, %d requests to %q; want tier %v, model %q", res.Tier, len(reqs), reqs[0].Chat.Model, tc.wantTier, tc.wantModel)
			}
			if tc.check != nil {
				var sent []Message
				for _, m := range reqs[0].Chat.Messages {
					sent = append(sent, Message{Role: Role(m.Role), Content: m.Content})
				}
				tc.check(t, sent)
			}
		})
	}
}

func TestContextGuardUsesEachRoutesWindow(t *testing.T) {
	// The primary's small window cannot take the prompt; the fallback's can,
	// so the call goes straight to the fallback.
	a, b := newBackend(t, "a"), newBackend(t, "b")
	routes := map[tier.Tier][]Route{tier.Nano: {{Provider: "a", Model: "small-8k"}, {Provider: "b", Model: "big-64k"}}}
	g, _, _ := newGateway(t, "", Options{Tiers: routes, Windows: map[string]int{"big-64k": 64_000}}, a, b)
	res, err := g.Call(context.Background(), userCall(strings.Repeat("z", 100_000)))
	if err != nil || res.Provider != "b" || a.sent() != 0 || b.sent() != 1 {
		t.Fatalf("Call = %q, %v; a sent %d, b sent %d", res.Provider, err, a.sent(), b.sent())
	}
}

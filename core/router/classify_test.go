package router

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

func TestClassifyRequestShape(t *testing.T) {
	srv, caller := newModel(t)
	srv.Script(providertest.Reply{Content: `{"skill":"shell","parameters":{"command":"df -h"},"confidence":0.9,"reasoning":"disk"}`})
	var hist []providers.Message
	for i := range 10 {
		hist = append(hist, providers.Message{Role: providers.RoleUser, Content: "q" + string(rune('0'+i))},
			providers.Message{Role: providers.RoleAssistant, Content: "a" + string(rune('0'+i))})
	}
	hist = append(hist, providers.Message{Role: providers.RoleTool, Content: "tool text", ToolCallID: "c1"})

	c := &Classifier{Caller: caller}
	d, err := c.Classify(context.Background(), "how full is the disk", hist, tier.Nano, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Route != RouteClassifier || d.Intent.Skill != skills.Shell || d.Intent.Action != "run" || d.Intent.Arg("command") != "df -h" {
		t.Fatalf("decision = %+v", d)
	}
	if d.Intent.Tier != tier.Nano || d.TierKeyword || d.Confidence != 0.9 || d.Intent.Input != "how full is the disk" {
		t.Errorf("decision = %+v", d)
	}

	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	ch := reqs[0].Chat
	if ch.Model != "m-nano" {
		t.Errorf("model = %q, want the nano model", ch.Model)
	}
	if ch.Temperature == nil || *ch.Temperature != 0 {
		t.Errorf("temperature = %v, want 0", ch.Temperature)
	}
	if ch.ResponseFormat == nil || ch.ResponseFormat.Type != "json_object" {
		t.Errorf("response_format = %+v, want json_object", ch.ResponseFormat)
	}
	if ch.MaxTokens == nil || *ch.MaxTokens != ClassifierMaxTokens {
		t.Errorf("max tokens = %v, want %d", ch.MaxTokens, ClassifierMaxTokens)
	}
	if len(ch.Messages) != 10 {
		t.Fatalf("%d messages, want system + 8 history + input", len(ch.Messages))
	}
	sys := ch.Messages[0]
	if sys.Role != "system" || !strings.Contains(sys.Content, `"confidence":{"maximum":1`) || !strings.Contains(sys.Content, "- name: file") {
		t.Errorf("system prompt lacks the schema or the skills:\n%s", sys.Content)
	}
	// The last 8 user/assistant messages, oldest first; the tool message is left out.
	if ch.Messages[1].Content != "q6" || ch.Messages[8].Content != "a9" || ch.Messages[1].Role != "user" || ch.Messages[8].Role != "assistant" {
		t.Errorf("history = %+v .. %+v", ch.Messages[1], ch.Messages[8])
	}
	if last := ch.Messages[9]; last.Role != "user" || last.Content != "how full is the disk" {
		t.Errorf("last message = %+v", last)
	}
}

func TestClassifyAnswers(t *testing.T) {
	type want struct {
		skill  skills.Name
		action string
		args   map[string]string
		conf   float64
		tier   tier.Tier
		models []string
		failed bool // Outcome.Err set: every attempt failed
	}
	tests := []struct {
		name     string
		input    string
		kwTier   tier.Tier
		kwSet    bool
		replies  map[string]providertest.Reply
		want     want
		keptFrom string // the model whose answer was kept, "" for none
	}{
		{
			name:    "fenced answer",
			input:   "what's eating my disk",
			replies: map[string]providertest.Reply{"m-nano": {Content: "```json\n{\"skill\":\"shell\",\"parameters\":{\"command\":\"du -sh ~/*\"},\"confidence\":0.85}\n```"}},
			want:    want{skill: skills.Shell, action: "run", args: map[string]string{"command": "du -sh ~/*"}, conf: 0.85, models: []string{"m-nano"}},
		},
		{
			name:    "null confidence is 0.5, no retry",
			input:   "show me the hosts file please",
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"file","parameters":{"action":"read","path":"/etc/hosts"},"confidence":null}`}},
			want:    want{skill: skills.File, action: "read", args: map[string]string{"path": "/etc/hosts"}, conf: 0.5, models: []string{"m-nano"}},
		},
		{
			name:  "top-level array is retried on haiku",
			input: "how much memory is free",
			replies: map[string]providertest.Reply{
				"m-nano":  {Content: `[{"skill":"shell","parameters":{"command":"free -h"},"confidence":0.9}]`},
				"m-haiku": {Content: `{"skill":"shell","parameters":{"command":"free -h"},"confidence":0.8}`},
			},
			want: want{skill: skills.Shell, action: "run", args: map[string]string{"command": "free -h"}, conf: 0.8, models: []string{"m-nano", "m-haiku"}},
		},
		{
			name:  "garbage twice falls back to chat keeping the keyword tier",
			input: "think carefully about the CAP theorem",
			kwSet: true, kwTier: tier.Sonnet,
			replies: map[string]providertest.Reply{
				"m-nano":  {Content: "I think this is a chat request."},
				"m-haiku": {Content: `{"skill":"chat","confidence":"high"}`},
			},
			want: want{skill: skills.Chat, conf: 0, tier: tier.Sonnet, models: []string{"m-nano", "m-haiku"}, failed: true},
		},
		{
			name:  "failed call is retried on haiku",
			input: "list the files in ~/src",
			replies: map[string]providertest.Reply{
				"m-nano":  {Status: 503, Error: "overloaded"},
				"m-haiku": {Content: `{"skill":"file","parameters":{"action":"list","path":"~/src"},"confidence":0.9}`},
			},
			want: want{skill: skills.File, action: "list", args: map[string]string{"path": "~/src"}, conf: 0.9, models: []string{"m-nano", "m-haiku"}},
		},
		{
			name:  "both calls fail",
			input: "use the best model to explain monads",
			kwSet: true, kwTier: tier.Opus,
			replies: map[string]providertest.Reply{
				"m-nano":  {Status: 503},
				"m-haiku": {Status: 400, Error: "bad request"},
			},
			want: want{skill: skills.Chat, conf: 0, tier: tier.Opus, models: []string{"m-nano", "m-haiku"}, failed: true},
		},
		{
			name:  "low confidence keeps the more confident retry",
			input: "is the web server up",
			replies: map[string]providertest.Reply{
				"m-nano":  {Content: `{"skill":"shell","parameters":{"command":"ps aux"},"confidence":0.3}`},
				"m-haiku": {Content: `{"skill":"shell","parameters":{"command":"systemctl is-active nginx"},"confidence":0.8}`},
			},
			want: want{skill: skills.Shell, action: "run", args: map[string]string{"command": "systemctl is-active nginx"}, conf: 0.8, models: []string{"m-nano", "m-haiku"}},
		},
		{
			name:  "low confidence keeps the first when the retry is less sure",
			input: "is the web server up",
			replies: map[string]providertest.Reply{
				"m-nano":  {Content: `{"skill":"shell","parameters":{"command":"ps aux"},"confidence":0.4}`},
				"m-haiku": {Content: `{"skill":"chat","parameters":{},"confidence":0.2}`},
			},
			want: want{skill: skills.Shell, action: "run", args: map[string]string{"command": "ps aux"}, conf: 0.4, models: []string{"m-nano", "m-haiku"}},
		},
		{
			name:  "low confidence keeps the first when the retry fails",
			input: "is the web server up",
			replies: map[string]providertest.Reply{
				"m-nano":  {Content: `{"skill":"shell","parameters":{"command":"ps aux"},"confidence":0.4}`},
				"m-haiku": {Content: `not json`},
			},
			want: want{skill: skills.Shell, action: "run", args: map[string]string{"command": "ps aux"}, conf: 0.4, models: []string{"m-nano", "m-haiku"}},
		},
		{
			name:    "low-confidence chat is not retried",
			input:   "hmm",
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"chat","parameters":{},"confidence":0.2}`}},
			want:    want{skill: skills.Chat, conf: 0.2, models: []string{"m-nano"}},
		},
		{
			name:    "unknown skill becomes chat at 0.3",
			input:   "remind me to stretch",
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"reminder","parameters":{"time":"5pm"},"confidence":0.95}`}},
			want:    want{skill: skills.Chat, conf: 0.3, models: []string{"m-nano"}},
		},
		{
			name:    "shell without a command becomes chat",
			input:   "please execute the plan",
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"shell","parameters":{},"confidence":0.9}`}},
			want:    want{skill: skills.Chat, conf: 0.3, models: []string{"m-nano"}},
		},
		{
			name:    "file read without a path becomes chat",
			input:   "read the file",
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"file","parameters":{"action":"read"},"confidence":0.9}`}},
			want:    want{skill: skills.Chat, conf: 0.3, models: []string{"m-nano"}},
		},
		{
			name:    "non-object parameters are empty",
			input:   "run it",
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"shell","parameters":"ls -la","confidence":0.9}`}},
			want:    want{skill: skills.Chat, conf: 0.3, models: []string{"m-nano"}},
		},
		{
			name:  "keyword tier kept on a normal answer",
			input: "quick answer: what's 2+2",
			kwSet: true, kwTier: tier.Haiku,
			replies: map[string]providertest.Reply{"m-nano": {Content: `{"skill":"chat","parameters":{},"confidence":0.9}`}},
			want:    want{skill: skills.Chat, conf: 0.9, tier: tier.Haiku, models: []string{"m-nano"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, caller := newModel(t)
			srv.Handle(byModel(tc.replies))
			c := &Classifier{Caller: caller}
			out := c.Run(context.Background(), tc.input, nil, tc.kwTier, tc.kwSet)
			d := out.Decision
			if d.Intent.Skill != tc.want.skill || d.Intent.Action != tc.want.action || d.Confidence != tc.want.conf {
				t.Fatalf("decision = %s %q %v, want %s %q %v (err %v)", d.Intent.Skill, d.Intent.Action, d.Confidence, tc.want.skill, tc.want.action, tc.want.conf, out.Err)
			}
			for k, v := range tc.want.args {
				if d.Intent.Args[k] != v {
					t.Errorf("arg %s = %q, want %q", k, d.Intent.Args[k], v)
				}
			}
			if d.Intent.Tier != tc.want.tier || d.TierKeyword != tc.kwSet || d.Route != RouteClassifier || d.Intent.Input != tc.input {
				t.Errorf("tier %s keyword %v route %s input %q; want %s %v", d.Intent.Tier, d.TierKeyword, d.Route, d.Intent.Input, tc.want.tier, tc.kwSet)
			}
			if got := models(srv); !slices.Equal(got, tc.want.models) {
				t.Errorf("models called = %v, want %v", got, tc.want.models)
			}
			if (out.Err != nil) != tc.want.failed {
				t.Errorf("Outcome.Err = %v, want failed=%v", out.Err, tc.want.failed)
			}
			// Classify gives the same decision and no error: the fallback is usable.
			srv2, caller2 := newModel(t)
			srv2.Handle(byModel(tc.replies))
			d2, err := (&Classifier{Caller: caller2}).Classify(context.Background(), tc.input, nil, tc.kwTier, tc.kwSet)
			if err != nil || d2.Intent.Skill != d.Intent.Skill || d2.Confidence != d.Confidence || d2.Intent.Tier != d.Intent.Tier {
				t.Errorf("Classify = %+v, %v; Run gave %+v", d2, err, d)
			}
		})
	}
}

// The whole flow for the spec's example: routing finds nothing, the tier
// keywords say sonnet, the model answers garbage twice, and the request
// ends as chat at sonnet rather than nano.
func TestClassifyFallbackAfterDecide(t *testing.T) {
	srv, caller := newModel(t)
	srv.SetDefault(providertest.Reply{Content: "garbage {"})
	in := "think carefully: should I shard this table?"
	d := DecideWith(in, DefaultRegistry())
	if d.Route != RouteFallback {
		t.Fatalf("routed %s", d.Route)
	}
	got, err := (&Classifier{Caller: caller}).Classify(context.Background(), in, nil, d.Intent.Tier, d.TierKeyword)
	if err != nil {
		t.Fatal(err)
	}
	if got.Intent.Skill != skills.Chat || got.Confidence != 0 || got.Intent.Tier != tier.Sonnet || !got.TierKeyword {
		t.Fatalf("decision = %+v", got)
	}
	if n := len(srv.ChatRequests()); n != 2 {
		t.Errorf("%d calls, want nano then haiku", n)
	}
}

func TestClassifyRecordsCalls(t *testing.T) {
	srv, caller := newModel(t)
	srv.Handle(byModel(map[string]providertest.Reply{
		"m-nano":  {Content: `{"skill":"shell","parameters":{"command":"w"},"confidence":0.1}`, PromptTokens: 100, CompletionTokens: 10},
		"m-haiku": {Content: `{"skill":"shell","parameters":{"command":"who"},"confidence":0.7}`, PromptTokens: 120, CompletionTokens: 12},
	}))
	out := (&Classifier{Caller: caller}).Run(context.Background(), "who is logged in", nil, tier.Nano, false)
	if len(out.Calls) != 2 || out.Calls[0].Usage.PromptTokens != 100 || out.Calls[1].Usage.PromptTokens != 120 {
		t.Fatalf("calls = %+v", out.Calls)
	}
	if out.Answer.Skill != "shell" || out.Answer.Parameters["command"] != "who" {
		t.Errorf("answer = %+v", out.Answer)
	}
}

func TestClassifyCustomSkills(t *testing.T) {
	srv, caller := newModel(t)
	srv.Script(providertest.Reply{Content: `{"skill":"weather","parameters":{"location":"Lisbon"},"confidence":0.9}`})
	c := &Classifier{Caller: caller, Skills: append(BuiltinSkillInfo(), SkillInfo{
		Name: "weather", Description: "tells the weather", Triggers: []string{"weather in"},
		Params: "location: a place name", Required: map[string][]string{"": {"location"}},
	})}
	d, err := c.Classify(context.Background(), "will it rain in Lisbon", nil, tier.Nano, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Intent.Skill != "weather" || d.Intent.Arg("location") != "Lisbon" {
		t.Fatalf("decision = %+v", d)
	}
	if sys := srv.ChatRequests()[0].Chat.Messages[0].Content; !strings.Contains(sys, "- name: weather") || !strings.Contains(sys, `"weather"`) {
		t.Errorf("the tool is not in the prompt or the schema's enum")
	}
}

func TestClassifyCanceled(t *testing.T) {
	srv, caller := newModel(t)
	srv.SetDefault(providertest.Reply{Content: `{"skill":"chat","confidence":1}`})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, err := (&Classifier{Caller: caller}).Classify(ctx, "hello", nil, tier.Haiku, true)
	if err == nil {
		t.Fatal("no error for a cancelled request")
	}
	if d.Intent.Skill != skills.Chat || d.Confidence != 0 || d.Intent.Tier != tier.Haiku {
		t.Errorf("fallback decision = %+v", d)
	}
}

func TestClassifyWithoutCaller(t *testing.T) {
	out := (&Classifier{}).Run(context.Background(), "hello", nil, tier.Nano, false)
	if out.Decision.Intent.Skill != skills.Chat || out.Err == nil || len(out.Calls) != 0 {
		t.Fatalf("outcome = %+v", out)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

// modelSandbox is a sandbox whose provider is a real local server speaking
// the OpenAI-compatible API, with a price for its model.
func modelSandbox(t *testing.T) (*sandbox, *providertest.Server, []string) {
	t.Helper()
	s := newSandbox(t)
	srv := providertest.New(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	toml := "[prices.\"test-nano\"]\ninput = 1.5\noutput = 3\n"
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return s, srv, []string{"MACROA_BASE_URL=" + srv.URL(), "MACROA_MODEL_NANO=test-nano"}
}

func TestE2EModelRunJSON(t *testing.T) {
	s, srv, env := modelSandbox(t)
	srv.Script(providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`},
		providertest.Reply{Content: "A joke about gophers.", PromptTokens: 120, CompletionTokens: 30})
	r := s.run("", env, "run", "--json", "tell me a joke")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Output, Tier, Model, Route, Skill string
		LLMCalls                          int     `json:"llm_calls"`
		Tokens                            int64   `json:"tokens"`
		CostUSD                           float64 `json:"cost_usd"`
		Providers                         []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Output != "A joke about gophers." || got.Tier != "nano" || got.Model != "test-nano" || got.LLMCalls != 2 ||
		got.Tokens < 150 || got.CostUSD <= 0 || got.Skill != "chat" || len(got.Providers) != 1 {
		t.Fatalf("unexpected run report: %s", r.stdout)
	}
	expect(t, s.run("", env, "usage", "--by", "model"), 0, "test-nano")
	r = s.run("", env, "usage", "--json")
	if !strings.Contains(r.stdout, `"day"`) || !strings.Contains(r.stdout, `"calls": 2`) {
		t.Fatalf("usage report: %s", r.stdout)
	}
	expect(t, s.run("", env, "audit", "recent", "--json"), 0, `"LLMCalls": 2`)
}

func TestE2EModelBudgetRefused(t *testing.T) {
	s, srv, env := modelSandbox(t)
	env = append(env, "MACROA_DAILY_BUDGET_USD=0.000001")
	r := s.run("", env, "run", "tell me a joke")
	if r.code != 1 || !strings.Contains(r.stderr, "daily budget") || len(srv.Requests()) != 0 {
		t.Fatalf("want a refusal naming the daily budget and no request sent; exit %d, %d requests, stderr %s", r.code, len(srv.Requests()), r.stderr)
	}
	assertNoCrash(t, r)
}

func TestE2EModelProviderDown(t *testing.T) {
	s := newSandbox(t)
	r := s.run("", []string{"MACROA_BASE_URL=http://127.0.0.1:1/v1"}, "run", "tell me a joke")
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Fatalf("want one line naming the unreachable endpoint; exit %d: %s", r.code, r.stderr)
	}
	assertNoCrash(t, r)
	// Deterministic work still works with a dead provider configured.
	expect(t, s.run("", []string{"MACROA_BASE_URL=http://127.0.0.1:1/v1"}, "run", "!echo still here"), 0, "still here")
}

// answerAsChat scripts srv as a model that routes every request to chat
// (the classifier's answer) and answers it with reply(the last message).
func answerAsChat(srv *providertest.Server, reply func(last string) providertest.Reply) {
	srv.Handle(func(r providertest.Recorded) providertest.Reply {
		if strings.Contains(r.Chat.Messages[0].Content, "intent router") {
			return providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`}
		}
		return reply(r.Chat.Messages[len(r.Chat.Messages)-1].Content)
	})
}

// slowCount is an answer of ten words 300 ms apart: time enough to act
// while it streams.
func slowCount(string) providertest.Reply {
	return providertest.Reply{Chunks: strings.SplitAfter("one two three four five six seven eight nine ten", " "), ChunkDelay: 300 * time.Millisecond}
}

// manyWords is an answer of 200 words 50 ms apart.
func manyWords(string) providertest.Reply {
	return providertest.Reply{Chunks: strings.SplitAfter(strings.Repeat("word ", 200), " ")[:200], ChunkDelay: 50 * time.Millisecond}
}

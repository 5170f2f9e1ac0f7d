package kernel_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// modelFixture is a Kernel whose model layer is built from cfg, as the
// binary builds it, talking to real local test servers.
func modelFixture(t *testing.T, toml string, env ...string) fixture {
	t.Helper()
	cfg, db, dir := openData(t, toml, env...)
	models := func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir,
		Models: models, Bus: events.New(nil)})
	return fixture{k: k, db: db, dir: dir}
}

// classifiedAs is the classifier's JSON answer for a skill.
func classifiedAs(skill string) providertest.Reply {
	return providertest.Reply{Content: `{"skill":"` + skill + `","parameters":{},"confidence":0.9,"reasoning":"test"}`}
}

// chatRequests returns the recorded chat calls whose system prompt is the
// chat skill's (not the classifier's or the planner's).
func answerRequests(srv *providertest.Server) []providertest.Recorded {
	var out []providertest.Recorded
	for _, r := range srv.ChatRequests() {
		if len(r.Chat.Messages) > 0 && strings.Contains(r.Chat.Messages[0].Content, "You are Macroa") {
			out = append(out, r)
		}
	}
	return out
}

func TestModelChatStreamsAndCounts(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "[prices.\"m-nano\"]\ninput = 1\noutput = 2\n",
		"MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano")
	srv.Script(classifiedAs("chat"),
		// Chunks further apart than the coalescing interval arrive as
		// separate tokens.
		providertest.Reply{Content: "Why did the gopher cross the road? To get to the other goroutine.", PromptTokens: 100, CompletionTokens: 20,
			Chunks: []string{"Why did the gopher cross the road? ", "To get to the other goroutine."}, ChunkDelay: 2 * events.DefaultCoalesce})

	done := follow(t, f.k.Bus(), "joke", nil)
	res := f.k.Run(context.Background(), kernel.Request{TurnID: "joke", Input: "tell me a joke", Source: kernel.SourceCLI})
	if !res.Success || !strings.Contains(res.Output, "other goroutine") {
		t.Fatalf("run failed: %+v", res)
	}
	if got := done(); got.tokens < 2 || got.shown != res.Output || !res.Streamed || !got.completed {
		t.Fatalf("answer not streamed in pieces before the completion: %+v", got)
	}
	if res.LLMCalls != 2 || res.Model != "m-nano" || res.Tier.String() != "nano" || res.CompletionTokens < 20 {
		t.Fatalf("usage not reported: calls=%d model=%q tier=%s tokens=%d/%d", res.LLMCalls, res.Model, res.Tier, res.PromptTokens, res.CompletionTokens)
	}
	if res.CostUSD <= 0 {
		t.Fatalf("cost not computed from the price table: %v", res.CostUSD)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 2 || reqs[0].Chat.ResponseFormat == nil || reqs[0].Chat.ResponseFormat.Type != "json_object" || !reqs[1].Chat.Stream {
		t.Fatalf("want a JSON classifier call then a streamed answer, got %d requests", len(reqs))
	}
	a := f.audit(t)
	last := a[len(a)-1]
	if last.LLMCalls != 2 || last.Model != "m-nano" || last.CostUSD != res.CostUSD || last.PromptTokens != res.PromptTokens {
		t.Fatalf("audit does not carry the turn's usage: %+v", last)
	}
	// The next deterministic turn is charged nothing (spec defect 14).
	res = f.k.Run(context.Background(), kernel.Request{Input: "!echo hi", Source: kernel.SourceCLI})
	a = f.audit(t)
	if last := a[len(a)-1]; last.CostUSD != 0 || last.PromptTokens != 0 || last.LLMCalls != 0 {
		t.Fatalf("a shell turn was charged: %+v", last)
	}
}

func TestModelFallbackMidStream(t *testing.T) {
	primary, backup := providertest.New(t), providertest.New(t)
	toml := "[providers.primary]\nbase_url = \"" + primary.URL() + "\"\n[providers.backup]\nbase_url = \"" + backup.URL() + "\"\n" +
		"[tiers.nano]\nprovider = \"primary\"\nmodel = \"m\"\n"
	f := modelFixture(t, toml)
	answer := "The answer arrives whole from the backup provider, once."
	// The primary classifies, then dies in the middle of every answer.
	primary.Script(classifiedAs("chat"))
	primary.SetDefault(providertest.Reply{Content: "The answer starts on the primary and then", DropAfter: 3})
	backup.SetDefault(providertest.Reply{Content: answer})

	done := follow(t, f.k.Bus(), "fallback", nil)
	res := f.k.Run(context.Background(), kernel.Request{TurnID: "fallback", Input: "explain something", Source: kernel.SourceCLI})
	if !res.Success || res.Output != answer {
		t.Fatalf("want the backup's answer, got %+v", res)
	}
	if got := done(); got.resets < 1 || got.shown != answer || !got.completed {
		t.Fatalf("after %d resets the screen shows %q, want %q once", got.resets, got.shown, answer)
	}
	a := f.audit(t)
	if got := a[len(a)-1].Providers; got != "primary,backup" {
		t.Fatalf("audit providers = %q, want both named", got)
	}
}

func TestModelDailyBudgetRefusesBeforeSending(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "[prices.\"m-nano\"]\ninput = 1\noutput = 1\n",
		"MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_DAILY_BUDGET_USD=0.01")
	// $0.0095 already spent today: the next call's estimate crosses $0.01.
	if err := f.db.RecordUsage(context.Background(), store.UsageRecord{Model: "m-nano", CostUSD: 0.0095}); err != nil {
		t.Fatal(err)
	}
	res := f.k.Run(context.Background(), kernel.Request{Input: "tell me a joke", Source: kernel.SourceCLI})
	if res.Success || !strings.Contains(res.Error, "daily budget") || !strings.Contains(res.Error, "nothing was sent") {
		t.Fatalf("want a refusal naming the daily budget, got %+v", res)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests reached the provider", n)
	}
}

func TestModelHugePasteNeverSentWhole(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=small-8k", "MACROA_MODEL_HAIKU=small-8k",
		"MACROA_MODEL_SONNET=small-8k", "MACROA_MODEL_OPUS=small-8k")
	srv.Handle(func(r providertest.Recorded) providertest.Reply { return classifiedAs("chat") })
	paste := "summarise this: " + strings.Repeat("lorem ipsum ", 70_000) // about 200,000 tokens
	res := f.k.Run(context.Background(), kernel.Request{Input: paste, Source: kernel.SourceCLI})
	for _, r := range srv.ChatRequests() {
		if len(r.Body) > 8192*4 {
			t.Fatalf("a %d-byte request was sent to an 8k-token model", len(r.Body))
		}
	}
	if res.Success || !strings.Contains(res.Error, "window") {
		t.Fatalf("want a clear refusal about the context window, got success=%v error=%q", res.Success, res.Error)
	}
}

func TestModelCancelKeepsPartialAnswer(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	srv.Script(classifiedAs("chat"), providertest.Reply{
		Chunks: []string{"first ", "second ", "third ", "fourth"}, ChunkDelay: 150 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	done := follow(t, f.k.Bus(), "slow", func(shown string) {
		if strings.Contains(shown, "second") {
			once.Do(cancel)
		}
	})
	res := f.k.Run(ctx, kernel.Request{TurnID: "slow", Input: "count slowly", Session: "s", Source: kernel.SourceREPL})
	if got := done(); !strings.HasPrefix(got.shown, "first second") || !strings.HasPrefix(res.Output, got.shown) {
		t.Fatalf("shown %q while the answer kept is %q: want the same partial answer", got.shown, res.Output)
	}
	if res.Success || !res.Cancelled || !strings.HasPrefix(res.Output, "first second") {
		t.Fatalf("want the partial answer marked cancelled, got %+v", res)
	}
	// The marker is the field's to carry, not the output's; the whole
	// answer a person sees still ends with it.
	if strings.Contains(res.Output, kernel.CancelledMarker) || res.Transcript() != res.Output+"\n"+kernel.CancelledMarker {
		t.Fatalf("output %q, transcript %q: want the marker only in the transcript", res.Output, res.Transcript())
	}
	sess, _, _ := f.db.SessionByName(context.Background(), "s")
	entries, _ := f.db.RecentEntries(context.Background(), sess.ID, 0)
	if len(entries) != 2 || entries[1].Content != res.Transcript()+"\nError: "+res.Error {
		t.Fatalf("the session did not keep the partial answer as shown, marker and error included: %+v", entries)
	}
}

func TestModelClassifierPicksDeterministicSkill(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	srv.Script(providertest.Reply{Content: "```json\n" + `{"skill":"shell","parameters":{"command":"echo from-classifier"},"confidence":0.95}` + "\n```"})
	res := f.k.Run(context.Background(), kernel.Request{Input: "show me a greeting from the shell please", Source: kernel.SourceCLI})
	if !res.Success || res.Output != "from-classifier" || res.Skill != "shell" || res.Route != "classifier" || res.LLMCalls != 1 {
		t.Fatalf("got %+v", res)
	}
}

func TestModelMemoryMissFallsToChat(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	srv.Script(providertest.Reply{Content: "I can't see your IP address from here."})
	res := f.k.Run(context.Background(), kernel.Request{Input: "what is my IP address", Source: kernel.SourceCLI})
	if !res.Success || res.Skill != "chat" || res.LLMCalls != 1 || !strings.Contains(res.Output, "IP address") {
		t.Fatalf("a memory miss should go to chat (no classifier call): %+v", res)
	}
}

func TestModelEscalates(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku")
	srv.Script(classifiedAs("chat"), providertest.Reply{Content: "[[ESCALATE]] this needs more thought"},
		providertest.Reply{Content: "A considered answer."})
	var all strings.Builder // every token, resets or not
	done := follow(t, f.k.Bus(), "sky", func(shown string) { all.WriteString(shown + "|") })
	res := f.k.Run(context.Background(), kernel.Request{TurnID: "sky", Input: "why is the sky blue", Source: kernel.SourceCLI})
	if !res.Success || res.Output != "A considered answer." || res.Tier.String() != "haiku" || res.Model != "m-haiku" {
		t.Fatalf("want the haiku answer after one escalation, got %+v", res)
	}
	if got := done(); strings.Contains(all.String(), "ESCALATE") || got.shown != res.Output {
		t.Fatalf("the screen showed %q, ending with %q: want no marker, then the answer", all.String(), got.shown)
	}
}

func TestModelProviderErrorIsOneSentence(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	srv.SetDefault(providertest.Reply{Status: 401, Error: "invalid api key"})
	res := f.k.Run(context.Background(), kernel.Request{Input: "tell me a joke", Source: kernel.SourceCLI})
	if res.Success || strings.Contains(res.Error, "\n") || !strings.Contains(res.Error, "MACROA_API_KEY") {
		t.Fatalf("want one sentence naming the key setting, got %q", res.Error)
	}
}

// A long session's old turns are summarised into an episode, and the
// summary reaches later chat prompts.
func TestModelCompactsLongSessions(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_CONTEXT_WINDOW=2")
	srv.Handle(func(r providertest.Recorded) providertest.Reply {
		sys := r.Chat.Messages[0].Content
		switch {
		case strings.Contains(sys, "intent router"), strings.Contains(sys, `"skill"`):
			return classifiedAs("chat")
		case strings.Contains(sys, "Summarise this part of a conversation"):
			return providertest.Reply{Content: "The user asked about gophers and got answers."}
		}
		return providertest.Reply{Content: "an answer"}
	})
	for i := range 7 {
		res := f.k.Run(context.Background(), kernel.Request{Input: "question about gophers number " + string(rune('a'+i)), Session: "long", Source: kernel.SourceREPL})
		if !res.Success {
			t.Fatalf("turn %d: %+v", i, res)
		}
	}
	sess, _, _ := f.db.SessionByName(context.Background(), "long")
	eps, err := f.db.RecentEpisodes(context.Background(), sess.ID, 10)
	if err != nil || len(eps) != 1 || !strings.Contains(eps[0].Summary, "gophers") {
		t.Fatalf("episodes = %+v (%v)", eps, err)
	}
	answers := answerRequests(srv)
	lastSys := answers[len(answers)-1].Chat.Messages[0].Content
	if !strings.Contains(lastSys, "Earlier in this conversation") || !strings.Contains(lastSys, "asked about gophers") {
		t.Fatalf("the episode did not reach the chat prompt:\n%s", lastSys)
	}
	// The window holds 2 turns: the last chat call carries 4 history messages + system + input.
	if n := len(answers[len(answers)-1].Chat.Messages); n != 6 {
		t.Fatalf("last chat call had %d messages, want 6", n)
	}
}

// The classifier hands a task to the agent: a read-only command runs, a
// destructive one waits for approval and is refused without it, and every
// tool call has its own audit entry.
func TestModelAgentRunsToolsAndAuditsThem(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	marker := filepath.Join(f.dir, "deleted-marker")
	srv.Script(
		classifiedAs("agent"),
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: `{"command":"echo disk-report"}`}}},
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c2", Name: "run_command", Arguments: `{"command":"touch ` + marker + `"}`}}},
		providertest.Reply{Content: "The disk report says disk-report; I was not allowed to create the marker."},
	)
	q := queueOver(t, f.db)
	res := f.k.Run(context.Background(), kernel.Request{Input: "find out why the disk is full", Source: kernel.SourceCLI,
		Ask: q.Asker(approvalstest.Reject)})
	if !res.Success || res.Skill != "agent" || !strings.Contains(res.Output, "disk-report") {
		t.Fatalf("agent run: %+v", res)
	}
	asked := q.Asked()
	if len(asked) != 1 || asked[0].Summary != "touch "+marker || asked[0].Proposer != "agent" || asked[0].TurnID != res.TurnID {
		t.Fatalf("want one approval request for the touch, got %+v", asked)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a refused command ran")
	}
	var tools []store.AuditEntry
	for _, e := range f.audit(t) {
		if e.Route == "agent-tool" {
			tools = append(tools, e)
		}
	}
	if len(tools) != 2 || !tools[0].Success || tools[1].Success || !strings.Contains(tools[1].Error, "did not approve") ||
		tools[0].TurnID != res.TurnID {
		t.Fatalf("tool calls not audited as expected: %+v", tools)
	}
	// The tool result reached the model on the next round.
	reqs := srv.ChatRequests()
	second := reqs[2].Chat.Messages
	if last := second[len(second)-1]; last.Role != "tool" || !strings.Contains(last.Content, "disk-report") {
		t.Fatalf("round 2 did not carry the tool output: %+v", last)
	}
}

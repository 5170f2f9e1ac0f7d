package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

const twoSteps = `{"is_complex":true,"steps":[{"subtask":"research X","tier":"nano"},{"subtask":"write the report","tier":"sonnet"}]}`

func TestPlanLengthThreshold(t *testing.T) {
	srv, caller := newModel(t)
	srv.SetDefault(providertest.Reply{Content: twoSteps})
	p := &Planner{Caller: caller}

	short := strings.Repeat("a", 79)
	if _, ok, err := p.Plan(context.Background(), short); ok || err != nil {
		t.Fatalf("79 characters: plan=%v err=%v", ok, err)
	}
	if n := len(srv.ChatRequests()); n != 0 {
		t.Fatalf("79 characters made %d calls, want none", n)
	}

	long := strings.Repeat("b", 80)
	plan, ok, err := p.Plan(context.Background(), long)
	if !ok || err != nil {
		t.Fatalf("80 characters: plan=%v err=%v", ok, err)
	}
	if len(plan.Steps) != 2 || plan.Steps[0] != (Step{"research X", tier.Nano}) || plan.Steps[1] != (Step{"write the report", tier.Sonnet}) {
		t.Errorf("plan = %+v", plan)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d calls, want 1", len(reqs))
	}
	ch := reqs[0].Chat
	if ch.Model != "m-nano" || ch.Temperature == nil || *ch.Temperature != 0 || ch.ResponseFormat == nil || ch.ResponseFormat.Type != "json_object" {
		t.Errorf("request = model %q temperature %v format %+v", ch.Model, ch.Temperature, ch.ResponseFormat)
	}
	if len(ch.Messages) != 2 || ch.Messages[0].Role != "system" || !strings.Contains(ch.Messages[0].Content, "ATOMIC") {
		t.Fatalf("messages = %+v", ch.Messages)
	}
	if ch.Messages[1].Role != "user" || ch.Messages[1].Content != long {
		t.Errorf("user message = %+v, want the input only", ch.Messages[1])
	}
}

func TestPlanAnswers(t *testing.T) {
	long := "research the three most popular Go web frameworks and then write a comparison report for my team"
	seven := `{"is_complex":true,"steps":[` +
		`{"subtask":"s1","tier":"nano"},{"subtask":"s2","tier":"haiku"},{"subtask":"s3","tier":"sonnet"},` +
		`{"subtask":"s4","tier":"opus"},{"subtask":"s5","tier":"wizard"},{"subtask":"s6"},{"subtask":"s7"}]}`
	tests := []struct {
		name    string
		reply   providertest.Reply
		steps   int
		tiers   []tier.Tier
		wantErr bool
	}{
		{name: "seven steps keep five", reply: providertest.Reply{Content: seven}, steps: 5,
			tiers: []tier.Tier{tier.Nano, tier.Haiku, tier.Sonnet, tier.Opus, tier.Haiku}},
		{name: "fenced", reply: providertest.Reply{Content: "```json\n" + twoSteps + "\n```"}, steps: 2, tiers: []tier.Tier{tier.Nano, tier.Sonnet}},
		{name: "atomic", reply: providertest.Reply{Content: `{"is_complex":false,"steps":[]}`}},
		{name: "one step", reply: providertest.Reply{Content: `{"is_complex":true,"steps":[{"subtask":"all of it","tier":"haiku"}]}`}},
		{name: "top-level array", reply: providertest.Reply{Content: `[{"subtask":"a"},{"subtask":"b"}]`}, wantErr: true},
		{name: "null", reply: providertest.Reply{Content: `null`}, wantErr: true},
		{name: "garbage", reply: providertest.Reply{Content: `Sure, I can help with that!`}, wantErr: true},
		{name: "call fails", reply: providertest.Reply{Status: 500, Error: "down"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, caller := newModel(t)
			srv.Script(tc.reply)
			plan, ok, err := (&Planner{Caller: caller}).Plan(context.Background(), long)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if ok != (tc.steps > 0) || len(plan.Steps) != tc.steps {
				t.Fatalf("plan = %+v ok=%v, want %d steps", plan, ok, tc.steps)
			}
			for i, want := range tc.tiers {
				if plan.Steps[i].Tier != want {
					t.Errorf("step %d tier = %s, want %s", i, plan.Steps[i].Tier, want)
				}
			}
			if len(srv.ChatRequests()) != 1 {
				t.Errorf("%d calls, want 1", len(srv.ChatRequests()))
			}
		})
	}
}

// Steps run in order at their tiers through the model, each seeing the
// earlier results; a failed step is reported in the later steps' context.
func TestExecutePassesContext(t *testing.T) {
	srv, caller := newModel(t)
	srv.Handle(func(r providertest.Recorded) providertest.Reply {
		user := r.Chat.Messages[len(r.Chat.Messages)-1].Content
		switch {
		case strings.HasPrefix(user, "find the facts"):
			return providertest.Reply{Content: "fact: Go 1.26 shipped"}
		case strings.HasPrefix(user, "check the facts"):
			return providertest.Reply{Status: 400, Error: "malformed request"}
		default:
			return providertest.Reply{Content: "report written"}
		}
	})
	plan := Plan{Steps: []Step{{"find the facts", tier.Nano}, {"check the facts", tier.Haiku}, {"write it up", tier.Sonnet}}}
	run := func(ctx context.Context, subtask string, t tier.Tier) (string, error) {
		res, err := caller.Call(ctx, providers.Call{Tier: t, Request: providers.Request{
			Messages: []providers.Message{{Role: providers.RoleUser, Content: subtask}},
		}})
		return res.Content, err
	}
	results := Execute(context.Background(), plan, run)
	if len(results) != 3 {
		t.Fatalf("%d results", len(results))
	}
	if results[0].Output != "fact: Go 1.26 shipped" || results[0].Err != nil {
		t.Errorf("step 1 = %+v", results[0])
	}
	if results[1].Err == nil || !strings.HasPrefix(results[1].Output, "[step failed: ") || !strings.HasSuffix(results[1].Output, "]") {
		t.Errorf("step 2 = %+v", results[1])
	}
	if results[2].Output != "report written" {
		t.Errorf("step 3 = %+v", results[2])
	}

	reqs := srv.ChatRequests()
	if len(reqs) != 3 {
		t.Fatalf("%d calls, want 3", len(reqs))
	}
	for i, want := range []string{"m-nano", "m-haiku", "m-sonnet"} {
		if reqs[i].Chat.Model != want {
			t.Errorf("step %d ran on %s, want %s", i+1, reqs[i].Chat.Model, want)
		}
	}
	if got := reqs[0].Chat.Messages[0].Content; got != "find the facts" {
		t.Errorf("step 1 input = %q, want the subtask alone", got)
	}
	want2 := "check the facts\n\n[Context from prior steps]\nPrevious step (find the facts):\nfact: Go 1.26 shipped"
	if got := reqs[1].Chat.Messages[0].Content; got != want2 {
		t.Errorf("step 2 input =\n%q\nwant\n%q", got, want2)
	}
	want3 := "write it up\n\n[Context from prior steps]\nPrevious step (find the facts):\nfact: Go 1.26 shipped\n\n" +
		"Previous step (check the facts):\n" + results[1].Output
	if got := reqs[2].Chat.Messages[0].Content; got != want3 {
		t.Errorf("step 3 input =\n%q\nwant\n%q", got, want3)
	}
}

func TestExecuteStopsCallingAfterCancel(t *testing.T) {
	srv, caller := newModel(t)
	srv.SetDefault(providertest.Reply{Content: "ok"})
	ctx, cancel := context.WithCancel(context.Background())
	run := func(ctx context.Context, subtask string, t tier.Tier) (string, error) {
		res, err := caller.Call(ctx, providers.Call{Tier: t, Request: providers.Request{
			Messages: []providers.Message{{Role: providers.RoleUser, Content: subtask}},
		}})
		cancel() // the person pressed Ctrl-C during the first step
		return res.Content, err
	}
	results := Execute(ctx, Plan{Steps: []Step{{"a", tier.Nano}, {"b", tier.Nano}, {"c", tier.Nano}}}, run)
	if len(results) != 3 || results[0].Err != nil || !errors.Is(results[1].Err, context.Canceled) || !errors.Is(results[2].Err, context.Canceled) {
		t.Fatalf("results = %+v", results)
	}
	if n := len(srv.ChatRequests()); n != 1 {
		t.Errorf("%d calls after cancel, want 1", n)
	}
}

func TestCombine(t *testing.T) {
	steps := []StepResult{
		{Step: Step{Subtask: "research X"}, Output: "X is fast"},
		{Step: Step{Subtask: "write the report"}, Output: "Report: X"},
	}
	srv, caller := newModel(t)
	srv.Script(providertest.Reply{Content: "X is fast; here is the report."})
	out, res, err := Combine(context.Background(), caller, "research X and report", steps)
	if err != nil || out != "X is fast; here is the report." {
		t.Fatalf("Combine = %q, %v", out, err)
	}
	if res.Tier != tier.Haiku {
		t.Errorf("result tier = %s", res.Tier)
	}
	ch := srv.ChatRequests()[0].Chat
	if ch.Model != "m-haiku" || ch.Temperature == nil || *ch.Temperature != 0.2 {
		t.Errorf("model %q temperature %v, want haiku at 0.2", ch.Model, ch.Temperature)
	}
	if ch.ResponseFormat != nil {
		t.Errorf("the combiner asked for JSON: %+v", ch.ResponseFormat)
	}
	if len(ch.Messages) != 2 || !strings.Contains(ch.Messages[0].Content, "Do not mention steps") {
		t.Fatalf("messages = %+v", ch.Messages)
	}
	wantUser := "Original request: research X and report\n\nSubtask results:\n[research X]\nX is fast\n\n[write the report]\nReport: X"
	if ch.Messages[1].Content != wantUser {
		t.Errorf("user message =\n%q\nwant\n%q", ch.Messages[1].Content, wantUser)
	}
}

func TestCombineFailureJoinsOutputs(t *testing.T) {
	steps := []StepResult{
		{Step: Step{Subtask: "a"}, Output: "out a"},
		{Step: Step{Subtask: "b"}, Output: "[step failed: boom]"},
		{Step: Step{Subtask: "c"}, Output: "out c"},
	}
	for _, rep := range []providertest.Reply{{Status: 500, Error: "down"}, {Content: "   "}} {
		t.Run(fmt.Sprintf("status %d content %q", rep.Status, rep.Content), func(t *testing.T) {
			srv, caller := newModel(t)
			srv.Script(rep)
			out, _, err := Combine(context.Background(), caller, "do a, b and c", steps)
			if err == nil {
				t.Fatal("no error")
			}
			if want := "out a\n\n---\n\n[step failed: boom]\n\n---\n\nout c"; out != want {
				t.Errorf("fallback = %q, want %q", out, want)
			}
			if len(srv.ChatRequests()) != 1 {
				t.Errorf("%d calls", len(srv.ChatRequests()))
			}
		})
	}
}

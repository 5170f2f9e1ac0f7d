package kernel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers/providertest"
)

// corpus is a mix of requests as a person types them. deterministic marks
// the ones that must never reach a model.
var corpus = []struct {
	input         string
	deterministic bool
}{
	{"!df -h", true}, {"!uptime", true}, {"$ echo hello", true}, {"!ls /", true},
	{"remember my server IP is 10.0.0.1", true}, {"what is my server IP?", true}, {"whats my server ip", true},
	{"remember my editor is helix", true}, {"what's my editor", true}, {"forget my editor", true},
	{"list my memories", true}, {"search memory for server", true}, {"store my shell = zsh", true},
	{"read file ~/notes.txt", true}, {"write file ~/notes.txt: buy milk", true}, {"list directory ~", true},
	{"does file ~/notes.txt exist?", true}, {"run command uname -a", true}, {"execute command date", true},
	{"!echo think carefully", true}, {"!echo use the best model", true},
	{"tell me a joke", false}, {"explain the CAP theorem", false}, {"think carefully about retries", false},
	{"what is the weather like on Mars", false}, {"save my work is important", false},
	{"please execute the plan", false}, {"delete the old logs", false}, {"summarise the last release notes", false},
	{"write a haiku about tmux and then translate it into French and German for my team", false},
}

// TestCorpusDeterministicNeverCallsModel runs the corpus against a local
// provider: every deterministic request makes 0 model calls, and the model
// calls per request are logged (see BenchmarkCorpus for the figure).
func TestCorpusDeterministicNeverCallsModel(t *testing.T) {
	srv := providertest.New(t)
	f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL())
	srv.Handle(corpusReply)
	calls := 0
	for _, c := range corpus {
		before := len(srv.ChatRequests())
		res := f.k.Run(context.Background(), kernel.Request{Input: c.input, Source: kernel.SourceCLI})
		sent := len(srv.ChatRequests()) - before
		if sent != res.LLMCalls {
			t.Errorf("%q: result says %d model calls, the server saw %d", c.input, res.LLMCalls, sent)
		}
		if c.deterministic && sent != 0 {
			t.Errorf("%q is deterministic but made %d model calls", c.input, sent)
		}
		if !c.deterministic && sent == 0 {
			t.Errorf("%q needed a model but made no call (route %s)", c.input, res.Route)
		}
		calls += sent
	}
	t.Logf("%d requests, %d model calls: %.2f per request", len(corpus), calls, float64(calls)/float64(len(corpus)))
}

// BenchmarkCorpus reports model calls per request over the corpus.
func BenchmarkCorpus(b *testing.B) {
	srv := providertest.New(b)
	srv.Handle(corpusReply)
	for b.Loop() {
		// A fresh kernel each time: a warm response cache would hide calls.
		f := benchFixture(b, srv)
		calls, det := 0, 0
		for _, c := range corpus {
			res := f.Run(context.Background(), kernel.Request{Input: c.input, Source: kernel.SourceCLI})
			calls += res.LLMCalls
			if c.deterministic {
				det += res.LLMCalls
			}
		}
		b.ReportMetric(float64(calls)/float64(len(corpus)), "model-calls/req")
		b.ReportMetric(float64(det), "deterministic-model-calls")
	}
}

// corpusReply answers the classifier with chat, the planner with "atomic"
// and everything else with a short answer.
func corpusReply(r providertest.Recorded) providertest.Reply {
	sys := r.Chat.Messages[0].Content
	switch {
	case strings.Contains(sys, "intent router"):
		return providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`}
	case strings.Contains(sys, "is_complex"):
		return providertest.Reply{Content: `{"is_complex":false,"steps":[]}`}
	}
	return providertest.Reply{Content: "an answer"}
}

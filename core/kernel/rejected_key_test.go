package kernel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// A rejected key ends the run at once with the sentence naming the setting:
// the classifier does not try again on haiku, the chat does not escalate,
// nothing is retried, and the server sees no request after the rejection.
func TestRejectedKeyEndsTheRun(t *testing.T) {
	tests := []struct {
		name     string
		script   []providertest.Reply
		def      providertest.Reply
		wantSent int
		want     string
	}{
		{name: "401 to the classifier", def: providertest.Reply{Status: 401, Error: "Incorrect API key provided"},
			wantSent: 1, want: "default rejected the API key (HTTP 401): Incorrect API key provided; check MACROA_API_KEY"},
		{name: "403 to the classifier", def: providertest.Reply{Status: 403},
			wantSent: 1, want: "default refused access (HTTP 403): check MACROA_API_KEY"},
		{name: "invalid_api_key inside the chat stream",
			script:   []providertest.Reply{classifiedAs("chat")},
			def:      providertest.Reply{StreamError: "Incorrect API key provided", StreamErrorCode: "invalid_api_key"},
			wantSent: 2, want: "default rejected the API key: Incorrect API key provided; check MACROA_API_KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			f := modelFixture(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_API_KEY=sk-rejected",
				"MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku", "MACROA_MODEL_SONNET=m-sonnet", "MACROA_MODEL_OPUS=m-opus")
			srv.Script(tc.script...)
			srv.SetDefault(tc.def)
			res := f.k.Run(context.Background(), kernel.Request{Input: "tell me a joke", Source: kernel.SourceCLI})
			if res.Success || res.Error != tc.want {
				t.Fatalf("run: success=%v error %q; want %q", res.Success, res.Error, tc.want)
			}
			if strings.Contains(res.Error, "after it began to answer") {
				t.Errorf("error %q says the answer began", res.Error)
			}
			if n := len(srv.ChatRequests()); n != tc.wantSent {
				var models []string
				for _, r := range srv.ChatRequests() {
					models = append(models, r.Chat.Model)
				}
				t.Errorf("the server got %d requests (%v), want %d", n, models, tc.wantSent)
			}
		})
	}
}

// With nothing configured, a local server answers; its unpriced model costs
// nothing, so a spent daily budget does not stop it, and the run is charged
// $0.
func TestLocalServerIsFreeUnderASpentBudget(t *testing.T) {
	srv := providertest.New(t)
	srv.SetOllamaTags("llama3.2")
	srv.Script(classifiedAs("chat"), providertest.Reply{Content: "a local joke"})
	cfg, db, dir := openData(t, "", "MACROA_DAILY_BUDGET_USD=1")
	if err := db.RecordUsage(context.Background(), store.UsageRecord{Model: "anthropic/claude-haiku-4-5", CostUSD: 5}); err != nil {
		t.Fatal(err)
	}
	models := func(ctx context.Context) (providers.Caller, error) {
		return providers.FromConfigOrLocal(ctx, cfg, providers.NewLocalDetector(srv.Addr()))
	}
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir, Models: models})
	res := k.Run(context.Background(), kernel.Request{Input: "tell me a joke", Source: kernel.SourceCLI})
	if !res.Success || res.Output != "a local joke" || res.CostUSD != 0 {
		t.Fatalf("run: %+v; want the local answer at $0", res)
	}
	if n := len(srv.ChatRequests()); n != 2 {
		t.Errorf("the local server got %d chat requests, want 2 (classifier, answer)", n)
	}
}

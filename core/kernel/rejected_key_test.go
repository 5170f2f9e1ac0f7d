package kernel_test

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers/providertest"
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
			res := f.k.Run(context.Background(), kernel.Request{Input: "tell me a joke", Source: kernel.SourceCLI, OnText: func(string) {}})
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

package router

import (
	"testing"

	"github.com/macroa/macroa/core/tier"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
)

// tierModels are the model names the test gateway maps each tier to.
var tierModels = map[tier.Tier]string{
	tier.Nano: "m-nano", tier.Haiku: "m-haiku", tier.Sonnet: "m-sonnet", tier.Opus: "m-opus",
}

// newModel starts a providertest server and returns it with the gateway
// the core would use in front of it: one OpenAI-compatible provider, one
// model per tier, one attempt per call so failures are immediate.
func newModel(t *testing.T) (*providertest.Server, providers.Caller) {
	t.Helper()
	srv := providertest.New(t)
	prov := providers.NewOpenAI(providers.OpenAIConfig{Name: "p", BaseURL: srv.URL(), APIKey: "test-key"})
	tiers := map[tier.Tier][]providers.Route{}
	for tr, m := range tierModels {
		tiers[tr] = []providers.Route{{Provider: "p", Model: m}}
	}
	gw := providers.New(providers.Options{
		Providers:   map[string]providers.Provider{"p": prov},
		Tiers:       tiers,
		MaxAttempts: 1,
	})
	return srv, gw
}

// byModel answers each request with the reply for its model; a model
// without one gets a 500.
func byModel(replies map[string]providertest.Reply) func(providertest.Recorded) providertest.Reply {
	return func(r providertest.Recorded) providertest.Reply {
		if rep, ok := replies[r.Chat.Model]; ok {
			return rep
		}
		return providertest.Reply{Status: 500, Error: "no reply scripted for " + r.Chat.Model}
	}
}

// models lists the model of each chat request the server received.
func models(srv *providertest.Server) []string {
	var out []string
	for _, r := range srv.ChatRequests() {
		out = append(out, r.Chat.Model)
	}
	return out
}

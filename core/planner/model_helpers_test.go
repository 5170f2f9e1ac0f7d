package planner

import (
	"testing"

	"github.com/macroa/macroa/core/tier"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
)

var tierModels = map[tier.Tier]string{
	tier.Nano: "m-nano", tier.Haiku: "m-haiku", tier.Sonnet: "m-sonnet", tier.Opus: "m-opus",
}

// newModel starts a providertest server behind the gateway the core uses:
// one OpenAI-compatible provider, one model per tier, one attempt a call.
func newModel(t *testing.T) (*providertest.Server, providers.Caller) {
	t.Helper()
	srv := providertest.New(t)
	prov := providers.NewOpenAI(providers.OpenAIConfig{Name: "p", BaseURL: srv.URL(), APIKey: "test-key"})
	tiers := map[tier.Tier][]providers.Route{}
	for tr, m := range tierModels {
		tiers[tr] = []providers.Route{{Provider: "p", Model: m}}
	}
	return srv, providers.New(providers.Options{
		Providers:   map[string]providers.Provider{"p": prov},
		Tiers:       tiers,
		MaxAttempts: 1,
	})
}

// Package modeltest puts the real model layer (the gateway and the
// OpenAI-compatible client) in front of a providertest server, for the
// tests of packages that call models. Nothing in it is a fake: requests
// cross real HTTP on loopback.
package modeltest

import (
	"testing"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// TierModels are the model names New maps each tier to, so a test can tell
// from a request's model which tier asked.
var TierModels = map[tier.Tier]string{
	tier.Nano: "m-nano", tier.Haiku: "m-haiku", tier.Sonnet: "m-sonnet", tier.Opus: "m-opus",
}

// AllTiers maps every tier to one model.
func AllTiers(model string) map[tier.Tier]string {
	m := map[tier.Tier]string{}
	for _, t := range tier.All {
		m[t] = model
	}
	return m
}

// Gateway is the gateway the core uses, with one provider (named "p") at
// srv and the given model for each tier. opts may adjust the gateway's
// options (attempts, cache, timeouts) before it is built.
func Gateway(srv *providertest.Server, models map[tier.Tier]string, opts ...func(*providers.Options)) providers.Caller {
	prov := providers.NewOpenAI(providers.OpenAIConfig{Name: "p", BaseURL: srv.URL(), APIKey: "test-key"})
	o := providers.Options{Providers: map[string]providers.Provider{"p": prov}, Tiers: map[tier.Tier][]providers.Route{}}
	for t, m := range models {
		o.Tiers[t] = []providers.Route{{Provider: "p", Model: m}}
	}
	for _, f := range opts {
		f(&o)
	}
	return providers.New(o)
}

// OneAttempt makes every call a single attempt, so a scripted failure is
// seen at once rather than retried.
func OneAttempt(o *providers.Options) { o.MaxAttempts = 1 }

// New starts a test server and returns it with a gateway in front of it:
// TierModels, one attempt a call.
func New(t testing.TB) (*providertest.Server, providers.Caller) {
	t.Helper()
	srv := providertest.New(t)
	return srv, Gateway(srv, TierModels, OneAttempt)
}

package router

import (
	"testing"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/modeltest"
	"github.com/macroa/macroa/providers/providertest"
)

// tierModels are the model names the test gateway maps each tier to.
var tierModels = modeltest.TierModels

// newModel starts a providertest server behind the gateway the core uses.
func newModel(t *testing.T) (*providertest.Server, providers.Caller) {
	return modeltest.New(t)
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

package planner

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

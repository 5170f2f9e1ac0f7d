package app

import (
	"context"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
)

// LocalServer is the model server looked for on this machine when nothing
// is configured. The model layer, the cockpit's status bar, the REPL's
// banner and `macroa config` share what it finds.
func (a *App) LocalServer() *providers.LocalDetector { return a.local }

// modelFactory builds the model layer on first need: Options.Models when
// set, else the configured providers, else a local server when one
// answers, else ErrNotConfigured.
func (a *App) modelFactory(cfg *config.Config) kernel.ModelFactory {
	if a.opts.Models != nil {
		return a.opts.Models
	}
	local := a.local
	return func(ctx context.Context) (providers.Caller, error) {
		return modelsFrom(ctx, cfg, local)
	}
}

// modelsFrom builds the configured providers, or a gateway to the local
// server d finds (Ollama, or any OpenAI-compatible server on its port) when
// nothing is configured. Tiers whose model was not set use its first model.
func modelsFrom(ctx context.Context, cfg *config.Config, d *providers.LocalDetector) (providers.Caller, error) {
	gw, err := providers.FromConfigOrLocal(ctx, cfg, d)
	if err != nil {
		return nil, err // never a nil *Gateway inside a non-nil Caller
	}
	return gw, nil
}

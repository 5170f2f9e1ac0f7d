package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/macroa/macroa/core/config"
	"github.com/macroa/macroa/core/tier"
	"github.com/macroa/macroa/providers"
)

// modelFactory builds the model layer on first need: the configured
// providers, else a local Ollama when one answers, else ErrNotConfigured.
func modelFactory(cfg *config.Config) func(ctx context.Context) (providers.Caller, error) {
	return func(ctx context.Context) (providers.Caller, error) {
		gw, err := providers.FromConfig(cfg)
		if err == nil {
			return gw, nil
		}
		if !errors.Is(err, providers.ErrNotConfigured) {
			return nil, err
		}
		return ollamaGateway(ctx, cfg, providers.DefaultOllamaAddr)
	}
}

// ollamaGateway uses a local Ollama when nothing else is configured. Tiers
// whose model was not set explicitly use the first model Ollama has.
func ollamaGateway(ctx context.Context, cfg *config.Config, addr string) (providers.Caller, error) {
	if !providers.DetectOllama(ctx, addr, 0) {
		return nil, providers.ErrNotConfigured
	}
	names, err := providers.OllamaModels(ctx, addr, 0)
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("a local Ollama answers at %s but has no models: pull one (ollama pull llama3.2) or set OPENROUTER_API_KEY", addr)
	}
	local := *cfg
	local.BaseURL = addr + "/v1"
	local.Models = map[tier.Tier]string{}
	for _, t := range tier.All {
		local.Models[t] = cfg.Models[t]
		if cfg.Source("MACROA_MODEL_"+upperTier(t)) == "default" {
			local.Models[t] = names[0]
		}
	}
	return providers.FromConfig(&local)
}

func upperTier(t tier.Tier) string {
	return map[tier.Tier]string{tier.Nano: "NANO", tier.Haiku: "HAIKU", tier.Sonnet: "SONNET", tier.Opus: "OPUS"}[t]
}

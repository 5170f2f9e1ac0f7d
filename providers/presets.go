package providers

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/tier"
)

// OpenRouterURL is OpenRouter's OpenAI-compatible endpoint.
const OpenRouterURL = "https://openrouter.ai/api/v1"

// openRouterURL is where the "openrouter" preset sends; tests point it at a
// local server to check what goes on the wire.
var openRouterURL = OpenRouterURL

// FromConfig builds the Gateway the settings describe:
//
//   - "openrouter" when OPENROUTER_API_KEY is set, sending the HTTP-Referer
//     and X-Title headers OpenRouter uses to attribute traffic;
//   - "default" when MACROA_BASE_URL is set, with MACROA_API_KEY;
//   - every config.toml [providers.X].
//
// Each tier goes to its [tiers.T] provider and model when set, else to the
// usual provider (the same choice Describe reports) and the tier's model.
// The fallback chain is that provider first, then every other configured
// provider asked for the same model name. It returns ErrNotConfigured when
// no provider is configured.
func FromConfig(cfg *config.Config) (*Gateway, error) {
	provs := map[string]Provider{}
	var order []string // the usual choice first; see Describe
	if cfg.BaseURL != "" {
		provs[config.BuiltinDefault] = NewOpenAI(OpenAIConfig{
			Name: config.BuiltinDefault, BaseURL: cfg.BaseURL, APIKey: cfg.APIKey, Timeout: cfg.NetworkTimeout,
		})
		order = append(order, config.BuiltinDefault)
	}
	if cfg.OpenRouterKey != "" {
		provs[config.BuiltinOpenRouter] = NewOpenAI(OpenAIConfig{
			Name: config.BuiltinOpenRouter, BaseURL: openRouterURL, APIKey: cfg.OpenRouterKey,
			Headers: map[string]string{"HTTP-Referer": cfg.HTTPReferer, "X-Title": cfg.AppTitle},
			Timeout: cfg.NetworkTimeout,
		})
		order = append(order, config.BuiltinOpenRouter)
	}
	names := make([]string, 0, len(cfg.File.Providers))
	for name := range cfg.File.Providers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := cfg.File.Providers[name]
		timeout := time.Duration(p.Timeout)
		if timeout <= 0 {
			timeout = cfg.NetworkTimeout
		}
		hint := "" // NewOpenAI names the config.toml keys
		if p.APIKeyEnv != "" {
			hint = p.APIKeyEnv // the variable a person would fix
		}
		provs[name] = NewOpenAI(OpenAIConfig{
			Name: name, BaseURL: string(p.BaseURL), APIKey: cfg.ProviderAPIKey(name), Timeout: timeout, KeyHint: hint,
		})
		order = append(order, name)
	}
	if len(order) == 0 {
		return nil, ErrNotConfigured
	}

	tiers := make(map[tier.Tier][]Route, len(tier.All))
	for _, t := range tier.All {
		primary, model := order[0], cfg.Models[t]
		if r, ok := cfg.File.Tier(t); ok {
			if r.Provider != "" {
				primary = r.Provider
			}
			if r.Model != "" {
				model = r.Model
			}
		}
		if _, ok := provs[primary]; !ok {
			return nil, fmt.Errorf("tiers.%s uses provider %q, which is not configured: %s", t, primary, howToConfigure(primary))
		}
		if model == "" {
			return nil, fmt.Errorf("the %s tier has no model: set MACROA_MODEL_%s or [tiers.%s] model", t, strings.ToUpper(t.String()), t)
		}
		routes := []Route{{Provider: primary, Model: model}}
		for _, name := range order {
			if name != primary {
				routes = append(routes, Route{Provider: name, Model: model})
			}
		}
		tiers[t] = routes
	}
	return New(Options{Providers: provs, Tiers: tiers}), nil
}

// howToConfigure says how to make a built-in provider name usable.
func howToConfigure(name string) string {
	switch name {
	case config.BuiltinOpenRouter:
		return "set OPENROUTER_API_KEY"
	case config.BuiltinDefault:
		return "set MACROA_BASE_URL"
	}
	return fmt.Sprintf("define [providers.%s] in config.toml", name)
}

// DefaultOllamaAddr is where a local Ollama listens unless told otherwise.
const DefaultOllamaAddr = "http://127.0.0.1:11434"

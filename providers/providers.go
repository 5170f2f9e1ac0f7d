// Package providers connects Macroa to language models: any
// OpenAI-compatible endpoint (OpenRouter, Ollama, llama.cpp, vLLM, OpenAI)
// behind one small interface, with the tier-to-model map.
package providers

import (
	"errors"
	"fmt"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/tier"
)

// ErrNotConfigured is the answer to a request that needs a model when none
// is configured. It is one sentence a person can act on.
var ErrNotConfigured = errors.New("this request needs a language model and none is configured: set OPENROUTER_API_KEY, or MACROA_BASE_URL for a local Ollama, llama.cpp or vLLM server (see `macroa config`)")

// Summary describes the configured provider for a status line: its name and
// the model each tier maps to, or why there is none.
type Summary struct {
	Configured bool
	Local      bool   // nothing is configured, but a local server answers (see DescribeLocal)
	Provider   string // "openrouter", "custom (http://...)", a config.toml provider name, or a local server's label
	Models     map[tier.Tier]string
	Hint       string // how to configure one, when none is
}

// Describe summarises the provider settings in cfg without contacting it.
func Describe(cfg *config.Config) Summary {
	s := Summary{Models: cfg.Models}
	switch {
	case cfg.BaseURL != "":
		s.Configured, s.Provider = true, fmt.Sprintf("custom (%s)", config.MaskURL(cfg.BaseURL))
	case cfg.OpenRouterKey != "":
		s.Configured, s.Provider = true, "openrouter"
	case len(cfg.File.Providers) > 0:
		s.Configured = true
		for name := range cfg.File.Providers {
			if s.Provider == "" || name < s.Provider {
				s.Provider = name
			}
		}
	default:
		s.Provider = "none"
		s.Hint = "set OPENROUTER_API_KEY, or MACROA_BASE_URL for Ollama, llama.cpp or vLLM"
	}
	return s
}

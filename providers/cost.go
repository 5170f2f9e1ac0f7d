package providers

import (
	"strings"

	"github.com/macroa/macroa/config"
)

// DefaultPrices are list prices in US dollars per million tokens for the
// default tier models. They are used only when a provider does not report a
// call's cost itself (OpenRouter does); config.toml [prices] overrides them.
var DefaultPrices = map[string]config.Price{
	"google/gemini-2.5-flash-lite": {Input: 0.10, Output: 0.40},
	"anthropic/claude-haiku-4-5":   {Input: 1.00, Output: 5.00},
	"anthropic/claude-sonnet-4-6":  {Input: 3.00, Output: 15.00},
	"anthropic/claude-opus-4-6":    {Input: 5.00, Output: 25.00},
}

// PriceTable finds a model's price.
type PriceTable map[string]config.Price

// NewPriceTable merges the defaults with configured prices (which win).
func NewPriceTable(configured map[string]config.Price) PriceTable {
	t := make(PriceTable, len(DefaultPrices)+len(configured))
	for m, p := range DefaultPrices {
		t[m] = p
	}
	for m, p := range configured {
		t[m] = p
	}
	return t
}

// Lookup returns the price of model, trying the id as given and without an
// "openrouter/" prefix; ok is false for an unpriced model.
func (t PriceTable) Lookup(model string) (config.Price, bool) {
	if p, ok := t[model]; ok {
		return p, true
	}
	p, ok := t[strings.TrimPrefix(model, "openrouter/")]
	return p, ok
}

// Cost is what the given tokens cost on model (0 when unpriced).
func (t PriceTable) Cost(model string, prompt, completion int64) float64 {
	p, ok := t.Lookup(model)
	if !ok {
		return 0
	}
	return (float64(prompt)*p.Input + float64(completion)*p.Output) / 1e6
}

// EstimateTokens approximates the prompt tokens of a request: about four
// characters a token plus a few per message. It is an approximation (no
// tokenizer), deliberately on the high side for budgets.
func EstimateTokens(req Request) int64 {
	var chars int64
	for _, m := range req.Messages {
		chars += int64(len(m.Content)) + 16
		for _, tc := range m.ToolCalls {
			chars += int64(len(tc.Name) + len(tc.Arguments))
		}
	}
	for _, tl := range req.Tools {
		chars += int64(len(tl.Name) + len(tl.Description) + len(tl.Parameters))
	}
	return (chars + 3) / 4
}

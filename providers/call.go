package providers

import (
	"context"

	"github.com/macroa/macroa/tier"
)

// Priority orders calls waiting for a provider: a person's request goes
// before the autonomy loop's, which goes before batch work.
type Priority int

const (
	Interactive Priority = iota
	Autonomous
	Batch
)

// Call is what the core asks of the model layer: an answer at a tier.
type Call struct {
	Tier     tier.Tier
	Request  Request // Model is filled from the tier map when empty
	Priority Priority
	Session  string // for per-session budgets and usage; "" for none
	// OnDelta, when set, streams the answer's text as it arrives.
	OnDelta func(text string)
	// OnReset is called when a retry or fallback discards text already
	// passed to OnDelta, so a front end can clear it and nothing shows twice.
	OnReset func()
}

// Result is a finished Call.
type Result struct {
	Response
	Provider  string    // the provider that answered
	Tier      tier.Tier // the tier that answered (may be higher than asked, see the context guard)
	Attempts  int       // calls sent, retries and fallbacks included
	Providers []string  // every provider tried, in order
	Cached    bool      // served from the response cache; nothing was sent
	// LocalPrices is set when an auto-detected local server answered: the
	// call is priced by these (config.toml [prices]) alone, free when the
	// model is not among them.
	LocalPrices PriceTable
}

// Caller is the model layer as the core sees it.
type Caller interface {
	Call(ctx context.Context, c Call) (Result, error)
}

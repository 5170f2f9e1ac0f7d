package kernel

import (
	"context"
	"time"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
)

// Ledger keeps model spending in the store, for budgets and `macroa usage`.
type Ledger struct {
	DB     *store.DB
	Source string
}

// SpentSince sums spending from since on (one session's, or everyone's).
func (l Ledger) SpentSince(ctx context.Context, since time.Time, session string) (float64, error) {
	return l.DB.SpentSince(ctx, since, session)
}

// Record stores one call's spending.
func (l Ledger) Record(ctx context.Context, e providers.UsageEntry) error {
	return l.DB.RecordUsage(ctx, store.UsageRecord{
		Time: e.Time, Session: e.Session, Source: l.Source, Tier: e.Tier.String(),
		Provider: e.Provider, Model: e.Model, PromptTokens: e.PromptTokens,
		CompletionTokens: e.CompletionTokens, CostUSD: e.CostUSD, Cached: e.Cached, Estimated: e.Estimated,
	})
}

package providers

import (
	"context"
	"fmt"
	"time"

	"github.com/macroa/macroa/tier"
)

// Limits are spending caps in US dollars; 0 means unlimited.
type Limits struct {
	SessionUSD, DailyUSD, MonthlyUSD float64
	// Downgrade moves a request that would break a cap to the nano tier
	// when that still fits, instead of refusing it.
	Downgrade bool
}

// UsageEntry is one call's spending, as the ledger stores it.
type UsageEntry struct {
	Time             time.Time
	Session          string
	Tier             tier.Tier
	Provider, Model  string
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
	Cached           bool
	Estimated        bool // the token counts are an estimate: the provider sent none
}

// Ledger records spending and sums it (the store, in the binary).
type Ledger interface {
	SpentSince(ctx context.Context, since time.Time, session string) (float64, error)
	Record(ctx context.Context, e UsageEntry) error
}

// BudgetError refuses a request that would break a cap. Nothing was sent.
type BudgetError struct {
	Scope    string // "session", "daily" or "monthly"
	LimitUSD float64
	SpentUSD float64
	Estimate float64 // what the request would probably have cost
}

func (e *BudgetError) Error() string {
	how := map[string]string{
		"session": "raise MACROA_SESSION_BUDGET_USD or start another session",
		"daily":   "raise MACROA_DAILY_BUDGET_USD or wait until tomorrow",
		"monthly": "raise MACROA_MONTHLY_BUDGET_USD or wait until next month",
	}[e.Scope]
	return fmt.Sprintf("the %s budget of $%.4f would be exceeded ($%.4f spent, this request about $%.4f), so nothing was sent: %s",
		e.Scope, e.LimitUSD, e.SpentUSD, e.Estimate, how)
}

// BudgetWarning says spending in a scope crossed 80% of its cap.
type BudgetWarning struct {
	Scope    string
	LimitUSD float64
	SpentUSD float64
}

func (w BudgetWarning) String() string {
	return fmt.Sprintf("%.0f%% of the %s budget is spent ($%.4f of $%.4f)", 100*w.SpentUSD/w.LimitUSD, w.Scope, w.SpentUSD, w.LimitUSD)
}

// Budgeted is a Caller that enforces spending caps before a call is sent,
// works out each call's cost (the provider's own figure when it reports one,
// else the price table) and records it in the ledger.
type Budgeted struct {
	Next      Caller
	Ledger    Ledger
	Limits    Limits
	Prices    PriceTable
	ModelFor  func(tier.Tier) string // the model a tier maps to, for estimates
	OnWarning func(BudgetWarning)    // crossing 80% of a cap; may be nil
	Now       func() time.Time       // nil: time.Now
}

// warnAt is the share of a cap at which a warning is published.
const warnAt = 0.8

type scope struct {
	name  string
	limit float64
	since time.Time
	sess  string
}

func (b *Budgeted) scopes(session string) []scope {
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	t := now()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
	var out []scope
	if b.Limits.SessionUSD > 0 && session != "" {
		out = append(out, scope{"session", b.Limits.SessionUSD, time.Time{}, session})
	}
	if b.Limits.DailyUSD > 0 {
		out = append(out, scope{"daily", b.Limits.DailyUSD, day, ""})
	}
	if b.Limits.MonthlyUSD > 0 {
		out = append(out, scope{"monthly", b.Limits.MonthlyUSD, month, ""})
	}
	return out
}

func (b *Budgeted) model(c Call) string {
	if c.Request.Model != "" {
		return c.Request.Model
	}
	if g := b.localGateway(); g != nil {
		if routes := g.o.Tiers[c.Tier]; len(routes) > 0 {
			return routes[0].Model
		}
	}
	if b.ModelFor == nil {
		return ""
	}
	return b.ModelFor(c.Tier)
}

// Unwrapper is a Caller that wraps another (a redacting layer, a meter). A
// Budgeted looks through it for a gateway to a local server, whose calls
// are priced by config.toml [prices] alone.
type Unwrapper interface {
	Unwrap() Caller
}

// localGateway is the gateway below b when it goes to an auto-detected
// local server, or nil.
func (b *Budgeted) localGateway() *Gateway {
	next := b.Next
	for range 8 { // wrappers are few; a loop of them is a bug, not a hang
		switch c := next.(type) {
		case *Gateway:
			if c.o.Local {
				return c
			}
			return nil
		case Unwrapper:
			next = c.Unwrap()
		default:
			return nil
		}
	}
	return nil
}

// estimate is the likely cost of c: its prompt plus a full answer.
func (b *Budgeted) estimate(c Call) float64 {
	completion := int64(c.Request.MaxTokens)
	if completion <= 0 {
		completion = 1024
	}
	prices := b.Prices
	if g := b.localGateway(); g != nil {
		prices = g.o.LocalPrices
	}
	return prices.Cost(b.model(c), EstimateTokens(c.Request), completion)
}

// Call checks the caps, sends the call and records what it cost.
func (b *Budgeted) Call(ctx context.Context, c Call) (Result, error) {
	scopes := b.scopes(c.Session)
	spent := make([]float64, len(scopes))
	for i, s := range scopes {
		v, err := b.Ledger.SpentSince(ctx, s.since, s.sess)
		if err != nil {
			return Result{}, fmt.Errorf("check the %s budget: %w", s.name, err)
		}
		spent[i] = v
	}
	if err := b.fit(&c, scopes, spent); err != nil {
		return Result{}, err
	}

	res, err := b.Next.Call(ctx, c)
	if err != nil {
		return res, err
	}
	switch {
	case res.LocalPrices != nil:
		// An auto-detected local server: free unless config.toml prices it.
		res.Usage.CostUSD = res.LocalPrices.Cost(res.Model, res.Usage.PromptTokens, res.Usage.CompletionTokens)
		res.Usage.CostReported = false
	case !res.Usage.CostReported:
		res.Usage.CostUSD = b.Prices.Cost(res.Model, res.Usage.PromptTokens, res.Usage.CompletionTokens)
		if res.Usage.CostUSD == 0 && res.Model != b.model(c) {
			res.Usage.CostUSD = b.Prices.Cost(b.model(c), res.Usage.PromptTokens, res.Usage.CompletionTokens)
		}
	}
	if res.Cached {
		res.Usage.CostUSD = 0
	}
	model := res.Model
	if model == "" {
		model = b.model(c)
	}
	entry := UsageEntry{Session: c.Session, Tier: res.Tier, Provider: res.Provider, Model: model,
		PromptTokens: res.Usage.PromptTokens, CompletionTokens: res.Usage.CompletionTokens,
		CostUSD: res.Usage.CostUSD, Cached: res.Cached, Estimated: res.Usage.Estimated && !res.Cached}
	if err := b.Ledger.Record(context.WithoutCancel(ctx), entry); err != nil {
		return res, fmt.Errorf("record the call's cost: %w", err)
	}
	if b.OnWarning != nil {
		for i, s := range scopes {
			before, after := spent[i], spent[i]+res.Usage.CostUSD
			if before < warnAt*s.limit && after >= warnAt*s.limit {
				b.OnWarning(BudgetWarning{Scope: s.name, LimitUSD: s.limit, SpentUSD: after})
			}
		}
	}
	return res, nil
}

// fit refuses c, or moves it to nano when allowed, if it would break a cap.
func (b *Budgeted) fit(c *Call, scopes []scope, spent []float64) error {
	est := b.estimate(*c)
	free := est == 0 && b.localGateway() != nil // an unpriced local model: no cap is at stake
	for i, s := range scopes {
		if free || (spent[i]+est <= s.limit && spent[i] < s.limit) {
			continue
		}
		if b.Limits.Downgrade && c.Tier != tier.Nano {
			cheaper := *c
			cheaper.Tier, cheaper.Request.Model = tier.Nano, ""
			if ce := b.estimate(cheaper); spent[i]+ce <= s.limit && spent[i] < s.limit {
				*c, est = cheaper, ce
				continue
			}
		}
		return &BudgetError{Scope: s.name, LimitUSD: s.limit, SpentUSD: spent[i], Estimate: est}
	}
	return nil
}

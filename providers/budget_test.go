package providers

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// memLedger keeps spending in memory; the store's ledger is tested in the
// kernel, this one keeps these tests about the budget rules.
type memLedger struct {
	mu      sync.Mutex
	entries []UsageEntry
}

func (l *memLedger) SpentSince(_ context.Context, since time.Time, session string) (float64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var sum float64
	for _, e := range l.entries {
		if !e.Time.Before(since) && (session == "" || e.Session == session) {
			sum += e.CostUSD
		}
	}
	return sum, nil
}

func (l *memLedger) Record(_ context.Context, e UsageEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	l.entries = append(l.entries, e)
	return nil
}

// budgetFixture: tiers nano and sonnet on one backend, priced per model.
func budgetFixture(t *testing.T, limits Limits) (*Budgeted, *backend, *memLedger, *[]BudgetWarning) {
	b := newBackend(t, "p")
	routes := map[tier.Tier][]Route{
		tier.Nano:   {{Provider: "p", Model: "cheap"}},
		tier.Sonnet: {{Provider: "p", Model: "dear"}},
	}
	gw, _, _ := newGateway(t, "cheap", Options{Tiers: routes, CacheSize: -1}, b)
	ledger := &memLedger{}
	var warnings []BudgetWarning
	bud := &Budgeted{
		Next: gw, Ledger: ledger, Limits: limits,
		Prices:    NewPriceTable(map[string]config.Price{"cheap": {Input: 1, Output: 1}, "dear": {Input: 100, Output: 100}}),
		ModelFor:  func(t tier.Tier) string { return map[tier.Tier]string{tier.Nano: "cheap", tier.Sonnet: "dear"}[t] },
		OnWarning: func(w BudgetWarning) { warnings = append(warnings, w) },
	}
	return bud, b, ledger, &warnings
}

func TestBudgetCostAndRecording(t *testing.T) {
	bud, b, ledger, _ := budgetFixture(t, Limits{})
	reported := 0.25
	b.srv.Script(
		providertest.Reply{Content: "a", PromptTokens: 1000, CompletionTokens: 500},
		providertest.Reply{Content: "b", PromptTokens: 10, CompletionTokens: 10, Cost: &reported},
	)
	c := userCall("hi")
	c.Session = "s1"
	res, err := bud.Call(context.Background(), c)
	if err != nil || res.Usage.CostUSD != 1500.0/1e6 {
		t.Fatalf("table cost = %v (%v), want %v", res.Usage.CostUSD, err, 1500.0/1e6)
	}
	res, err = bud.Call(context.Background(), c)
	if err != nil || res.Usage.CostUSD != 0.25 || !res.Usage.CostReported {
		t.Fatalf("reported cost = %v (%v), want the provider's 0.25", res.Usage.CostUSD, err)
	}
	if len(ledger.entries) != 2 || ledger.entries[0].Session != "s1" || ledger.entries[0].Model != "cheap" || ledger.entries[1].CostUSD != 0.25 {
		t.Fatalf("ledger = %+v", ledger.entries)
	}
}

func TestBudgetRefusesBeforeSending(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		spent  float64
		sess   string
		scope  string
	}{
		{name: "daily", limits: Limits{DailyUSD: 0.01}, spent: 0.0099, scope: "daily"},
		{name: "monthly", limits: Limits{MonthlyUSD: 1}, spent: 1, scope: "monthly"},
		{name: "session", limits: Limits{SessionUSD: 0.002}, spent: 0.002, sess: "s1", scope: "session"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bud, b, ledger, _ := budgetFixture(t, tc.limits)
			_ = ledger.Record(context.Background(), UsageEntry{Session: tc.sess, CostUSD: tc.spent})
			c := userCall("hello")
			c.Session = tc.sess
			_, err := bud.Call(context.Background(), c)
			var be *BudgetError
			if !errors.As(err, &be) || be.Scope != tc.scope || !strings.Contains(err.Error(), tc.scope+" budget") {
				t.Fatalf("want a %s budget refusal, got %v", tc.scope, err)
			}
			if b.sent() != 0 {
				t.Fatalf("%d requests sent despite the cap", b.sent())
			}
		})
	}
	// Another session's spending does not count against this one's cap.
	bud, b, ledger, _ := budgetFixture(t, Limits{SessionUSD: 0.01})
	_ = ledger.Record(context.Background(), UsageEntry{Session: "other", CostUSD: 5})
	c := userCall("hello")
	c.Session = "mine"
	if _, err := bud.Call(context.Background(), c); err != nil || b.sent() != 1 {
		t.Fatalf("a fresh session was refused: %v", err)
	}
}

func TestBudgetDowngradesWhenAllowed(t *testing.T) {
	bud, b, _, _ := budgetFixture(t, Limits{DailyUSD: 0.05, Downgrade: true})
	c := userCall("think hard")
	c.Tier = tier.Sonnet // "dear": about $0.1 a call, over the cap; "cheap" fits
	res, err := bud.Call(context.Background(), c)
	if err != nil || res.Tier != tier.Nano || b.srv.ChatRequests()[0].Chat.Model != "cheap" {
		t.Fatalf("want the call moved to nano, got tier %v, err %v", res.Tier, err)
	}
	bud.Limits.Downgrade = false
	if _, err := bud.Call(context.Background(), c); err == nil {
		t.Fatal("without downgrade the call must be refused")
	}
}

func TestBudgetWarnsOnceAtEightyPercent(t *testing.T) {
	bud, b, _, warnings := budgetFixture(t, Limits{DailyUSD: 0.01})
	b.srv.SetDefault(providertest.Reply{Content: "x", PromptTokens: 1500, CompletionTokens: 1500}) // $0.003 a call
	c := userCall("hi")
	c.Request.MaxTokens = 100
	for i := range 3 {
		if _, err := bud.Call(context.Background(), c); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	// $0.006 after two calls (60%), $0.009 after three (90%): one warning.
	if len(*warnings) != 1 || (*warnings)[0].Scope != "daily" || !strings.Contains((*warnings)[0].String(), "90%") {
		t.Fatalf("warnings = %+v", *warnings)
	}
}

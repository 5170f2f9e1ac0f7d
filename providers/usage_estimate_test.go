package providers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// A provider that sends no token counts (a stream without its usage chunk,
// a server that never counts) is charged on an estimate, marked as one.
func TestMissingUsageIsEstimated(t *testing.T) {
	answer := strings.Repeat("word ", 800) // 4000 bytes: about 1000 tokens
	tests := []struct {
		name          string
		reply         providertest.Reply
		stream        bool
		wantEstimated bool
	}{
		{"stream without a usage chunk", providertest.Reply{Content: answer, NoUsage: true}, true, true},
		{"JSON answer without usage", providertest.Reply{Content: answer, NoUsage: true}, false, true},
		{"stream with usage", providertest.Reply{Content: answer, PromptTokens: 7, CompletionTokens: 9}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bud, b, ledger, _ := budgetFixture(t, Limits{})
			b.srv.SetDefault(tc.reply)
			c := Call{Tier: tier.Nano, Request: Request{Messages: []Message{{Role: RoleUser, Content: strings.Repeat("q", 400)}}}}
			if tc.stream {
				c.OnDelta = func(string) {}
			}
			res, err := bud.Call(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			u := res.Usage
			if u.Estimated != tc.wantEstimated || len(ledger.entries) != 1 || ledger.entries[0].Estimated != tc.wantEstimated {
				t.Fatalf("usage %+v, ledger %+v; want estimated=%v", u, ledger.entries, tc.wantEstimated)
			}
			if !tc.wantEstimated {
				if u.PromptTokens != 7 || u.CompletionTokens != 9 {
					t.Errorf("reported counts replaced: %+v", u)
				}
				return
			}
			if u.CompletionTokens < int64(len(answer))/4 || u.PromptTokens < 100 {
				t.Errorf("estimate %+v undercounts a %d-byte answer to a 400-byte prompt", u, len(answer))
			}
			if u.CostUSD <= 0 || ledger.entries[0].CostUSD != u.CostUSD {
				t.Errorf("cost %v (ledger %v): a priced model must cost more than 0", u.CostUSD, ledger.entries[0].CostUSD)
			}
		})
	}
}

// A cap holds against answers whose usage never came: each is charged its
// estimate, so spending reaches the cap and the next request is refused.
func TestBudgetHoldsWithoutUsage(t *testing.T) {
	bud, b, _, _ := budgetFixture(t, Limits{DailyUSD: 1.5})
	// 40,000 bytes at $100 per million tokens is about $1 an answer.
	b.srv.SetDefault(providertest.Reply{Content: strings.Repeat("x", 40_000), NoUsage: true})
	call := func() error {
		_, err := bud.Call(context.Background(), Call{Tier: tier.Sonnet, OnDelta: func(string) {},
			Request: Request{Messages: []Message{{Role: RoleUser, Content: "write a lot"}}}})
		return err
	}
	for i := range 2 {
		if err := call(); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	var be *BudgetError
	if err := call(); !errors.As(err, &be) || be.Scope != "daily" {
		t.Fatalf("third call: %v; want the daily budget refusing it", err)
	}
	if b.sent() != 2 {
		t.Errorf("the server got %d requests; want 2 (the refused one is not sent)", b.sent())
	}
}

package store

import (
	"context"
	"math"
	"testing"
	"time"
)

// Calls charged on an estimate count towards spending like any other, and
// the report says how many of them there were.
func TestUsageEstimated(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	now := time.Now()
	for _, r := range []UsageRecord{
		{Time: now, Model: "m", PromptTokens: 10, CompletionTokens: 5, CostUSD: 0.01},
		{Time: now, Model: "m", PromptTokens: 300, CompletionTokens: 1000, CostUSD: 0.02, Estimated: true},
		{Time: now, Model: "other", PromptTokens: 30, CompletionTokens: 100, CostUSD: 0.005, Estimated: true},
	} {
		if err := db.RecordUsage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	spent, err := db.SpentSince(ctx, now.Add(-time.Minute), "")
	if err != nil || math.Abs(spent-0.035) > 1e-9 {
		t.Fatalf("SpentSince = %v, %v; want 0.035 (estimated calls count)", spent, err)
	}
	rows, err := db.UsageReport(ctx, now.Add(-time.Minute), ByModel)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int64{}
	for _, r := range rows {
		got[r.Key] = [2]int64{r.Calls, r.Estimated}
	}
	if got["m"] != [2]int64{2, 1} || got["other"] != [2]int64{1, 1} {
		t.Errorf("calls and estimated calls per model = %v; want m [2 1], other [1 1]", got)
	}
}

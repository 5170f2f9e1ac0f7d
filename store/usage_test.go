package store

import (
	"context"
	"math"
	"testing"
	"time"
)

func TestUsage(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	day1 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.Local)
	day2 := day1.Add(24 * time.Hour)
	recs := []UsageRecord{
		{Time: day1, Session: "work", Tier: "nano", Model: "m-nano", PromptTokens: 100, CompletionTokens: 10, CostUSD: 0.001},
		{Time: day2, Session: "work", Tier: "sonnet", Model: "m-sonnet", PromptTokens: 1000, CompletionTokens: 200, CostUSD: 0.02},
		{Time: day2, Session: "", Tier: "nano", Model: "m-nano", PromptTokens: 50, CompletionTokens: 5, CostUSD: 0.0005},
		{Time: day2, Session: "home", Tier: "nano", Model: "m-nano", Cached: true},
	}
	for _, r := range recs {
		if err := db.RecordUsage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordUsage(ctx, UsageRecord{CostUSD: math.NaN()}); err == nil {
		t.Error("a NaN cost was stored")
	}

	spent := []struct {
		since   time.Time
		session string
		want    float64
	}{
		{day1.Add(-time.Hour), "", 0.0215},
		{day2.Add(-time.Hour), "", 0.0205},
		{day1.Add(-time.Hour), "work", 0.021},
		{day2.Add(-time.Hour), "home", 0},
	}
	for _, tc := range spent {
		got, err := db.SpentSince(ctx, tc.since, tc.session)
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("SpentSince(%v, %q) = %v, %v; want %v", tc.since, tc.session, got, err, tc.want)
		}
	}

	reports := []struct {
		group    UsageGroup
		keys     []string
		topCalls int64
	}{
		{ByDay, []string{"2026-11-21", "2026-11-20"}, 3},
		{ByTier, []string{"sonnet", "nano"}, 1},
		{ByModel, []string{"m-sonnet", "m-nano"}, 1},
		{BySession, []string{"work", "", "home"}, 2},
	}
	for _, tc := range reports {
		rows, err := db.UsageReport(ctx, day1.Add(-time.Hour), tc.group)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range rows {
			keys = append(keys, r.Key)
		}
		if len(keys) != len(tc.keys) || rows[0].Calls != tc.topCalls {
			t.Errorf("%s: keys %q (top calls %d), want %q (%d)", tc.group, keys, rows[0].Calls, tc.keys, tc.topCalls)
			continue
		}
		for i := range keys {
			if keys[i] != tc.keys[i] {
				t.Errorf("%s: keys %q, want %q", tc.group, keys, tc.keys)
				break
			}
		}
	}
	if _, err := db.UsageReport(ctx, day1, "colour"); err == nil {
		t.Error("unknown grouping accepted")
	}
}

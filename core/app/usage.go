package app

import (
	"context"
	"time"

	"github.com/macroa/macroa/store"
)

// UsageService is what the model calls cost.
type UsageService struct{ a *App }

// UsageService returns the usage service.
func (a *App) UsageService() UsageService { return UsageService{a} }

// SpentSince is what every session spent on models since the given time.
func (s UsageService) SpentSince(ctx context.Context, since time.Time) (float64, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return 0, err
	}
	return db.SpentSince(ctx, since, "")
}

// Report breaks spending since the given time down by each group, in the
// order given; a group with no calls has an empty, non-nil list.
func (s UsageService) Report(ctx context.Context, since time.Time, groups ...store.UsageGroup) (map[store.UsageGroup][]store.UsageRow, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return nil, err
	}
	report := make(map[store.UsageGroup][]store.UsageRow, len(groups))
	for _, g := range groups {
		rows, err := db.UsageReport(ctx, since, g)
		if err != nil {
			return nil, err
		}
		if rows == nil {
			rows = []store.UsageRow{}
		}
		report[g] = rows
	}
	return report, nil
}

package main

import (
	"context"
	"log/slog"

	"github.com/macroa/macroa/core/app"
)

// startCockpitSchedules starts the scheduler's runner for the cockpit: it
// runs due tasks whenever no daemon holds the lease. It returns the stop
// to call once the cockpit quits (runs still going are interrupted and
// recorded, and the lease is released). A runner that cannot start is
// logged, never fatal: the cockpit works without it.
func startCockpitSchedules(ctx context.Context, a *app.App, log *slog.Logger) func() {
	svc, err := a.Schedules()
	if err == nil {
		err = svc.Start(ctx, "tui")
	}
	if err != nil {
		log.Warn("tui: the scheduler's runner did not start", "err", err)
		return func() {}
	}
	return func() { svc.Stop(shutdownWait) }
}

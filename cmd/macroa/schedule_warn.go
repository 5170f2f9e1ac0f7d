package main

import (
	"context"
	"fmt"
	"io"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
)

// warnNobodyRuns tells the person who just added a task what would keep
// it from reaching them: no process runs due tasks now, or (a reminder)
// no notification channel would carry it while no cockpit is open.
func warnNobodyRuns(ctx context.Context, a *app.App, svc *scheduler.Service, out io.Writer, kind store.TaskKind) {
	if st, err := svc.Status(ctx); err == nil && !st.Held {
		fmt.Fprintln(out, "Note: no process runs due tasks now: start one with `macroa daemon start` (or keep `macroa tui` open).")
	}
	if kind != store.TaskReminder {
		return
	}
	if cfg, err := a.Config(); err == nil && len(cfg.File.Notify) == 0 {
		fmt.Fprintln(out, "Note: no notification channel is set ([[notify]] in config.toml): the reminder shows in an open cockpit, or in the next one you open.")
	}
}

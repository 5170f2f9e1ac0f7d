package main

import (
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/ui/tui/panes/scheduler"
)

// schedulePane is the scheduler the cockpit's scheduler pane shows and
// changes; nil (the pane then says it is not available) when it cannot
// be built.
func schedulePane(a *app.App) scheduler.Service {
	svc, err := a.Schedules()
	if err != nil {
		return nil
	}
	return svc
}

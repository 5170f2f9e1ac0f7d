package app

import (
	"context"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/store"
)

// The facade: what the cockpit's panes ask of the core, with the
// signatures their small interfaces declare. Each method hands over to a
// service; Run and Subscribe live in lifecycle.go and broker.go.

// Sessions lists the named sessions, most recently used first.
func (a *App) Sessions(ctx context.Context) ([]store.Session, error) {
	return a.SessionService().List(ctx)
}

// History returns a session's last limit entries, oldest first; no
// session by that name is an empty history.
func (a *App) History(ctx context.Context, session string, limit int) ([]store.Entry, error) {
	return a.SessionService().History(ctx, session, limit)
}

// EnsureSession returns the named session, creating it when new.
func (a *App) EnsureSession(ctx context.Context, name string) (store.Session, error) {
	return a.SessionService().Ensure(ctx, name)
}

// RenameSession renames a session.
func (a *App) RenameSession(ctx context.Context, from, to string) error {
	return a.SessionService().Rename(ctx, from, to)
}

// DeleteSession deletes a session; false when there was none.
func (a *App) DeleteSession(ctx context.Context, name string) (bool, error) {
	return a.SessionService().Delete(ctx, name)
}

// AuditSince returns at most limit audit entries after the given one.
func (a *App) AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error) {
	return a.AuditService().Since(ctx, after, limit)
}

// RecentAudit returns the newest n audit entries, newest first.
func (a *App) RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error) {
	return a.AuditService().Recent(ctx, n)
}

// SpentSince is what models cost since the given time.
func (a *App) SpentSince(ctx context.Context, since time.Time) (float64, error) {
	return a.UsageService().SpentSince(ctx, since)
}

// HostsList is every host as the fleet knows it, this machine first.
func (a *App) HostsList(ctx context.Context) ([]fleet.HostStatus, error) {
	h, err := a.Hosts()
	if err != nil {
		return nil, err
	}
	return h.List(ctx)
}

// HostHistory is a host's samples since a time, oldest first.
func (a *App) HostHistory(ctx context.Context, name string, since time.Time) ([]fleet.Sample, error) {
	h, err := a.Hosts()
	if err != nil {
		return nil, err
	}
	return h.History(ctx, name, since)
}

// HostAlerts is a host's alerts ("" for every host), newest first.
func (a *App) HostAlerts(ctx context.Context, host string, includeResolved bool, limit int) ([]fleet.Alert, error) {
	h, err := a.Hosts()
	if err != nil {
		return nil, err
	}
	return h.Alerts(ctx, host, includeResolved, limit)
}

// ProbeHost probes a host at once and returns its new status.
func (a *App) ProbeHost(ctx context.Context, name string) (fleet.HostStatus, error) {
	h, err := a.Hosts()
	if err != nil {
		return fleet.HostStatus{}, err
	}
	return h.ProbeNow(ctx, name)
}

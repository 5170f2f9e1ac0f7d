package tui

import (
	"context"
	"time"
)

// The cockpit's panes each declare the little they ask of the core, as
// methods that take a context and plain data, so an in-process facade
// (core/app) or a remote one over HTTP can serve them alike. Every call
// happens in a tea.Cmd, never in Update.

// Usage is what the status bar asks: what was spent since a time.
type Usage interface {
	SpentSince(ctx context.Context, since time.Time) (float64, error)
}

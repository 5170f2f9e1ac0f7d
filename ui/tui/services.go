package tui

import (
	"context"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
)

// The cockpit's panes each declare the little they ask of the core, as
// methods that take a context and plain data, so an in-process facade
// (core/app) or a remote one over HTTP can serve them alike. Every call
// happens in a tea.Cmd, never in Update.

// ChatBackend is what the chat pane asks: run a request, read a session's
// history.
type ChatBackend interface {
	Run(ctx context.Context, req kernel.Request) kernel.Result
	History(ctx context.Context, session string, limit int) ([]store.Entry, error)
}

// Usage is what the status bar asks: what was spent since a time.
type Usage interface {
	SpentSince(ctx context.Context, since time.Time) (float64, error)
}

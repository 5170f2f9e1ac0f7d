package tui

import (
	tea "charm.land/bubbletea/v2"
)

// PaneID names a pane.
type PaneID string

// The panes of the cockpit.
const (
	PaneChat     PaneID = "chat"
	PaneSessions PaneID = "sessions"
	PaneAudit    PaneID = "audit"
)

// Pane is one area of the cockpit. The root model owns it, routes keys to
// it while it has focus, sends it every other message, and asks it to draw
// itself into a given size.
type Pane interface {
	ID() PaneID
	Title() string
	// Keys lists the pane's bindings, for the cheat sheet and the hint line.
	Keys() []Binding
	// HandleKey handles a key while the pane has focus. handled=false lets
	// the root try its global keys.
	HandleKey(msg tea.KeyPressMsg) (cmd tea.Cmd, handled bool)
	// Update receives every message that is not a key: results of the
	// pane's own commands, core events, ticks. Panes ignore what is not
	// theirs. It must not do I/O.
	Update(msg tea.Msg) tea.Cmd
	// View draws the pane's body in exactly width × height cells.
	View(width, height int, focused bool) string
	// Capturing reports whether the pane is taking typed text, so global
	// single-character keys ("?", "1") go to it instead.
	Capturing() bool
	// Init returns the pane's first commands (a first load, a poll tick).
	Init() tea.Cmd
}

// Canceller is a pane with work in flight that ctrl+c should stop first.
type Canceller interface {
	// Cancel stops the work and reports whether there was any.
	Cancel() bool
}

// Quieter is a pane that can tell the root a message changes nothing it
// shows: a poll tick, a poll that found nothing new. The root then reuses
// its last frame instead of drawing the screen again, so an idle cockpit
// costs next to no CPU. Quiet is asked before Update sees the message.
type Quieter interface {
	Quiet(msg tea.Msg) bool
}

package tui

import "github.com/macroa/macroa/ui/tui/kit"

// The pane contract lives in kit, so pane packages need not import the
// root; these names keep the root's code and its callers short.
type (
	// PaneID names a pane.
	PaneID = kit.PaneID
	// Pane is one area of the cockpit (see kit.Pane).
	Pane = kit.Pane
	// Canceller is a pane with work in flight that ctrl+c stops first.
	Canceller = kit.Canceller
	// Quieter is a pane that says which messages change nothing shown.
	Quieter = kit.Quieter
	// Badger is a pane with a short count for its tab and the status bar.
	Badger = kit.Badger
)

// The panes other panes address by name.
const (
	PaneChat      = kit.PaneChat
	PaneSessions  = kit.PaneSessions
	PaneAudit     = kit.PaneAudit
	PaneApprovals = kit.PaneApprovals
)

package tui

import "github.com/macroa/macroa/ui/tui/kit"

// Binding is one key binding of a pane (see kit.Binding).
type Binding = kit.Binding

// The binding helpers, from kit.
var (
	NewBinding = kit.NewBinding
	Rebind     = kit.Rebind
	Matches    = kit.Matches
)

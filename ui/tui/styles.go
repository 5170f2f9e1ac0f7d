package tui

import (
	"github.com/macroa/macroa/themes"
	"github.com/macroa/macroa/ui/tui/kit"
)

// Styles are the cockpit's lipgloss styles (see kit.Styles).
type Styles = kit.Styles

// NewStyles builds the styles for a theme.
func NewStyles(t themes.Theme) Styles { return kit.NewStyles(t) }

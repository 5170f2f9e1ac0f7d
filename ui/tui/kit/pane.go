package kit

import (
	tea "charm.land/bubbletea/v2"
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
	// pane's own commands, core events, timers. Panes ignore what is not
	// theirs. It must not do I/O.
	Update(msg tea.Msg) tea.Cmd
	// View draws the pane's body in exactly width × height cells.
	View(width, height int, focused bool) string
	// Capturing reports whether the pane is taking typed text, so global
	// single-character keys ("?", "1") go to it instead.
	Capturing() bool
	// Init returns the pane's first commands (a first load).
	Init() tea.Cmd
}

// Canceller is a pane with work in flight that ctrl+c should stop first.
type Canceller interface {
	// Cancel stops the work and reports whether there was any.
	Cancel() bool
}

// Quieter is a pane that can tell the root a message changes nothing it
// shows: a reload that found nothing new. The root then reuses its last
// frame instead of drawing the screen again, so an idle cockpit costs next
// to no CPU. Quiet is asked before Update sees the message.
type Quieter interface {
	Quiet(msg tea.Msg) bool
}

// Badger is a pane with a short count for its tab and the status bar:
// sessions "4", audit "12 new". "" shows nothing.
type Badger interface {
	Badge() string
}

// KeySetter is a pane whose bindings the root may replace (ReadOnly).
type KeySetter interface {
	SetKeys([]Binding)
}

// Base holds what every pane has: its id, title and keys. Panes embed it
// and get ID, Title, Keys, SetKeys, Capturing (false), Init (nil) and
// Badge ("") for free, overriding what they do differently.
type Base struct {
	id    PaneID
	title string
	keys  []Binding
}

// NewBase builds a Base; keys are the pane's defaults with the user's
// rebinds from config.toml ([keys.<id>], action → keys) applied.
func NewBase(id PaneID, title string, defaults []Binding, rebinds map[string][]string) Base {
	return Base{id: id, title: title, keys: Rebind(defaults, rebinds)}
}

func (b *Base) ID() PaneID                    { return b.id }
func (b *Base) Title() string                 { return b.title }
func (b *Base) Keys() []Binding               { return b.keys }
func (b *Base) SetKeys(keys []Binding)        { b.keys = keys }
func (b *Base) Capturing() bool               { return false }
func (b *Base) Init() tea.Cmd                 { return nil }
func (b *Base) Badge() string                 { return "" }
func (b *Base) Matches(action, k string) bool { return Matches(b.keys, action, k) }
func (b *Base) KeyLabel(action string) string { return KeyLabel(b.keys, action) }

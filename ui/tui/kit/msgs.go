package kit

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
)

// PaneID names a pane.
type PaneID string

// The panes of the cockpit that other panes address by name.
const (
	PaneChat      PaneID = "chat"
	PaneSessions  PaneID = "sessions"
	PaneAudit     PaneID = "audit"
	PaneApprovals PaneID = "approvals"
)

// CoreEventMsg carries one core event (a token, a completed run, a store
// change) from the bridge goroutine into the program.
type CoreEventMsg struct{ Event events.Event }

// StoreChanged reports whether msg is a core event saying part changed.
func StoreChanged(msg tea.Msg, part events.StorePart) bool {
	m, ok := msg.(CoreEventMsg)
	if !ok {
		return false
	}
	e, ok := m.Event.(events.StoreChanged)
	return ok && e.Has(part)
}

// ToastLevel is how loud a toast is.
type ToastLevel int

const (
	ToastInfo ToastLevel = iota
	ToastWarn
	ToastError
)

// ToastMsg asks the root to show a short notice that clears itself, or,
// when Sticky, one that stays until the person presses a key (a reminder:
// it must not pass unseen).
type ToastMsg struct {
	Level  ToastLevel
	Text   string
	Sticky bool
}

// Toast returns a command that shows a toast.
func Toast(level ToastLevel, text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Level: level, Text: text} }
}

// StickyToast returns a command that shows a toast that stays until a key
// is pressed.
func StickyToast(level ToastLevel, text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Level: level, Text: text, Sticky: true} }
}

// SwitchSessionMsg asks the chat pane to show a session (the sessions pane
// sends it; "" is a fresh conversation without a stored session).
type SwitchSessionMsg struct{ Name string }

// SessionChangedMsg says the chat pane now shows this session, so the
// sessions pane can mark it.
type SessionChangedMsg struct{ Name string }

// FocusPaneMsg asks the root to move focus to a pane.
type FocusPaneMsg struct{ Pane PaneID }

// CopyMsg asks the root to put text on the clipboard (OSC 52, which works
// over SSH and inside tmux) and confirm with a toast.
type CopyMsg struct {
	Text string
	What string // "message", "audit entry"
}

// Copy returns a command that asks the root to copy text.
func Copy(text, what string) tea.Cmd {
	return func() tea.Msg { return CopyMsg{Text: text, What: what} }
}

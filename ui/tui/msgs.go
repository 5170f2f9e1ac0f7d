package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
)

// CoreEventMsg carries one core event (a token, a completed run, a budget
// warning) from the bridge goroutine into the program.
type CoreEventMsg struct{ Event events.Event }

// ToastLevel is how loud a toast is.
type ToastLevel int

const (
	ToastInfo ToastLevel = iota
	ToastWarn
	ToastError
)

// ToastMsg asks the root to show a short notice that clears itself.
type ToastMsg struct {
	Level ToastLevel
	Text  string
}

// Toast returns a command that shows a toast.
func Toast(level ToastLevel, text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Level: level, Text: text} }
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

// tickMsg drives the root's periodic refreshes (status bar spend).
type tickMsg struct{ at time.Time }

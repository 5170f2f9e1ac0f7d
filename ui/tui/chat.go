package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit/editor"
)

// ChatPane is the conversation: the current session's messages, the
// answer streaming in, and the input. Requests run in tea.Cmds through the
// ChatBackend; streamed text arrives as core events for the pane's turn.
type ChatPane struct {
	backend ChatBackend
	st      Styles
	keys    []Binding

	session string // "" is a conversation without a stored session
	loading bool   // a session's history is being read
	loadSeq int

	msgs     []*chatMsg
	showInfo bool // meta lines shown
	selected int  // the selected message, -1 for none

	input editor.Editor
	hist  editor.History

	// The run in flight. runSeq tags its result: a result with another
	// seq (the pane moved on: a new run, another session) is dropped.
	running bool
	runSeq  int
	runIdx  int // the reply message being streamed
	turnID  store.TurnID
	cancel  context.CancelFunc
	// approval is the run's request waiting for the person, if any.
	approval *chatApproval

	scroll chatScroll

	// From the last View: the body size (page size for scrolling), whether
	// the pane had focus (pastes and the wheel go to the focused pane) and
	// which messages were in full view.
	width, height        int
	focused              bool
	visFirst, visLast    int
	viewportH, viewportW int
}

// NewChatPane builds the chat pane. keys are the user's rebinds from
// config.toml [keys.chat] (action → keys).
func NewChatPane(b ChatBackend, st Styles, keys map[string][]string) *ChatPane {
	p := &ChatPane{
		backend:  b,
		st:       st,
		keys:     Rebind(chatBindings(), keys),
		selected: -1,
		focused:  true,
		scroll:   chatScroll{follow: true},
		visFirst: -1, visLast: -1,
	}
	p.input.Reset()
	return p
}

// ID implements Pane.
func (p *ChatPane) ID() PaneID { return PaneChat }

// Title implements Pane: "chat · <session>" or "chat · (no session)".
func (p *ChatPane) Title() string {
	if p.session == "" {
		return "chat · (no session)"
	}
	return "chat · " + p.session
}

// Session is the session the pane shows ("" for none).
func (p *ChatPane) Session() string { return p.session }

// Keys implements Pane.
func (p *ChatPane) Keys() []Binding { return p.keys }

// Capturing implements Pane: the input always takes typed text.
func (p *ChatPane) Capturing() bool { return true }

// Init implements Pane; the chat loads nothing until a session is chosen.
func (p *ChatPane) Init() tea.Cmd { return nil }

// Running reports whether a request is in flight.
func (p *ChatPane) Running() bool { return p.running }

// Cancel implements Canceller: it cancels the run in flight, keeping the
// part of the answer that arrived, and reports whether there was one.
func (p *ChatPane) Cancel() bool {
	if !p.running || p.cancel == nil {
		return false
	}
	p.cancel()
	p.cancel = nil
	p.running = false
	p.turnID = ""
	// The run's context is done, so the kernel's Confirm refuses; the
	// conversation says so.
	p.settle(false, "the run was cancelled")
	if m := p.runReply(); m != nil {
		m.state = chatCancelled
		m.invalidate()
	}
	return true
}

// runReply is the reply message of the current (or just cancelled) run.
func (p *ChatPane) runReply() *chatMsg {
	if p.runIdx < 0 || p.runIdx >= len(p.msgs) {
		return nil
	}
	return p.msgs[p.runIdx]
}

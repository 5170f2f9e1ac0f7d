// Package chat is the cockpit's conversation pane: a session's messages,
// the answer streaming in as core events of the pane's turn, the input,
// and the approval box for a command a model proposed.
package chat

import (
	"context"
	"github.com/macroa/macroa/core/approvals"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/editor"
)

// Runner is what the chat asks of the core: run a request, read a
// session's history. Both are called in tea.Cmds, never in Update.
type Runner interface {
	Run(ctx context.Context, req kernel.Request) kernel.Result
	History(ctx context.Context, session string, limit int) ([]store.Entry, error)
}

// Approvals is the approval queue, for a Runner that has one: what a model
// proposes goes there, and the person answers the request the pane shows
// through it. A Runner without it refuses every such proposal.
type Approvals interface {
	Ask(ctx context.Context, p approvals.Proposal, o approvals.AskOptions) (approvals.Answer, error)
	Approve(ctx context.Context, id store.ApprovalID, d approvals.Decider, r approvals.Remember) (store.Approval, error)
	Reject(ctx context.Context, id store.ApprovalID, d approvals.Decider, note string) (store.Approval, error)
}

// Pane is the conversation: the current session's messages, the
// answer streaming in, and the input. Requests run in tea.Cmds through the
// Runner; streamed text arrives as core events for the pane's turn.
type Pane struct {
	kit.Base // id, keys (Keys, SetKeys: read-only strips approve)
	backend  Runner
	st       kit.Styles

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

// New builds the chat pane. keys are the user's rebinds from
// config.toml [keys.chat] (action → keys).
func New(b Runner, st kit.Styles, keys map[string][]string) *Pane {
	p := &Pane{
		Base:     kit.NewBase(kit.PaneChat, "chat", chatBindings(), keys),
		backend:  b,
		st:       st,
		selected: -1,
		focused:  true,
		scroll:   chatScroll{follow: true},
		visFirst: -1, visLast: -1,
	}
	p.input.Reset()
	return p
}

// Title implements Pane: "chat · <session>" or "chat · (no session)".
func (p *Pane) Title() string {
	if p.session == "" {
		return "chat · (no session)"
	}
	return "chat · " + p.session
}

// Session is the session the pane shows ("" for none).
func (p *Pane) Session() string { return p.session }

// Capturing implements Pane: the input always takes typed text.
func (p *Pane) Capturing() bool { return true }

// Running reports whether a request is in flight.
func (p *Pane) Running() bool { return p.running }

// Cancel implements Canceller: it cancels the run in flight, keeping the
// part of the answer that arrived, and reports whether there was one.
func (p *Pane) Cancel() bool {
	if !p.running || p.cancel == nil {
		return false
	}
	p.cancel()
	p.cancel = nil
	p.running = false
	p.turnID = ""
	// The run's context is done, so the kernel's Confirm refuses; the
	// conversation says so.
	p.settle(replyLeave, "the run was cancelled")
	if m := p.runReply(); m != nil {
		m.state = chatCancelled
		m.invalidate()
	}
	return true
}

// runReply is the reply message of the current (or just cancelled) run.
func (p *Pane) runReply() *chatMsg {
	if p.runIdx < 0 || p.runIdx >= len(p.msgs) {
		return nil
	}
	return p.msgs[p.runIdx]
}

// Message is one entry of the conversation as the pane holds it.
type Message struct {
	User bool // what the person typed
	// Text is the message's text; for an approval request, the command.
	Text string
	// State is "done", "streaming", "failed" or "cancelled"; for an
	// approval request "waiting", "approved" or "refused".
	State string
}

// Messages is the conversation shown, oldest first.
func (p *Pane) Messages() []Message {
	out := make([]Message, len(p.msgs))
	for i, m := range p.msgs {
		out[i] = Message{User: m.kind == chatUser, Text: m.text, State: m.stateName()}
		if m.ask != nil {
			out[i].Text = m.ask.command
		}
	}
	return out
}

// stateName is a message's state as Message names it.
func (m *chatMsg) stateName() string {
	if a := m.ask; a != nil {
		switch {
		case !a.decided:
			return "waiting"
		case a.allowed:
			return "approved"
		}
		return "refused"
	}
	switch m.state {
	case chatStreaming:
		return "streaming"
	case chatFailed:
		return "failed"
	case chatCancelled:
		return "cancelled"
	}
	return "done"
}

// Turn is the turn of the run in flight ("" when none runs).
func (p *Pane) Turn() store.TurnID { return p.turnID }

// Input is the text in the input.
func (p *Pane) Input() string { return p.input.Value() }

// SetInput replaces the text in the input.
func (p *Pane) SetInput(s string) { p.input.SetValue(s) }

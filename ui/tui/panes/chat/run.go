package chat

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/editor"
)

// chatHistoryLimit is how many stored entries a session opens with.
const chatHistoryLimit = 200

// runDoneMsg is a finished run's result, tagged with the run's seq.
type runDoneMsg struct {
	seq    int
	turnID store.TurnID
	res    kernel.Result
}

// historyLoadedMsg is a session's stored conversation, tagged with the
// load's seq.
type historyLoadedMsg struct {
	seq     int
	session string
	entries []store.Entry
	err     error
}

// send starts the request in the input: the user message and an empty
// reply appear at once, the run goes to a tea.Cmd with its own context.
func (p *Pane) send() tea.Cmd {
	text := p.input.Value()
	switch {
	case strings.TrimSpace(text) == "":
		return nil
	case p.running:
		return kit.Toast(kit.ToastInfo, "a request is still running: wait for it, or ctrl+c to cancel it")
	case p.loading:
		return kit.Toast(kit.ToastInfo, "the session is still loading")
	}
	p.hist.Add(text)
	p.input.Reset()

	turn := store.NewTurnID()
	p.msgs = append(p.msgs,
		&chatMsg{kind: chatUser, text: text, turn: turn},
		&chatMsg{kind: chatMarkdown, state: chatStreaming, turn: turn})
	p.runSeq++
	p.runIdx = len(p.msgs) - 1
	p.running, p.turnID = true, turn
	p.selected = -1
	p.scroll.follow = true

	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	seq, b := p.runSeq, p.backend
	run := newChatRun(seq, turn)
	req := kernel.Request{
		TurnID:  turn,
		Input:   text,
		Session: p.session,
		Source:  kernel.SourceTUI,
	}
	if q, ok := b.(Approvals); ok {
		// What a model proposes that is not read-only goes to the
		// approval queue and waits for the person (see chatRun.ask).
		req.Ask = run.ask(q, p.canApprove())
	}
	return run.start(ctx, cancel, func(ctx context.Context) tea.Msg {
		return runDoneMsg{seq: seq, turnID: turn, res: b.Run(ctx, req)}
	})
}

// Update implements Pane. It does no I/O: loads and runs go to tea.Cmds.
func (p *Pane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case runDoneMsg:
		return p.finish(msg)
	case approvalAskMsg:
		return p.ask(msg)
	case approvalSettledMsg:
		return p.approvalSettled(msg)
	case approvalArmedMsg:
		p.armed(msg)
	case historyLoadedMsg:
		return p.loaded(msg)
	case kit.CoreEventMsg:
		if e, ok := msg.Event.(events.ApprovalChanged); ok {
			return p.approvalDecided(e)
		}
		p.coreEvent(msg.Event)
	case kit.SwitchSessionMsg:
		return p.switchSession(msg.Name)
	case tea.MouseWheelMsg:
		if p.focused {
			switch msg.Mouse().Button {
			case tea.MouseWheelUp:
				p.scrollBy(-chatWheelLines)
			case tea.MouseWheelDown:
				p.scrollBy(chatWheelLines)
			}
		}
	case tea.PasteMsg:
		if p.focused && p.input.Insert(msg.Content) {
			return kit.Toast(kit.ToastWarn, fmt.Sprintf("the paste was cut at %d KiB: save longer text to a file and name the file in your request", editor.MaxBytes>>10))
		}
	}
	return nil
}

// coreEvent shows streamed text of the pane's own run; other turns' events
// are not the pane's.
func (p *Pane) coreEvent(e events.Event) {
	if !p.running || e == nil || e.Turn() != string(p.turnID) {
		return
	}
	m := p.runReply()
	if m == nil || m.state != chatStreaming {
		return
	}
	switch e := e.(type) {
	case events.RouteDecided:
		// Command output streams in literally, never as Markdown.
		if skills.Name(e.Skill) == skills.Shell && m.kind != chatShell {
			m.kind = chatShell
			m.invalidate()
		}
	case events.Token:
		m.text += e.Text
		m.invalidate()
	case events.StreamReset:
		m.text = ""
		m.doneLines, m.doneLen = nil, 0
		m.invalidate()
	}
}

// finish shows a run's result in its reply.
func (p *Pane) finish(msg runDoneMsg) tea.Cmd {
	m := p.runReply()
	if msg.seq != p.runSeq || m == nil || m.turn != msg.turnID {
		return nil // stale: the pane moved on
	}
	res := msg.res
	cancelled := m.state == chatCancelled
	// A request still shown lost its run (the terminal went away).
	settle := p.settle(replyLeave, "the run ended")
	p.running, p.cancel, p.turnID = false, nil, ""

	m.kind = chatReplyKind(res)
	m.meta = chatMeta(res)
	m.warnings = res.Warnings
	out := res.Output
	if res.Cancelled {
		out, cancelled = strings.TrimRight(out, "\n"), true
	}
	m.invalidate()
	if cancelled {
		// The partial answer stays; a cancel is no failure to report.
		if out != "" {
			m.text = out
		}
		m.state, m.err = chatCancelled, ""
		return settle
	}
	if out != "" || res.Success {
		m.text = out
	}
	cmds := []tea.Cmd{settle}
	if res.Success {
		m.state, m.err = chatDone, ""
	} else {
		m.state, m.err = chatFailed, res.Error
		if m.kind != chatShell {
			// Command output speaks for itself; a provider or skill error
			// also gets a toast.
			cmds = append(cmds, kit.Toast(kit.ToastError, chatErrorSentence(res.Error)))
		}
	}
	if res.AuditErr != nil {
		cmds = append(cmds, kit.Toast(kit.ToastWarn, "the run was not written to the audit log: "+res.AuditErr.Error()))
	}
	return tea.Batch(cmds...)
}

// chatErrorSentence is a failure's sentence for a toast.
func chatErrorSentence(err string) string {
	if err == "" {
		return "the request failed"
	}
	return err
}

// switchSession shows another session: its history is read in a tea.Cmd,
// and a run still going keeps going in the session it started in.
func (p *Pane) switchSession(name string) tea.Cmd {
	name = strings.TrimSpace(name)
	changed := func() tea.Msg { return kit.SessionChangedMsg{Name: name} }
	if name == p.session && p.running {
		return changed // already shown, with a run in flight: keep it
	}
	p.loadSeq++
	p.runSeq++ // a result still coming belongs to the old view
	// Walking away from a request refuses it; the run's next ones are
	// refused as they come (they belong to the old view).
	settle := p.settle(replyLeave, "")
	p.running, p.cancel, p.turnID = false, nil, ""
	p.session = name
	p.msgs = nil
	p.selected = -1
	p.scroll = chatScroll{follow: true}
	if name == "" {
		p.loading = false
		return tea.Batch(settle, changed)
	}
	p.loading = true
	seq, b := p.loadSeq, p.backend
	return tea.Batch(settle, func() tea.Msg {
		entries, err := b.History(context.Background(), name, chatHistoryLimit)
		return historyLoadedMsg{seq: seq, session: name, entries: entries, err: err}
	})
}

// loaded shows a session's history once it was read.
func (p *Pane) loaded(msg historyLoadedMsg) tea.Cmd {
	if msg.seq != p.loadSeq {
		return nil
	}
	p.loading = false
	p.msgs = chatMessagesFrom(msg.entries)
	p.scroll = chatScroll{follow: true}
	name := msg.session
	changed := func() tea.Msg { return kit.SessionChangedMsg{Name: name} }
	if msg.err != nil {
		return tea.Batch(changed, kit.Toast(kit.ToastError, "could not read session "+name+": "+msg.err.Error()))
	}
	return changed
}

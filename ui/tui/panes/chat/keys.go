package chat

import (
	tea "charm.land/bubbletea/v2"
	"github.com/macroa/macroa/ui/tui/kit"
)

// chatBindings are the chat pane's default keys. Editing keys (arrows
// within the text, home/end, backspace, ctrl+w/u/k) are fixed, like a
// shell's.
func chatBindings() []kit.Binding {
	return []kit.Binding{
		kit.NewBinding("send", "send the request", "enter"),
		kit.NewBinding("newline", "new line in the input", "alt+enter", "ctrl+j", "shift+enter"),
		kit.NewBinding("history-prev", "previous input (cursor on the first line)", "up"),
		kit.NewBinding("history-next", "next input (cursor on the last line)", "down"),
		kit.NewBinding("scroll-up", "scroll the conversation up a page", "pgup"),
		kit.NewBinding("scroll-down", "scroll the conversation down a page", "pgdown"),
		kit.NewBinding("select-prev", "select the previous message", "alt+up"),
		kit.NewBinding("select-next", "select the next message", "alt+down"),
		kit.NewBinding("info", "show/hide route · tier · model · tokens · cost · latency", "alt+i"),
		kit.NewBinding("copy", "copy the selected message, else the last reply", "alt+y"),
		kit.NewBinding("clear-input", "clear the input (when empty: back out)", "esc"),
		// Approving runs a command: a read-only cockpit has no approve
		// key, and refuses every request at once (see ask).
		kit.NewBinding("approve", "run the command waiting for your approval", "y").Danger(),
		kit.NewBinding("refuse", "refuse the command waiting for your approval (enter too: the default)", "n", "esc"),
	}
}

// chatWheelLines is how far one wheel notch scrolls.
const chatWheelLines = 3

// HandleKey implements Pane.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	if p.approval != nil {
		if cmd, handled := p.approvalKey(msg, k); handled {
			return cmd, true
		}
	}
	on := func(action string) bool { return kit.Matches(p.Keys(), action, k) }
	switch {
	case on("send"):
		return p.send(), true
	case on("newline"):
		p.input.Newline()
		return nil, true
	case on("history-prev"):
		if !p.input.Up() {
			if s, ok := p.hist.Prev(p.input.Value()); ok {
				p.input.SetValue(s)
				p.input.CursorToStart()
			}
		}
		return nil, true
	case on("history-next"):
		if !p.input.Down() {
			if s, ok := p.hist.Next(); ok {
				p.input.SetValue(s)
			}
		}
		return nil, true
	case on("scroll-up"):
		p.scrollBy(-p.page())
		return nil, true
	case on("scroll-down"):
		p.scrollBy(p.page())
		return nil, true
	case on("select-prev"):
		p.selectBy(-1)
		return nil, true
	case on("select-next"):
		p.selectBy(1)
		return nil, true
	case on("info"):
		p.showInfo = !p.showInfo
		return nil, true
	case on("copy"):
		return p.copySelected(), true
	case on("clear-input"):
		switch {
		case !p.input.Empty():
			p.input.Reset()
			p.hist.Reset()
			return nil, true
		case p.selected >= 0:
			p.selected = -1
			return nil, true
		}
		return nil, false
	}
	return nil, p.input.HandleKey(msg)
}

// page is how far pgup/pgdown scroll: the last drawn viewport less a line
// of overlap.
func (p *Pane) page() int { return max(p.viewportH-1, 1) }

// selectBy moves the message selection; from none, up selects the last
// message. Moving past the newest message clears the selection.
func (p *Pane) selectBy(d int) {
	n := len(p.msgs)
	if n == 0 {
		return
	}
	switch {
	case p.selected < 0 && d < 0:
		p.selected = n - 1
	case p.selected < 0:
		return
	default:
		p.selected += d
	}
	if p.selected >= n {
		p.selected = -1
		p.scroll.follow = true
		return
	}
	p.selected = max(p.selected, 0)
	p.reveal(p.selected)
}

// copySelected copies the selected message, else the last reply.
func (p *Pane) copySelected() tea.Cmd {
	var m *chatMsg
	if p.selected >= 0 && p.selected < len(p.msgs) {
		m = p.msgs[p.selected]
	} else {
		for i := len(p.msgs) - 1; i >= 0; i-- {
			if p.msgs[i].kind != chatUser && p.msgs[i].copyText() != "" {
				m = p.msgs[i]
				break
			}
		}
	}
	if m == nil || m.copyText() == "" {
		return kit.Toast(kit.ToastInfo, "nothing to copy yet")
	}
	text := m.copyText()
	return func() tea.Msg { return kit.CopyMsg{Text: text, What: "message"} }
}

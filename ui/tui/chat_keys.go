package tui

import (
	tea "charm.land/bubbletea/v2"
)

// chatBindings are the chat pane's default keys. Editing keys (arrows
// within the text, home/end, backspace, ctrl+w/u/k) are fixed, like a
// shell's.
func chatBindings() []Binding {
	return []Binding{
		NewBinding("send", "send the request", "enter"),
		NewBinding("newline", "new line in the input", "alt+enter", "ctrl+j", "shift+enter"),
		NewBinding("history-prev", "previous input (cursor on the first line)", "up"),
		NewBinding("history-next", "next input (cursor on the last line)", "down"),
		NewBinding("scroll-up", "scroll the conversation up a page", "pgup"),
		NewBinding("scroll-down", "scroll the conversation down a page", "pgdown"),
		NewBinding("select-prev", "select the previous message", "alt+up"),
		NewBinding("select-next", "select the next message", "alt+down"),
		NewBinding("info", "show/hide route · tier · model · tokens · cost · latency", "alt+i"),
		NewBinding("copy", "copy the selected message, else the last reply", "alt+y"),
		NewBinding("clear-input", "clear the input (when empty: back out)", "esc"),
		NewBinding("approve", "run the command waiting for your approval", "y"),
		NewBinding("refuse", "refuse the command waiting for your approval (enter too: the default)", "n", "esc"),
	}
}

// chatWheelLines is how far one wheel notch scrolls.
const chatWheelLines = 3

// HandleKey implements Pane.
func (p *ChatPane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	if p.approval != nil {
		if cmd, handled := p.approvalKey(msg, k); handled {
			return cmd, true
		}
	}
	on := func(action string) bool { return Matches(p.keys, action, k) }
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
func (p *ChatPane) page() int { return max(p.viewportH-1, 1) }

// selectBy moves the message selection; from none, up selects the last
// message. Moving past the newest message clears the selection.
func (p *ChatPane) selectBy(d int) {
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
func (p *ChatPane) copySelected() tea.Cmd {
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
		return Toast(ToastInfo, "nothing to copy yet")
	}
	text := m.copyText()
	return func() tea.Msg { return CopyMsg{Text: text, What: "message"} }
}

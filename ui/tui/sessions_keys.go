package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
)

// HandleKey moves the selection, switches the chat to a session, and opens
// and answers the inline prompts. esc backs out of a prompt; with none
// open it is left to the root.
func (p *SessionsPane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	switch p.mode {
	case sessionsConfirmDelete:
		name := p.target
		p.closePrompt()
		if k != "y" && k != "Y" {
			return nil, true // anything but y cancels
		}
		return p.deleteCmd(name), true
	case sessionsNew, sessionsRename:
		switch k {
		case "esc":
			p.closePrompt()
			return nil, true
		case "enter":
			return p.submit(), true
		}
		p.input.Update(msg)
		return nil, true
	}

	n := len(p.list)
	switch {
	case Matches(p.keys, "up", k):
		p.cur.move(-1, n)
	case Matches(p.keys, "down", k):
		p.cur.move(1, n)
	case Matches(p.keys, "switch", k):
		name := p.Selected()
		if name == "" {
			return nil, true
		}
		return sessionsSwitch(name, true), true
	case Matches(p.keys, "new", k):
		p.openPrompt(sessionsNew, "")
	case Matches(p.keys, "rename", k):
		name := p.Selected()
		if name == "" {
			return nil, true
		}
		p.openPrompt(sessionsRename, name)
	case Matches(p.keys, "delete", k):
		if p.target = p.Selected(); p.target != "" {
			p.mode = sessionsConfirmDelete
		}
	default:
		return nil, false
	}
	return nil, true
}

// openPrompt opens the name input, prefilled with target when renaming.
func (p *SessionsPane) openPrompt(mode sessionsMode, target string) {
	p.mode, p.target = mode, target
	p.input.SetValue(target)
}

func (p *SessionsPane) closePrompt() {
	p.mode, p.target = sessionsBrowse, ""
	p.input.SetValue("")
}

// submit checks the typed name and sends the create or rename to the
// store. A name the store would refuse keeps the prompt open.
func (p *SessionsPane) submit() tea.Cmd {
	name := strings.TrimSpace(p.input.Value())
	if err := store.ValidateSessionName(name); err != nil {
		return Toast(ToastError, sessionsSentence(err))
	}
	mode, from := p.mode, p.target
	p.closePrompt()
	b := p.b
	if mode == sessionsRename {
		if name == from {
			return nil
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), sessionsTimeout)
			defer cancel()
			return sessionsDoneMsg{op: sessionsRename, name: from, to: name, err: b.RenameSession(ctx, from, name)}
		}
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), sessionsTimeout)
		defer cancel()
		s, err := b.EnsureSession(ctx, name)
		if err == nil {
			name = s.Name
		}
		return sessionsDoneMsg{op: sessionsNew, name: name, err: err}
	}
}

// deleteCmd deletes a session in a Cmd.
func (p *SessionsPane) deleteCmd(name string) tea.Cmd {
	b := p.b
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), sessionsTimeout)
		defer cancel()
		ok, err := b.DeleteSession(ctx, name)
		return sessionsDoneMsg{op: sessionsConfirmDelete, name: name, deleted: ok, err: err}
	}
}

// done reports a finished create, rename or delete and reloads the list.
func (p *SessionsPane) done(msg sessionsDoneMsg) tea.Cmd {
	if msg.err != nil {
		var text string
		switch {
		case msg.op == sessionsRename && errors.Is(msg.err, store.ErrNameTaken):
			text = fmt.Sprintf("The name %q is already taken; pick another.", msg.to)
		case errors.Is(msg.err, store.ErrNotFound):
			text = fmt.Sprintf("Session %q no longer exists.", msg.name)
		default:
			text = sessionsSentence(msg.err)
		}
		return tea.Batch(Toast(ToastError, text), p.load(false))
	}
	switch msg.op {
	case sessionsNew:
		p.want = msg.name
		return tea.Batch(p.load(false), sessionsSwitch(msg.name, true))
	case sessionsRename:
		p.want = msg.to
		cmds := []tea.Cmd{p.load(false), Toast(ToastInfo, fmt.Sprintf("Renamed %q to %q.", msg.name, msg.to))}
		if msg.name == p.current {
			p.current = msg.to
			cmds = append(cmds, sessionsSwitch(msg.to, false))
		}
		return tea.Batch(cmds...)
	default: // delete
		if !msg.deleted {
			return tea.Batch(p.load(false), Toast(ToastWarn, fmt.Sprintf("Session %q was already gone.", msg.name)))
		}
		cmds := []tea.Cmd{p.load(false), Toast(ToastInfo, fmt.Sprintf("Deleted session %q.", msg.name))}
		if msg.name == p.current {
			p.current = ""
			cmds = append(cmds, sessionsSwitch("", false))
		}
		return tea.Batch(cmds...)
	}
}

// sessionsSwitch asks the chat to show a session, and to take focus.
func sessionsSwitch(name string, focus bool) tea.Cmd {
	sw := func() tea.Msg { return SwitchSessionMsg{Name: name} }
	if !focus {
		return sw
	}
	return tea.Batch(sw, func() tea.Msg { return FocusPaneMsg{Pane: PaneChat} })
}

// sessionsSentence turns an error into a toast sentence.
func sessionsSentence(err error) string {
	s := err.Error()
	if s == "" {
		return "Something went wrong."
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

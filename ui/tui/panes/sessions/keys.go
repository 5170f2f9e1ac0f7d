package sessions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// HandleKey moves the selection, filters the list by name, switches the
// chat to a session, and opens and answers the inline prompts. esc backs
// out of a prompt, then clears the filter; with neither it is left to the
// root.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	switch p.mode {
	case confirmDelete:
		name := p.target
		p.closePrompt()
		if k != "y" && k != "Y" {
			return nil, true // anything but y cancels
		}
		return p.deleteCmd(name), true
	case naming, renaming:
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
	if handled, changed := p.cur.FilterKey(p.Keys(), msg); handled {
		if changed {
			p.narrow(p.Selected())
		}
		return nil, true
	}

	switch {
	case p.cur.Move(p.Keys(), k, len(p.rows)):
	case p.Matches("switch", k):
		name := p.Selected()
		if name == "" {
			return nil, true
		}
		return switchTo(name, true), true
	case p.Matches("new", k):
		p.openPrompt(naming, "")
	case p.Matches("rename", k):
		name := p.Selected()
		if name == "" {
			return nil, true
		}
		p.openPrompt(renaming, name)
	case p.Matches("delete", k):
		if p.target = p.Selected(); p.target != "" {
			p.mode = confirmDelete
		}
	default:
		return nil, false
	}
	return nil, true
}

// openPrompt opens the name input, prefilled with target when renaming.
func (p *Pane) openPrompt(mode mode, target string) {
	p.mode, p.target = mode, target
	p.input.SetValue(target)
}

func (p *Pane) closePrompt() {
	p.mode, p.target = browse, ""
	p.input.SetValue("")
}

// submit checks the typed name and sends the create or rename to the
// store. A name the store would refuse keeps the prompt open.
func (p *Pane) submit() tea.Cmd {
	name := strings.TrimSpace(p.input.Value())
	if err := store.ValidateSessionName(name); err != nil {
		return kit.Toast(kit.ToastError, kit.Sentence(err))
	}
	mode, from := p.mode, p.target
	p.closePrompt()
	b := p.b
	if mode == renaming {
		if name == from {
			return nil
		}
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			return doneMsg{op: renaming, name: from, to: name, err: b.RenameSession(ctx, from, name)}
		}
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		s, err := b.EnsureSession(ctx, name)
		if err == nil {
			name = s.Name
		}
		return doneMsg{op: naming, name: name, err: err}
	}
}

// deleteCmd deletes a session in a Cmd.
func (p *Pane) deleteCmd(name string) tea.Cmd {
	b := p.b
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		ok, err := b.DeleteSession(ctx, name)
		return doneMsg{op: confirmDelete, name: name, deleted: ok, err: err}
	}
}

// done reports a finished create, rename or delete and reloads the list.
func (p *Pane) done(msg doneMsg) tea.Cmd {
	if msg.err != nil {
		var text string
		switch {
		case msg.op == renaming && errors.Is(msg.err, store.ErrNameTaken):
			text = fmt.Sprintf("The name %q is already taken; pick another.", msg.to)
		case errors.Is(msg.err, store.ErrNotFound):
			text = fmt.Sprintf("Session %q no longer exists.", msg.name)
		default:
			text = kit.Sentence(msg.err)
		}
		return tea.Batch(kit.Toast(kit.ToastError, text), p.load())
	}
	switch msg.op {
	case naming:
		p.want = msg.name
		return tea.Batch(p.load(), switchTo(msg.name, true))
	case renaming:
		p.want = msg.to
		cmds := []tea.Cmd{p.load(), kit.Toast(kit.ToastInfo, fmt.Sprintf("Renamed %q to %q.", msg.name, msg.to))}
		if msg.name == p.current {
			p.current = msg.to
			cmds = append(cmds, switchTo(msg.to, false))
		}
		return tea.Batch(cmds...)
	default: // delete
		if !msg.deleted {
			return tea.Batch(p.load(), kit.Toast(kit.ToastWarn, fmt.Sprintf("Session %q was already gone.", msg.name)))
		}
		cmds := []tea.Cmd{p.load(), kit.Toast(kit.ToastInfo, fmt.Sprintf("Deleted session %q.", msg.name))}
		if msg.name == p.current {
			p.current = ""
			cmds = append(cmds, switchTo("", false))
		}
		return tea.Batch(cmds...)
	}
}

// switchTo asks the chat to show a session, and to take focus.
func switchTo(name string, focus bool) tea.Cmd {
	sw := func() tea.Msg { return kit.SwitchSessionMsg{Name: name} }
	if !focus {
		return sw
	}
	return tea.Batch(sw, func() tea.Msg { return kit.FocusPaneMsg{Pane: kit.PaneChat} })
}

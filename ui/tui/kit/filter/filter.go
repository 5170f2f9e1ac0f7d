// Package filter is the panes' one-line text input: a list's filter and
// the inline prompts (a session name). It is bubbles' textinput set up to
// schedule nothing (no blink), to take only the editing keys a shell has,
// and to clean everything typed or pasted with termsafe, so what it draws
// cannot control the terminal.
package filter

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit/cells"
)

// Input is a one-line text input. The zero value is an empty input
// without a limit.
type Input struct {
	ti    textinput.Model
	limit int // most runes accepted; 0 = no limit
	width int // the width the view was last drawn at
	ready bool
}

// New returns an empty input that accepts at most limit runes (0: no
// limit).
func New(limit int) Input { return Input{limit: limit} }

// init builds the textinput on first use, so the zero value works.
func (in *Input) init() {
	if in.ready {
		return
	}
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = in.limit
	ti.KeyMap = keyMap()
	ti.Focus()
	in.ti, in.ready = ti, true
}

// keyMap is the textinput's keys: a shell's editing keys and nothing
// else (no clipboard, no suggestions).
func keyMap() textinput.KeyMap {
	k := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return textinput.KeyMap{
		CharacterBackward:       k("left", "ctrl+b"),
		CharacterForward:        k("right", "ctrl+f"),
		LineStart:               k("home", "ctrl+a"),
		LineEnd:                 k("end", "ctrl+e"),
		DeleteCharacterBackward: k("backspace", "ctrl+h"),
		DeleteCharacterForward:  k("delete", "ctrl+d"),
		DeleteBeforeCursor:      k("ctrl+u"),
		DeleteAfterCursor:       k("ctrl+k"),
		DeleteWordBackward:      k("ctrl+w", "alt+backspace"),
	}
}

// editingKey reports whether Update gives k to the textinput. A switch, not a
// map: nothing is built at package init.
func editingKey(k string) bool {
	switch k {
	case "left", "ctrl+b", "right", "ctrl+f", "home", "ctrl+a", "end",
		"ctrl+e", "backspace", "ctrl+h", "delete", "ctrl+d", "ctrl+u", "ctrl+k",
		"ctrl+w", "alt+backspace":
		return true
	}
	return false
}

// SetValue replaces the text and puts the cursor at its end.
func (in *Input) SetValue(s string) {
	in.init()
	in.ti.SetValue(clean(s))
	in.ti.CursorEnd()
}

// Value returns the text.
func (in *Input) Value() string { in.init(); return in.ti.Value() }

// insert types s at the cursor, cleaned: escape sequences, controls and
// bidi overrides removed, line breaks and tabs turned into spaces (a name
// is one line).
func (in *Input) insert(s string) {
	in.ti, _ = in.ti.Update(tea.PasteMsg{Content: clean(s)})
}

// clean makes s safe to show and one line.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, termsafe.Clean(s))
}

// Update applies a key or a paste; it reports whether it used the message.
func (in *Input) Update(msg tea.Msg) bool {
	in.init()
	switch msg := msg.(type) {
	case tea.PasteMsg:
		in.insert(msg.Content)
		return true
	case tea.KeyPressMsg:
		switch {
		case editingKey(msg.String()):
			in.ti, _ = in.ti.Update(msg) // no blink, no clipboard: no command
		case msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0:
			return false
		default:
			in.insert(msg.Text)
		}
		return true
	}
	return false
}

// View draws the text in width cells with the cursor as a reversed cell,
// scrolled so the cursor stays visible; an empty input shows hint in the
// placeholder style.
func (in *Input) View(width int, text, placeholder lipgloss.Style, hint string) string {
	if width <= 0 {
		return ""
	}
	in.init()
	in.ti.SetStyles(textinput.Styles{
		Focused: textinput.StyleState{Text: text},
		Blurred: textinput.StyleState{Text: text},
		Cursor:  textinput.CursorStyle{Blink: false},
	})
	if in.ti.Value() == "" {
		// The cursor cell, then the hint (the textinput would put the
		// cursor on the hint's first letter).
		return lipgloss.NewStyle().Reverse(true).Render(" ") + placeholder.Render(fit(clean(hint), width-1))
	}
	if width != in.width {
		// The textinput keeps the window of text it shows; a new width
		// needs a new window, from the start up to the cursor.
		in.width = width
		pos := in.ti.Position()
		in.ti.SetWidth(max(width-1, 1)) // the cursor takes a cell of its own
		in.ti.SetCursor(0)
		in.ti.SetCursor(pos)
	}
	return fit(in.ti.View(), width)
}

// fit clips s (which may hold ANSI styling) to width cells and pads it
// with spaces to exactly width cells.
func fit(s string, width int) string { return cells.Fit(s, width, "…") }

// Package filter is the panes' one-line text input: a list's filter and
// the inline prompts (a session name).
package filter

import (
	"slices"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Input is a one-line text input: typing, paste, cursor moves and
// deletion. It has no blink, so it schedules nothing. The zero value is an
// empty input without a limit.
type Input struct {
	value []rune
	pos   int // cursor, 0..len(value)
	limit int // most runes accepted; 0 = no limit
}

// New returns an empty input that accepts at most limit runes (0: no
// limit).
func New(limit int) Input { return Input{limit: limit} }

// SetValue replaces the text and puts the cursor at its end.
func (in *Input) SetValue(s string) {
	in.value = nil
	in.pos = 0
	in.insert(s)
}

// Value returns the text.
func (in *Input) Value() string { return string(in.value) }

// insert types s at the cursor; control characters are dropped and line
// breaks become spaces (a name is one line).
func (in *Input) insert(s string) {
	var add []rune
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			add = append(add, ' ')
		case unicode.IsControl(r):
		default:
			add = append(add, r)
		}
	}
	if in.limit > 0 {
		add = add[:max(0, min(len(add), in.limit-len(in.value)))]
	}
	in.value = slices.Insert(in.value, in.pos, add...)
	in.pos += len(add)
}

// Update applies a key or a paste; it reports whether it used the message.
func (in *Input) Update(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		in.insert(msg.Content)
		return true
	case tea.KeyPressMsg:
		switch msg.String() {
		case "left", "ctrl+b":
			in.pos = max(0, in.pos-1)
		case "right", "ctrl+f":
			in.pos = min(len(in.value), in.pos+1)
		case "home", "ctrl+a":
			in.pos = 0
		case "end", "ctrl+e":
			in.pos = len(in.value)
		case "backspace", "ctrl+h":
			if in.pos > 0 {
				in.value = slices.Delete(in.value, in.pos-1, in.pos)
				in.pos--
			}
		case "delete", "ctrl+d":
			if in.pos < len(in.value) {
				in.value = slices.Delete(in.value, in.pos, in.pos+1)
			}
		case "ctrl+u":
			in.value = slices.Delete(in.value, 0, in.pos)
			in.pos = 0
		case "ctrl+k":
			in.value = in.value[:in.pos]
		case "ctrl+w", "alt+backspace":
			i := in.pos
			for i > 0 && unicode.IsSpace(in.value[i-1]) {
				i--
			}
			for i > 0 && !unicode.IsSpace(in.value[i-1]) {
				i--
			}
			in.value = slices.Delete(in.value, i, in.pos)
			in.pos = i
		default:
			if msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
				return false
			}
			in.insert(msg.Text)
		}
		return true
	}
	return false
}

// View draws the text in width cells with the cursor as a reversed cell,
// scrolled so the cursor stays visible; an empty input shows placeholder.
func (in *Input) View(width int, text, placeholder lipgloss.Style, hint string) string {
	if width <= 0 {
		return ""
	}
	cursor := lipgloss.NewStyle().Reverse(true)
	if len(in.value) == 0 {
		return cursor.Render(" ") + placeholder.Render(fit(hint, width-1))
	}
	// Show the runes around the cursor that fit, cursor cell included.
	start, used := in.pos, 1
	if in.pos < len(in.value) {
		used = max(1, ansi.StringWidth(string(in.value[in.pos])))
	}
	for start > 0 {
		w := ansi.StringWidth(string(in.value[start-1]))
		if used+w > width {
			break
		}
		used += w
		start--
	}
	end := in.pos
	if end < len(in.value) {
		end++ // the cursor sits on this rune; its cell is already counted
	}
	for end < len(in.value) {
		w := ansi.StringWidth(string(in.value[end]))
		if used+w > width {
			break
		}
		used += w
		end++
	}
	var b strings.Builder
	b.WriteString(text.Render(string(in.value[start:in.pos])))
	if in.pos < len(in.value) {
		b.WriteString(cursor.Render(string(in.value[in.pos])))
		b.WriteString(text.Render(string(in.value[in.pos+1 : end])))
	} else {
		b.WriteString(cursor.Render(" "))
	}
	return fit(b.String(), width)
}

// fit clips s (which may hold ANSI styling) to width cells and pads it
// with spaces to exactly width cells.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

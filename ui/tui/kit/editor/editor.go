// Package editor is the chat's multi-line input: bubbles' textarea set up
// to schedule nothing (no blink), to take only the editing keys a shell
// has, and to show a prompt on its first row. Everything that enters it,
// typed or pasted, goes through termsafe first, so what it draws cannot
// control the terminal.
package editor

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit/cells"
)

// TabWidth is how many spaces a typed or pasted tab becomes (the
// textarea's own rule).
const TabWidth = 4

// MaxBytes caps the input: the textarea wraps its whole text again on
// every key, so a megabyte pasted would cost a visible pause per key
// press. Longer text belongs in a file the request names.
const MaxBytes = 128 << 10

// promptWidth is the cells of the prompt ("› ") and of the indent of the
// rows after it.
const promptWidth = 2

// Editor is the chat's multi-line input. The zero value is an empty input.
type Editor struct {
	ta    textarea.Model
	ready bool
}

// init builds the textarea on first use, so the zero value works.
func (in *Editor) init() {
	if in.ready {
		return
	}
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.CharLimit = 0
	ta.MaxHeight = 0
	ta.MaxWidth = 0
	ta.EndOfBufferCharacter = ' '
	ta.KeyMap = keyMap()
	ta.SetPromptFunc(promptWidth, func(pi textarea.PromptInfo) string {
		if pi.LineNumber == 0 {
			return "› "
		}
		return "  "
	})
	ta.Focus()
	in.ta, in.ready = ta, true
}

// keyMap is the textarea's keys: a shell's editing keys and nothing else.
// Lines up and down, history, newline, paste from the system clipboard
// and selection are the pane's business or not offered, so their
// bindings stay empty (disabled).
func keyMap() textarea.KeyMap {
	k := func(keys ...string) key.Binding { return key.NewBinding(key.WithKeys(keys...)) }
	return textarea.KeyMap{
		CharacterBackward:       k("left", "ctrl+b"),
		CharacterForward:        k("right", "ctrl+f"),
		LineStart:               k("home", "ctrl+a"),
		LineEnd:                 k("end", "ctrl+e"),
		WordBackward:            k("alt+left", "ctrl+left", "alt+b"),
		WordForward:             k("alt+right", "ctrl+right", "alt+f"),
		DeleteCharacterBackward: k("backspace", "ctrl+h"),
		DeleteCharacterForward:  k("delete", "ctrl+d"),
		DeleteWordBackward:      k("ctrl+w", "alt+backspace"),
		DeleteBeforeCursor:      k("ctrl+u"),
		DeleteAfterCursor:       k("ctrl+k"),
	}
}

// editingKey reports whether HandleKey gives k to the textarea. A switch, not a
// map: nothing is built at package init.
func editingKey(k string) bool {
	switch k {
	case "left", "ctrl+b", "right", "ctrl+f", "home", "ctrl+a", "end",
		"ctrl+e", "alt+left", "ctrl+left", "alt+b", "alt+right", "ctrl+right",
		"alt+f", "backspace", "ctrl+h", "delete", "ctrl+d", "ctrl+w",
		"alt+backspace", "ctrl+u", "ctrl+k":
		return true
	}
	return false
}

// Value returns the text, lines joined by "\n".
func (in *Editor) Value() string { in.init(); return in.ta.Value() }

// SetValue replaces the text and puts the cursor at its end.
func (in *Editor) SetValue(s string) {
	in.init()
	in.ta.Reset()
	_ = in.Insert(s)
}

// Reset empties the input.
func (in *Editor) Reset() { in.init(); in.ta.Reset() }

// Empty reports whether there is no text at all.
func (in *Editor) Empty() bool { in.init(); return in.ta.Length() == 0 && in.ta.LineCount() <= 1 }

// OnFirstLine and OnLastLine say where the cursor is, for history keys.
func (in *Editor) OnFirstLine() bool { in.init(); return in.ta.Line() == 0 }
func (in *Editor) OnLastLine() bool  { in.init(); return in.ta.Line() == in.ta.LineCount()-1 }

// Insert types s at the cursor, made safe first: escape sequences,
// control characters and bidi overrides are removed, a carriage return
// breaks the line, a tab becomes TabWidth spaces.
//
// Text beyond MaxBytes is left out, on a character boundary; cut reports
// that some was, so the pane can say so.
func (in *Editor) Insert(s string) (cut bool) {
	in.init()
	// Tabs become spaces here, not in the textarea, so the cap counts
	// what the input will hold.
	s = strings.ReplaceAll(termsafe.Clean(s), "\t", strings.Repeat(" ", TabWidth))
	if room := MaxBytes - len(in.ta.Value()); len(s) > room {
		s, cut = prefixWithin(s, max(room, 0)), true
	}
	if s != "" {
		in.ta.InsertString(s)
	}
	return cut
}

// prefixWithin is the longest prefix of s of at most n bytes that ends on
// a character boundary.
func prefixWithin(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Newline splits the line at the cursor.
func (in *Editor) Newline() { in.init(); in.ta.InsertRune('\n') }

// Up and Down move the cursor a line; false means it is already on the
// first (last) line, so the key may recall history instead.
func (in *Editor) Up() bool {
	if in.OnFirstLine() {
		return false
	}
	in.ta.CursorUp()
	return true
}

func (in *Editor) Down() bool {
	if in.OnLastLine() {
		return false
	}
	in.ta.CursorDown()
	return true
}

// CursorToStart puts the cursor at the end of the first line, CursorToEnd
// at the end of the last: where a recalled history entry leaves it.
func (in *Editor) CursorToStart() { in.init(); in.ta.MoveToBegin(); in.ta.CursorEnd() }
func (in *Editor) CursorToEnd()   { in.init(); in.ta.MoveToEnd() }

// HandleKey applies an editing key or typed text and reports whether it
// used the key. The editing keys are fixed, like a shell's; ctrl+d on an
// empty input is left to the caller, and so is every key with ctrl, alt
// or another modifier that is not an editing key.
func (in *Editor) HandleKey(msg tea.KeyPressMsg) bool {
	in.init()
	k := msg.String()
	switch {
	case k == "ctrl+d" && in.Empty():
		return false
	case k == "ctrl+u" && in.ta.Column() == 0:
		return true // nothing before the cursor on this line
	case editingKey(k):
		// The textarea ignores keys while blurred, and View blurs it when
		// the pane draws unfocused: a key given here is meant.
		in.ta.Focus()
		in.ta, _ = in.ta.Update(msg) // no blink, no clipboard: no command
		return true
	case msg.Text == "" || msg.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModSuper|tea.ModHyper|tea.ModMeta) != 0:
		return false
	}
	_ = in.Insert(msg.Text)
	return true
}

// Styles are the editor's styles: the prompt when focused, the prompt
// blurred and the placeholder, and the text.
type Styles struct {
	Prompt, Subtle, Text lipgloss.Style
}

// setStyles gives the textarea the editor's styles; the cursor is a
// reversed cell that does not blink.
func (in *Editor) setStyles(st Styles) {
	plain := lipgloss.NewStyle()
	state := textarea.StyleState{
		Base: plain, Text: st.Text, CursorLine: st.Text, Placeholder: st.Subtle,
		Prompt: st.Prompt, EndOfBuffer: plain, LineNumber: plain, CursorLineNumber: plain,
	}
	blurred := state
	blurred.Prompt = st.Subtle
	in.ta.SetStyles(textarea.Styles{Focused: state, Blurred: blurred, Cursor: textarea.CursorStyle{Blink: false}})
}

// Rows is how many rows the input needs at width (prompt included).
func (in *Editor) Rows(width int) int {
	in.init()
	// The textarea measures its wrapped rows when it sizes itself to its
	// content; it keeps a fixed height otherwise.
	in.ta.DynamicHeight = true
	in.ta.SetWidth(max(width, promptWidth+1))
	n := in.ta.Height()
	in.ta.DynamicHeight = false
	return n
}

// View draws the input in width × height cells: a prompt, the text
// wrapped, the rows around the cursor, the cursor itself when focused,
// and the placeholder (one line, cut) when empty.
func (in *Editor) View(width, height int, st Styles, focused bool, placeholder string) []string {
	in.init()
	height = max(height, 1)
	in.setStyles(st)
	if focused {
		in.ta.Focus()
	} else {
		in.ta.Blur()
	}
	cw := max(width-promptWidth, 1)
	in.ta.Placeholder = ansi.Truncate(strings.ReplaceAll(termsafe.Clean(placeholder), "\n", " "), cw, "…")
	in.ta.SetWidth(max(width, promptWidth+1))
	in.ta.SetHeight(height)
	// The textarea scrolls to the cursor against the content it last drew:
	// draw once so it knows the rows, then scroll, then draw.
	_ = in.ta.View()
	in.ta.SetHeight(height)
	lines := strings.Split(strings.TrimSuffix(in.ta.View(), "\n"), "\n")
	out := make([]string, 0, height)
	for _, l := range lines {
		if len(out) == height {
			break
		}
		out = append(out, fit(l, width))
	}
	for len(out) < height {
		out = append(out, strings.Repeat(" ", width))
	}
	return out
}

// fit makes a styled line exactly width cells: cut when longer, padded
// with spaces when shorter.
func fit(s string, width int) string { return cells.Fit(s, width, "") }

package tuitest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// namedKeys are the key names Bubble Tea writes for keys that are no
// character.
var namedKeys = map[string]rune{
	"enter": tea.KeyEnter, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
	"esc": tea.KeyEscape, "escape": tea.KeyEscape, "space": tea.KeySpace,
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
	"insert": tea.KeyInsert, "delete": tea.KeyDelete, "begin": tea.KeyBegin,
	"f1": tea.KeyF1, "f2": tea.KeyF2, "f3": tea.KeyF3, "f4": tea.KeyF4,
	"f5": tea.KeyF5, "f6": tea.KeyF6, "f7": tea.KeyF7, "f8": tea.KeyF8,
	"f9": tea.KeyF9, "f10": tea.KeyF10, "f11": tea.KeyF11, "f12": tea.KeyF12,
}

// modifiers are the prefixes of a key name, as Bubble Tea writes them.
var modifiers = []struct {
	prefix string
	mod    tea.KeyMod
}{
	{"ctrl+", tea.ModCtrl}, {"alt+", tea.ModAlt}, {"shift+", tea.ModShift},
	{"meta+", tea.ModMeta}, {"hyper+", tea.ModHyper}, {"super+", tea.ModSuper},
}

// Key returns the press a terminal sends for a key name as Bubble Tea
// writes it (tea.KeyPressMsg.String): "a", "A", "?", "space", "enter",
// "esc", "ctrl+c", "alt+1", "shift+tab", "ctrl+alt+left", "f1". A press
// without ctrl, alt, meta, hyper or super carries its text, as typing
// does. A name that is no key panics: it is a mistake in the test.
func Key(name string) tea.KeyPressMsg {
	k, err := parseKey(name)
	if err != nil {
		panic(err)
	}
	return k
}

// Keys returns the presses for several key names.
func Keys(names ...string) []tea.KeyPressMsg {
	out := make([]tea.KeyPressMsg, len(names))
	for i, n := range names {
		out[i] = Key(n)
	}
	return out
}

func parseKey(name string) (tea.KeyPressMsg, error) {
	var mod tea.KeyMod
	rest := name
	for again := true; again; {
		again = false
		for _, m := range modifiers {
			if r, ok := strings.CutPrefix(rest, m.prefix); ok && r != "" {
				mod, rest, again = mod|m.mod, r, true
			}
		}
	}
	code, named := namedKeys[rest]
	if !named {
		r, size := utf8.DecodeRuneInString(rest)
		if rest == "" || size != len(rest) || r == utf8.RuneError || unicode.IsControl(r) {
			return tea.KeyPressMsg{}, fmt.Errorf("tuitest: %q is no key name", name)
		}
		code = r
	}
	k := tea.KeyPressMsg{Code: code, Mod: mod}
	if mod&^tea.ModShift != 0 {
		return k, nil // a chord: no text
	}
	switch {
	case code == tea.KeySpace:
		k.Text = " "
	case !named && mod&tea.ModShift != 0:
		k.Text = string(unicode.ToUpper(code))
	case !named:
		k.Text = string(code)
	}
	return k, nil
}

// Typing returns the presses that type text, one per character: a space
// is the space key, "\n" enter and "\t" tab.
func Typing(text string) []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for _, r := range text {
		switch r {
		case ' ':
			out = append(out, Key("space"))
		case '\n':
			out = append(out, Key("enter"))
		case '\t':
			out = append(out, Key("tab"))
		default:
			out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	return out
}

package editor

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// press sends key presses by name; it fails when one is not taken.
func press(t *testing.T, in *Editor, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if !in.HandleKey(tuitest.Key(k)) {
			t.Fatalf("%s was not taken", k)
		}
	}
}

func typeText(t *testing.T, in *Editor, text string) {
	t.Helper()
	for _, k := range tuitest.Typing(text) {
		if !in.HandleKey(k) {
			t.Fatalf("typing %q was not taken", k.Text)
		}
	}
}

func plainStyles() Styles {
	p := lipgloss.NewStyle()
	return Styles{Prompt: p, Subtle: p, Text: p}
}

// view draws the input and strips it, trailing spaces cut.
func view(in *Editor, width, height int, focused bool, placeholder string) []string {
	lines := in.View(width, height, plainStyles(), focused, placeholder)
	for i, l := range lines {
		lines[i] = strings.TrimRight(ansi.Strip(l), " ")
	}
	return lines
}

func TestEditingKeys(t *testing.T) {
	cases := []struct {
		name  string
		start string // typed first
		keys  []string
		want  string
	}{
		{"ctrl+w deletes the word before", "hello world", []string{"ctrl+w"}, "hello "},
		{"alt+backspace too", "hello world", []string{"alt+backspace"}, "hello "},
		{"ctrl+u deletes to the line start", "one two", []string{"alt+b", "ctrl+u"}, "two"},
		{"ctrl+u at the line start deletes nothing", "one", []string{"home", "ctrl+u"}, "one"},
		{"ctrl+k deletes to the line end", "one two", []string{"ctrl+a", "ctrl+k"}, ""},
		{"backspace and delete", "abcd", []string{"backspace", "home", "delete"}, "bc"},
		{"left, right and typing between", "ac", []string{"left", "b", "right", "d"}, "abcd"},
		{"word moves", "one two three", []string{"alt+b", "alt+b", "alt+f", "!"}, "one two! three"},
		{"ctrl+d deletes under the cursor", "ab", []string{"ctrl+a", "ctrl+d"}, "b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var in Editor
			typeText(t, &in, tc.start)
			for _, k := range tc.keys {
				if len(k) == 1 {
					typeText(t, &in, k)
					continue
				}
				in.HandleKey(tuitest.Key(k))
			}
			if got := in.Value(); got != tc.want {
				t.Fatalf("value %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKeysWorkAfterAnUnfocusedView(t *testing.T) {
	var in Editor
	in.SetValue("abc")
	in.View(20, 1, plainStyles(), false, "")
	press(t, &in, "backspace", "home", "delete")
	if got := in.Value(); got != "b" {
		t.Fatalf("value %q, want %q", got, "b")
	}
}

func TestKeysLeftToThePane(t *testing.T) {
	var in Editor
	for _, k := range []string{"enter", "up", "down", "pgup", "esc", "ctrl+c", "ctrl+v", "alt+1", "alt+i", "shift+left", "ctrl+d", "tab"} {
		if in.HandleKey(tuitest.Key(k)) {
			t.Errorf("%s was taken by an empty input", k)
		}
	}
	typeText(t, &in, "x")
	if !in.HandleKey(tuitest.Key("ctrl+d")) {
		t.Error("ctrl+d on text was not taken")
	}
}

func TestLinesAndHistoryMoves(t *testing.T) {
	var in Editor
	in.Insert("first")
	in.Newline()
	in.Insert("second")
	if in.Value() != "first\nsecond" || !in.OnLastLine() || in.OnFirstLine() {
		t.Fatalf("after a newline: %q", in.Value())
	}
	if in.Down() {
		t.Fatal("down on the last line moved")
	}
	if !in.Up() || !in.OnFirstLine() || in.Up() {
		t.Fatal("up does not stop on the first line")
	}
	in.SetValue("a\nb\nc")
	in.CursorToStart()
	typeText(t, &in, "!")
	if in.Value() != "a!\nb\nc" {
		t.Fatalf("CursorToStart: %q", in.Value())
	}
	in.Reset()
	if !in.Empty() || in.Value() != "" {
		t.Fatalf("reset: %q", in.Value())
	}
	in.Newline()
	if in.Empty() {
		t.Fatal("an input holding a line break is empty")
	}
}

func TestInsertIsSanitised(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"CSI colour", "\x1b[31mred\x1b[0m", "red"},
		{"OSC 52 clipboard write", "a\x1b]52;c;Zm9v\x07b", "ab"},
		{"C1 CSI", "x\u009b2Jy", "xy"},
		{"bidi override", "abc\u202edef\u202c", "abcdef"},
		{"bell and DEL", "a\ab\x7f", "ab"},
		{"CRLF is one break", "one\r\ntwo", "one\ntwo"},
		{"lone CR breaks the line", "10%\r100%", "10%\n100%"},
		{"tab", "a\tb", "a" + strings.Repeat(" ", TabWidth) + "b"},
		{"wide and accented text kept", "日本 ünï", "日本 ünï"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var in Editor
			in.Insert(tc.in)
			if got := in.Value(); got != tc.want {
				t.Fatalf("value %q, want %q", got, tc.want)
			}
			// Typed as one key press with text (an IME, a terminal that
			// sends a burst) it is cleaned the same way.
			var typed Editor
			typed.HandleKey(tuitest.Key("a"))
			typed.HandleKey(tuitest.Key("backspace"))
			typed.HandleKey(tuitestText(tc.in))
			if got := typed.Value(); got != tc.want {
				t.Fatalf("typed %q, want %q", got, tc.want)
			}
			for _, l := range in.View(20, 3, plainStyles(), true, "") {
				if strings.ContainsAny(ansi.Strip(l), "\x1b\u009b\u202e\a\x7f") {
					t.Fatalf("view holds a control: %q", l)
				}
			}
		})
	}
}

// tuitestText is a key press carrying text, as a terminal sends a burst.
func tuitestText(s string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: 'x', Text: s} }

func TestViewFillsItsSize(t *testing.T) {
	var in Editor
	for _, width := range []int{1, 2, 3, 10, 40} {
		for _, height := range []int{1, 3} {
			for _, text := range []string{"", "short", "a much longer line that wraps more than once", "x\ny\nz\nw"} {
				in.SetValue(text)
				lines := in.View(width, height, plainStyles(), true, "Ask anything")
				if len(lines) != height {
					t.Fatalf("%q at %dx%d: %d lines", text, width, height, len(lines))
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w != width {
						t.Fatalf("%q at %dx%d: line %q is %d cells", text, width, height, ansi.Strip(l), w)
					}
				}
			}
		}
	}
}

func TestViewPromptPlaceholderAndScroll(t *testing.T) {
	var in Editor
	if got := view(&in, 20, 2, true, "Ask anything, or !command"); got[0] != "› Ask anything, or …" || got[1] != "" {
		t.Fatalf("placeholder: %q", got)
	}
	in.SetValue("one\ntwo\nthree")
	if got := view(&in, 20, 2, false, ""); got[0] != "  two" || got[1] != "  three" {
		t.Fatalf("rows around the cursor: %q", got)
	}
	in.CursorToStart()
	if got := view(&in, 20, 2, true, ""); got[0] != "› one" || got[1] != "  two" {
		t.Fatalf("cursor on the first line: %q", got)
	}
	if n := in.Rows(20); n != 3 {
		t.Fatalf("Rows = %d, want 3", n)
	}
	in.SetValue("the quick brown fox jumps")
	if n := in.Rows(12); n < 3 {
		t.Fatalf("wrapped Rows = %d, want at least 3", n)
	}
}

// TestInsertCapsTheInput: the input never holds more than MaxBytes, a cut
// never splits a character, and Insert says when it cut.
func TestInsertCapsTheInput(t *testing.T) {
	for _, tc := range []struct {
		name    string
		have    int // bytes already in the input
		paste   string
		wantLen int
		wantCut bool
	}{
		{"fits", 0, "short", 5, false},
		{"exactly fills", 10, strings.Repeat("a", MaxBytes-10), MaxBytes, false},
		{"one byte over", 10, strings.Repeat("a", MaxBytes-9), MaxBytes, true},
		{"a megabyte", 0, strings.Repeat("x", 1<<20), MaxBytes, true},
		{"already full", MaxBytes, "more", MaxBytes, true},
		{"multibyte at the edge", MaxBytes - 1, "é", MaxBytes - 1, true},
		// A tab is counted as the spaces it becomes: measured as one
		// byte, the input grew past the cap and, full, took no key.
		{"tabs", 0, strings.Repeat("a\t", MaxBytes/2), MaxBytes, true},
		{"a tab at the edge", MaxBytes - 2, "\t", MaxBytes, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in Editor
			in.SetValue(strings.Repeat("b", tc.have))
			cut := in.Insert(tc.paste)
			v := in.Value()
			if len(v) != tc.wantLen || cut != tc.wantCut {
				t.Fatalf("len %d cut %v; want len %d cut %v", len(v), cut, tc.wantLen, tc.wantCut)
			}
			if !utf8.ValidString(v) {
				t.Fatal("the cut split a character")
			}
		})
	}
}

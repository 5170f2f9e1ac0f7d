package filter_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/kit/filter"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

func TestEditing(t *testing.T) {
	in := filter.New(8)
	in.SetValue("hello")
	for _, k := range []string{"left", "left", "backspace", "L"} {
		in.Update(tuitest.Key(k))
	}
	if got := in.Value(); got != "heLlo" {
		t.Fatalf("after edits: %q", got)
	}
	in.Update(tea.PasteMsg{Content: "a\nbcdef"})
	if got := in.Value(); got != "heLa blo" {
		t.Fatalf("after paste (limit 8): %q", got)
	}
	in.Update(tuitest.Key("ctrl+u"))
	if got := in.Value(); got != "lo" {
		t.Fatalf("after ctrl+u: %q", got)
	}
	for _, k := range []string{"ctrl+x", "enter", "esc", "up", "tab", "alt+1", "ctrl+v"} {
		if in.Update(tuitest.Key(k)) {
			t.Errorf("%s was taken as editing", k)
		}
	}
	plain := lipgloss.NewStyle()
	if got := ansi.Strip(in.View(6, plain, plain, "name")); got != "lo    " {
		t.Fatalf("view = %q", got)
	}
	in.Update(tuitest.Key("end"))
	in.Update(tuitest.Key("ctrl+w"))
	if got := ansi.Strip(in.View(6, plain, plain, "a name")); got != " a na…" || in.Value() != "" {
		t.Fatalf("empty view = %q (value %q)", got, in.Value())
	}
}

func TestInsertIsSanitised(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"CSI colour", "\x1b[31mred\x1b[0m", "red"},
		{"OSC 52 clipboard write", "a\x1b]52;c;Zm9v\x07b", "ab"},
		{"C1 CSI", "x\u009b2Jy", "xy"},
		{"bidi override", "abc\u202edef\u202c", "abcdef"},
		{"line breaks and tabs are spaces", "a\nb\tc\rd", "a b c d"},
		{"wide text kept", "日本語", "日本語"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var pasted, typed, set filter.Input
			pasted.Update(tea.PasteMsg{Content: tc.in})
			typed.Update(tea.KeyPressMsg{Code: 'x', Text: tc.in})
			set.SetValue(tc.in)
			for _, in := range []*filter.Input{&pasted, &typed, &set} {
				if got := in.Value(); got != tc.want {
					t.Fatalf("value %q, want %q", got, tc.want)
				}
				if v := ansi.Strip(in.View(30, lipgloss.NewStyle(), lipgloss.NewStyle(), "")); strings.ContainsAny(v, "\x1b\u009b\u202e\a\n") {
					t.Fatalf("view holds a control: %q", v)
				}
			}
		})
	}
}

func TestViewKeepsTheCursorInSight(t *testing.T) {
	plain := lipgloss.NewStyle()
	var in filter.Input
	in.SetValue("abcdefghijklmnopqrstuvwxyz")
	for _, width := range []int{1, 5, 10, 40} {
		v := in.View(width, plain, plain, "")
		if w := ansi.StringWidth(v); w != width {
			t.Fatalf("width %d: view %q is %d cells", width, ansi.Strip(v), w)
		}
	}
	if got := ansi.Strip(in.View(8, plain, plain, "")); !strings.HasSuffix(got, "z ") {
		t.Fatalf("cursor at the end not shown: %q", got)
	}
	in.Update(tuitest.Key("home"))
	if got := ansi.Strip(in.View(8, plain, plain, "")); !strings.HasPrefix(got, "abc") {
		t.Fatalf("cursor at the start not shown: %q", got)
	}
}

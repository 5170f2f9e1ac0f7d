package filter

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// key builds the key press a terminal would send for s.
func key(s string) tea.KeyPressMsg {
	switch s {
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "ctrl+x":
		return tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

func TestEditing(t *testing.T) {
	in := New(8)
	in.SetValue("hello")
	for _, k := range []string{"left", "left", "backspace"} {
		in.Update(key(k))
	}
	in.Update(key("L"))
	if got := in.Value(); got != "heLlo" {
		t.Fatalf("after edits: %q", got)
	}
	in.Update(tea.PasteMsg{Content: "a\nbcdef"})
	if got := in.Value(); got != "heLa blo" {
		t.Fatalf("after paste (limit 8): %q", got)
	}
	in.Update(key("ctrl+u"))
	if got := in.Value(); got != "lo" {
		t.Fatalf("after ctrl+u: %q", got)
	}
	if in.Update(key("ctrl+x")) {
		t.Fatal("ctrl+x was taken as typing")
	}
	plain := lipgloss.NewStyle()
	if got := ansi.Strip(in.View(6, plain, plain, "name")); got != "lo    " {
		t.Fatalf("view = %q", got)
	}
}

package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// The status bar never shows a base URL's password, even when the front
// end hands it one.
func TestStatusBarMasksURLPassword(t *testing.T) {
	const pw = "barPWcanary7Lq2"
	st := tuitest.Styles(t, "ansi")
	a := New(Options{Styles: st, Provider: "custom (https://ann:" + pw + "@llm.example.com/v1) · m-nano",
		Panes: []Pane{&boxPane{id: PaneChat}}})
	a.Update(tea.WindowSizeMsg{Width: 160, Height: 20})
	bar := ansi.Strip(a.statusBar(160))
	if strings.Contains(bar, pw) || !strings.Contains(bar, "//****@llm.example.com") {
		t.Fatalf("status bar = %q", bar)
	}
}

package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// titlePane is a pane whose title holds what a session name may: the
// store refuses control characters in a name, not bidi controls.
type titlePane struct {
	boxPane
	title string
}

func (p *titlePane) Title() string { return p.title }

// TestAppTitlesAndToastsAreDrawnSafely: the root draws pane titles (in
// the border and the tabs) and toasts made of text from outside (a
// session's name, an error): none of it may reach the terminal raw. A
// bidi override in a session name reorders the border it is drawn in;
// an escape sequence in a toast is a command to the terminal.
func TestAppTitlesAndToastsAreDrawnSafely(t *testing.T) {
	hostile := "rtl\u202eevil\u2066\x1b]52;c;aGk=\x07\x1b[2J\u009b"
	for _, size := range []struct{ w, h int }{{80, 24}, {160, 48}, {60, 20}} {
		chat := &titlePane{boxPane: boxPane{id: PaneChat, capturing: true}, title: "chat · " + hostile}
		side := &titlePane{boxPane: boxPane{id: PaneSessions}, title: "sessions " + hostile}
		a := New(Options{Styles: tuitest.Styles(t, "ansi"), Panes: []Pane{chat, side, &boxPane{id: PaneAudit}}})
		a.Update(tea.WindowSizeMsg{Width: size.w, Height: size.h})
		a.Update(ToastMsg{Level: ToastError, Text: "could not rename " + hostile})
		raw := a.render()
		if strings.Contains(raw, "\x1b]") || strings.Contains(raw, "\x1b[2J") {
			t.Fatalf("%dx%d: the view holds the title's or toast's escape sequences:\n%q", size.w, size.h, raw)
		}
		view := ansi.Strip(raw)
		if strings.ContainsAny(view, "\x1b\x07\u202e\u2066\u009b") {
			t.Fatalf("%dx%d: the view holds raw controls:\n%q", size.w, size.h, view)
		}
		if !strings.Contains(view, "rtl") {
			t.Fatalf("%dx%d: the title is not drawn:\n%s", size.w, size.h, view)
		}
	}
}

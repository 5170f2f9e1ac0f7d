package tuitest

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// RequireBlock fails the test unless view is exactly width × height cells:
// every pane's View and the root's frame must fill what they are given.
func RequireBlock(t testing.TB, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Fatalf("%dx%d: view has %d lines", width, height, len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != width {
			t.Fatalf("%dx%d: line %d is %d cells wide: %q", width, height, i, w, ansi.Strip(l))
		}
	}
}

// Find returns the first message of type M among msgs (what a Driver
// kept, for instance).
func Find[M any](msgs []tea.Msg) (M, bool) {
	for _, m := range msgs {
		if v, ok := m.(M); ok {
			return v, true
		}
	}
	var zero M
	return zero, false
}

// Viewer is what draws itself at a size: a pane's View.
type Viewer interface {
	View(width, height int, focused bool) string
}

// Screen is v drawn focused at width × height with its ANSI styling
// stripped, for assertions on the text; it fails the test unless the view
// fills exactly that size.
func Screen(t testing.TB, v Viewer, width, height int) string {
	t.Helper()
	view := v.View(width, height, true)
	RequireBlock(t, view, width, height)
	return ansi.Strip(view)
}

// RequireContains fails the test unless view holds every one of wants.
func RequireContains(t testing.TB, view string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(view, w) {
			t.Fatalf("missing %q in:\n%s", w, view)
		}
	}
}

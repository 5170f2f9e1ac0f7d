package tuitest

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/macroa/macroa/themes"
	"github.com/macroa/macroa/ui/tui/kit"
)

// Theme loads a built-in theme ("" is the default) with an empty user
// theme folder, so themes on the machine running the tests change nothing.
func Theme(t testing.TB, name string) themes.Theme {
	t.Helper()
	th, err := themes.Load(name, t.TempDir())
	if err != nil {
		t.Fatalf("load theme %q: %v", name, err)
	}
	return th
}

// Styles are the cockpit's styles for a built-in theme (see Theme).
func Styles(t testing.TB, name string) kit.Styles {
	t.Helper()
	return kit.NewStyles(Theme(t, name))
}

// Styled reports whether view shows text in style: the text rendered by
// the style appears in it as it is.
func Styled(view string, style lipgloss.Style, text string) bool {
	return strings.Contains(view, style.Render(text))
}

package tui

import (
	"testing"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// requireGolden is tuitest.RequireGolden, for the chat tests that still
// call it by this name.
func requireGolden(t *testing.T, name, view string) {
	t.Helper()
	tuitest.RequireGolden(t, name, view)
}

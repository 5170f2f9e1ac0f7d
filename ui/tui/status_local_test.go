package tui

import (
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// With no provider configured, the status bar names a local server once
// one is found, and says how to configure one until then.
func TestStatusBarNamesLocalServer(t *testing.T) {
	st := tuitest.Styles(t, "ansi")
	var local atomic.Value
	local.Store("")
	a := New(Options{Styles: st, Hint: "set OPENROUTER_API_KEY",
		Local: func() string { return local.Load().(string) }, Panes: []Pane{&boxPane{id: PaneChat}}})
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 20})
	if bar := ansi.Strip(a.statusBar(120)); !strings.Contains(bar, "no model configured: set OPENROUTER_API_KEY") {
		t.Fatalf("before a server is found: %q", bar)
	}
	local.Store("local: ollama at 127.0.0.1:11434 (llama3.2)")
	bar := ansi.Strip(a.statusBar(120))
	if !strings.Contains(bar, "macroa · local: ollama at 127.0.0.1:11434 (llama3.2)") || strings.Contains(bar, "no model") {
		t.Fatalf("after a server is found: %q", bar)
	}
	// A configured provider wins: the local server is not what answers.
	a.o.Provider = "openrouter · m-nano"
	if bar := ansi.Strip(a.statusBar(120)); !strings.Contains(bar, "openrouter · m-nano") || strings.Contains(bar, "ollama") {
		t.Fatalf("with a provider configured: %q", bar)
	}
}

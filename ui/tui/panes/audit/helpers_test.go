package audit

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// world is what the pane has in the cockpit: core/app over a real store
// (b, the pane's service), with a kernel serving requests.
type world struct {
	*tuitest.World
	dbPath string
	db     *store.DB
	b      *app.App
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := tuitest.NewWorld(t)
	return &world{World: w, dbPath: w.Path, db: w.DB, b: w.App}
}

// storeChanged is the core event the store watcher publishes.
func storeChanged(parts ...events.StorePart) kit.CoreEventMsg { return tuitest.StoreChanged(parts...) }

func styles(t testing.TB) kit.Styles { return tuitest.Styles(t, "dark") }

// key builds the key press a terminal sends for a key name.
func key(s string) tea.KeyPressMsg { return tuitest.Key(s) }

// driver drives p: the pane's own results go back into it, everything
// else (toasts, switch and focus requests, copies) is kept for the test.
func driver(t testing.TB, p *Pane) *tuitest.Driver {
	return tuitest.ForPane(t, p, tuitest.WithKeep(func(msg tea.Msg) bool {
		switch msg.(type) {
		case loadedMsg:
			return false
		}
		return true
	}))
}

// drive runs cmd to completion and returns what the pane did not take.
func drive(t testing.TB, p *Pane, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	d := driver(t, p)
	d.Run(cmd)
	return d.Kept()
}

// press sends keys to the pane, drives what they return, and returns
// what the pane did not take.
func press(t testing.TB, p *Pane, keys ...string) []tea.Msg {
	t.Helper()
	d := driver(t, p)
	d.Press(keys...)
	return d.Kept()
}

// find returns the first message of type M.
func find[M any](msgs []tea.Msg) (M, bool) { return tuitest.Find[M](msgs) }

// checkBlock fails unless view is exactly width × height cells.
func checkBlock(t *testing.T, view string, width, height int) {
	t.Helper()
	tuitest.RequireBlock(t, view, width, height)
}

// golden compares a view with testdata/<name>.golden (-update rewrites it).
func golden(t *testing.T, name, view string) { tuitest.RequireGolden(t, name, view) }

package sessions

import (
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/app"
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

// stepClock is the store's clock: it moves only when told, so two writes
// get distinct updated_at stamps without a sleep.
type stepClock struct{ at atomic.Int64 }

func (c *stepClock) now() time.Time          { return time.UnixMilli(c.at.Load()) }
func (c *stepClock) advance(d time.Duration) { c.at.Add(d.Milliseconds()) }

// useClock puts w's store on a clock that starts now and moves on advance.
func useClock(w *world) *stepClock {
	c := &stepClock{}
	c.at.Store(time.Now().UnixMilli())
	w.db.SetClock(c.now)
	return c
}

// turn is one request run in a session.
type turn struct{ input, session string }

// paneOver runs turns a second apart on a clock the test controls (so
// their sessions' last activity is in that order) and loads the pane.
func paneOver(t *testing.T, turns ...turn) (*world, *Pane) {
	t.Helper()
	w := newWorld(t)
	clock := useClock(w)
	for i, tr := range turns {
		if i > 0 {
			clock.advance(time.Second)
		}
		w.Run(t, tr.input, tr.session)
	}
	return w, loadedPane(t, w)
}

func styles(t testing.TB) kit.Styles { return tuitest.Styles(t, "dark") }

// key builds the key press a terminal sends for a key name.
func key(s string) tea.KeyPressMsg { return tuitest.Key(s) }

// driver drives p: the pane's own results go back into it, everything
// else (toasts, switch and focus requests, copies) is kept for the test.
func driver(t testing.TB, p *Pane) *tuitest.Driver {
	return tuitest.ForPane(t, p, tuitest.WithKeep(func(msg tea.Msg) bool {
		switch msg.(type) {
		case loadedMsg, doneMsg:
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

// typeText types text, one key press per character; every key must be
// taken by the open prompt.
func typeText(t testing.TB, p *Pane, text string) {
	t.Helper()
	d := driver(t, p)
	d.Type(text)
	if d.Unhandled > 0 {
		t.Fatalf("typing %q: %d keys not handled", text, d.Unhandled)
	}
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

package audit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// world is a real store with a kernel serving requests, as the cockpit
// has in-process.
type world struct {
	dbPath string
	db     *store.DB
	k      *kernel.Kernel
	b      dbFeed
}

// dbFeed serves the pane straight from the store.
type dbFeed struct{ db *store.DB }

func (f dbFeed) RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error) {
	return f.db.RecentAudit(ctx, n)
}
func (f dbFeed) AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error) {
	return f.db.AuditSince(ctx, after, limit)
}

func newWorld(t testing.TB) *world {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "")
	k := kernel.New(kernel.Options{
		Config:   cfg,
		DB:       db,
		Environ:  []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir},
		WorkDir:  dir,
		UserHome: dir,
	})
	return &world{dbPath: filepath.Join(dir, "macroa.db"), db: db, k: k, b: dbFeed{db}}
}

// run serves one request through the kernel, as any front end would.
func (w *world) run(t testing.TB, input, session string) {
	t.Helper()
	res := w.k.Run(context.Background(), kernel.Request{Input: input, Session: session, Source: kernel.SourceCLI})
	if res.AuditErr != nil {
		t.Fatal(res.AuditErr)
	}
}

// other opens a second handle on the same file, as another process would.
func (w *world) other(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storeChanged is the core event the store watcher publishes.
func storeChanged(parts ...events.StorePart) kit.CoreEventMsg {
	return kit.CoreEventMsg{Event: events.StoreChanged{Parts: parts, At: time.Now()}}
}

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
func find[M any](msgs []tea.Msg) (M, bool) {
	for _, m := range msgs {
		if v, ok := m.(M); ok {
			return v, true
		}
	}
	var zero M
	return zero, false
}

// checkBlock fails unless view is exactly width × height cells.
func checkBlock(t *testing.T, view string, width, height int) {
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

// golden compares a view with testdata/<name>.golden (-update rewrites it).
func golden(t *testing.T, name, view string) { tuitest.RequireGolden(t, name, view) }

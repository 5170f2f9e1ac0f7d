package tuitest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// World is what a pane has in the cockpit: a real data dir and store
// behind core/app, which serves requests through the kernel. Pane tests
// hand World.App to the pane as its service, as cmd/macroa does.
type World struct {
	App  *app.App
	DB   *store.DB
	Path string // the database file
}

// NewWorld opens a fresh data dir (removed with the test) and an App over
// it; no model is configured.
func NewWorld(t testing.TB) *World {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "")
	a := app.New(app.Options{Config: cfg, Store: db, WorkDir: dir, UserHome: dir,
		Environ: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}})
	return &World{App: a, DB: db, Path: filepath.Join(dir, "macroa.db")}
}

// Run serves one request, as any front end would, and fails the test when
// its audit entry could not be written.
func (w *World) Run(t testing.TB, input, session string) kernel.Result {
	t.Helper()
	res := w.App.Run(context.Background(), kernel.Request{Input: input, Session: session, Source: kernel.SourceCLI})
	if res.AuditErr != nil {
		t.Fatal(res.AuditErr)
	}
	return res
}

// Other opens a second handle on the same database file, as another
// process would have.
func (w *World) Other(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), w.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// StoreChanged is the core event the store watcher publishes when parts
// change.
func StoreChanged(parts ...events.StorePart) kit.CoreEventMsg {
	return kit.CoreEventMsg{Event: events.StoreChanged{Parts: parts, At: time.Now()}}
}

package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// A write's file notification comes before SQLite shows its commit, so a
// notification that arrives while the watcher is settling from an earlier
// one still gets a look of its own, settle time after it: the look
// already planned may come before the commit it announced.
func TestWatcherLooksAfterEveryWake(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, _ := newApp(t)
	db, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	probe, err := db.OpenChangeProbe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan events.StoreChanged, 4)
	wake := make(chan struct{}, 1)
	const settle = 150 * time.Millisecond
	w := &watcher{probe: probe, every: time.Hour, woken: wake, settle: settle, log: slog.New(slog.DiscardHandler),
		now: time.Now, done: make(chan struct{}), publish: func(e events.Event) {
			if sc, ok := e.(events.StoreChanged); ok {
				got <- sc
			}
		}}
	if w.version, err = probe.DataVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if w.marks, err = probe.Marks(ctx); err != nil {
		t.Fatal(err)
	}
	lctx, stop := context.WithCancel(ctx)
	w.cancel = stop
	go w.loop(lctx)
	defer w.stop()

	wake <- struct{}{} // one write: the watcher settles
	time.Sleep(settle / 3)
	wake <- struct{}{} // the next write's notification, while settling
	time.Sleep(settle) // the first settle look has come and gone
	// Only now does that write's commit show.
	if _, err := db.AppendAudit(ctx, store.AuditEntry{TurnID: store.NewTurnID(), Source: "cli", Input: "late", Success: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case sc := <-got:
		if len(sc.Parts) != 1 || sc.Parts[0] != events.PartAudit {
			t.Fatalf("parts %v, want audit", sc.Parts)
		}
	case <-time.After(time.Second): // well before the 2 s safety look
		t.Fatal("the commit announced while settling was never looked for")
	}
}

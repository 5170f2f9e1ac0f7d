package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// DefaultWatchEvery is how often the store watcher looks for changes: a
// change is published within one interval and a query, well inside the
// 250 ms a person should wait to see it, and an idle process wakes ten
// times a second for one tiny query each time.
const DefaultWatchEvery = 100 * time.Millisecond

// watcher notices every commit to the store, by this process or another,
// and publishes which parts changed. On each tick it asks SQLite for
// data_version on a connection of its own (it moves when any other
// connection commits); only when that moved does it read the per-part
// counters to tell which parts changed.
type watcher struct {
	probe   *store.ChangeProbe
	every   time.Duration
	publish func(events.Event)
	log     *slog.Logger
	now     func() time.Time

	version int64
	marks   store.ChangeMarks

	cancel context.CancelFunc
	done   chan struct{}
}

// startWatcher reads the store's state now, so only later changes are
// published, and checks again every interval until ctx ends or stop.
func startWatcher(ctx context.Context, db *store.DB, every time.Duration, publish func(events.Event), log *slog.Logger) (*watcher, error) {
	if every <= 0 {
		every = DefaultWatchEvery
	}
	probe, err := db.OpenChangeProbe(ctx)
	if err != nil {
		return nil, err
	}
	w := &watcher{probe: probe, every: every, publish: publish, log: log, now: time.Now, done: make(chan struct{})}
	if w.version, err = probe.DataVersion(ctx); err == nil {
		w.marks, err = probe.Marks(ctx)
	}
	if err != nil {
		probe.Close()
		return nil, err
	}
	ctx, w.cancel = context.WithCancel(ctx)
	go w.loop(ctx)
	return w, nil
}

func (w *watcher) loop(ctx context.Context) {
	defer close(w.done)
	defer w.probe.Close()
	t := time.NewTicker(w.every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := w.check(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			// Logged once per spell of failures, not eight times a second.
			w.log.Warn("store watcher", "err", err)
			failing = true
		case err == nil:
			failing = false
		}
	}
}

// check publishes a StoreChanged when a commit since the last check
// changed any part.
func (w *watcher) check(ctx context.Context) error {
	v, err := w.probe.DataVersion(ctx)
	if err != nil || v == w.version {
		return err
	}
	m, err := w.probe.Marks(ctx)
	if err != nil {
		return err
	}
	w.version = v
	parts := changedParts(w.marks, m)
	w.marks = m
	if len(parts) > 0 {
		w.publish(events.StoreChanged{Parts: parts, At: w.now()})
	}
	return nil
}

// changedParts names the parts whose counters differ.
func changedParts(old, cur store.ChangeMarks) []events.StorePart {
	var parts []events.StorePart
	if old.Audit != cur.Audit {
		parts = append(parts, events.PartAudit)
	}
	if old.Sessions != cur.Sessions {
		parts = append(parts, events.PartSessions)
	}
	if old.Facts != cur.Facts {
		parts = append(parts, events.PartFacts)
	}
	if old.Usage != cur.Usage {
		parts = append(parts, events.PartUsage)
	}
	return parts
}

// stop ends the loop and waits for it, and for the probe's connection to
// be released.
func (w *watcher) stop() {
	w.cancel()
	<-w.done
}

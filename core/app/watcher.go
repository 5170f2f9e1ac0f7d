package app

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// DefaultWatchEvery is how often the store watcher looks for changes where
// it cannot be told of writes (no inotify): a change is published within
// one interval and a query, well inside the 250 ms a person should wait
// to see it.
const DefaultWatchEvery = 100 * time.Millisecond

const (
	// settleAfter is when the watcher looks again after a write woke it:
	// the write that wakes it may come just before SQLite marks the
	// commit done, and the writes of one commit come in a burst.
	settleAfter = 20 * time.Millisecond
	// safetyEvery is how often it looks anyway when woken by writes, in
	// case a notification was lost.
	safetyEvery = 2 * time.Second
)

// watcher notices every commit to the store, by this process or another,
// and publishes which parts changed. Each look asks SQLite for
// data_version on a connection of its own (it moves when any other
// connection commits); only when that moved does it read the per-part
// counters to tell which parts changed. Where the platform tells of writes
// to the store's files (inotify), it looks when they are written and an
// idle process does not wake; elsewhere it looks every interval.
type watcher struct {
	probe   *store.ChangeProbe
	wake    *fileWake       // nil: poll every interval
	woken   <-chan struct{} // the wake's channel; nil: poll
	every   time.Duration
	safety  time.Duration // safetyEvery; negative: no safety look
	settle  time.Duration // settleAfter
	publish func(events.Event)
	log     *slog.Logger
	now     func() time.Time

	version int64
	marks   store.ChangeMarks

	// path and opened identify the database file the process opened, so a
	// file removed or replaced under it is noticed (once: replaced).
	path     string
	opened   os.FileInfo
	replaced bool

	cancel context.CancelFunc
	done   chan struct{}
}

// startWatcher reads the store's state now, so only later changes are
// published, and looks again until ctx ends or stop. poll forces looking
// every interval even where writes could wake it; safety is how often it
// looks anyway where they do (zero: safetyEvery; negative: never).
func startWatcher(ctx context.Context, db *store.DB, every, safety time.Duration, poll bool, publish func(events.Event), log *slog.Logger) (*watcher, error) {
	if every <= 0 {
		every = DefaultWatchEvery
	}
	probe, err := db.OpenChangeProbe(ctx)
	if err != nil {
		return nil, err
	}
	w := &watcher{probe: probe, every: every, safety: safety, settle: settleAfter, publish: publish, log: log, now: time.Now,
		done: make(chan struct{}), path: db.Path()}
	w.opened, _ = os.Stat(w.path)
	if !poll {
		if w.wake, err = watchFiles(db.Path()); err != nil {
			log.Info("store watcher polls", "every", every, "reason", err)
			w.wake = nil
		} else {
			w.woken = w.wake.C
		}
	}
	if w.version, err = probe.DataVersion(ctx); err == nil {
		w.marks, err = probe.Marks(ctx)
	}
	if err != nil {
		w.close()
		return nil, err
	}
	ctx, w.cancel = context.WithCancel(ctx)
	go w.loop(ctx)
	return w, nil
}

func (w *watcher) loop(ctx context.Context) {
	defer close(w.done)
	defer w.close()
	every, woken := w.every, w.woken
	if woken != nil {
		every = w.safety
		if every == 0 {
			every = safetyEvery
		}
	}
	var ticks <-chan time.Time // nil: no safety look
	if every > 0 {
		tick := time.NewTicker(every)
		defer tick.Stop()
		ticks = tick.C
	}
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	// again: a wake came while settling. Its write may commit after the
	// look already planned, so that look plans one more.
	settling, again, failing := false, false, false
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			w.checkFile()
		case <-settle.C:
			settling = again
			if again {
				again = false
				settle.Reset(w.settle)
			}
		case <-woken:
			if settling {
				again = true // the next settle look plans another
				continue
			}
			settling = true
			settle.Reset(w.settle)
		}
		err := w.check(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			// Logged once per spell of failures, not on every look.
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

// checkFile publishes a StoreReplaced, once, when the database file is no
// longer the one the process opened: SQLite keeps using the open file, so
// nothing else would tell.
func (w *watcher) checkFile() {
	if w.replaced || w.opened == nil {
		return
	}
	fi, err := os.Stat(w.path)
	if err == nil && os.SameFile(w.opened, fi) {
		return
	}
	w.replaced = true
	w.log.Warn("store watcher: the database file was removed or replaced; restart to use the new one", "path", w.path)
	w.publish(events.StoreReplaced{Path: w.path, At: w.now()})
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
	if old.Approvals != cur.Approvals {
		parts = append(parts, events.PartApprovals)
	}
	if old.Schedules != cur.Schedules {
		parts = append(parts, events.PartSchedules)
	}
	if old.Hosts != cur.Hosts {
		parts = append(parts, events.PartHosts)
	}
	return parts
}

// stop ends the loop and waits for it, and for the probe's connection to
// be released.
func (w *watcher) stop() {
	w.cancel()
	<-w.done
}

func (w *watcher) close() {
	if w.wake != nil {
		w.wake.Close()
	}
	w.probe.Close()
}

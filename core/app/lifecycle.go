package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/macroa/macroa/core/kernel"
)

// Start starts the background parts, the store watcher, and ties every
// run to ctx: when ctx ends (the cockpit's terminal went away), runs in
// flight are cancelled and saved as such. Commands that only read or write
// once never call it.
func (a *App) Start(ctx context.Context) error {
	context.AfterFunc(ctx, a.cancelBase)
	db, err := a.store(ctx)
	if err != nil {
		return err
	}
	a.mu.Lock()
	if a.watch != nil || a.closed {
		a.mu.Unlock()
		return nil
	}
	w, err := startWatcher(a.base, db, a.opts.WatchEvery, a.opts.WatchSafety, a.opts.pollStore, a.publish, a.logger())
	if err != nil {
		a.mu.Unlock()
		return fmt.Errorf("start the store watcher: %w", err)
	}
	a.watch = w
	a.startNotify(a.cfg)
	a.mu.Unlock()
	// After the notifier: what recovery interrupts or expires is sent.
	if err := a.startApprovals(a.base); err != nil {
		return err
	}
	// The daemon and a cockpit poll the hosts (SetRole).
	a.startHosts(a.base)
	return nil
}

// Run serves one request. It ends when ctx ends or when the App's base
// context does (Start's context, or Shutdown), and Shutdown waits for it
// to finish saving.
func (a *App) Run(ctx context.Context, req kernel.Request) kernel.Result {
	k, err := a.Kernel(ctx)
	if err != nil {
		return kernel.Result{Error: err.Error()}
	}
	a.runMu.Lock()
	if a.stopping {
		a.runMu.Unlock()
		return kernel.Result{Error: errClosed.Error()}
	}
	a.runs.Add(1)
	a.runMu.Unlock()
	defer a.runs.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(a.base, cancel)
	defer stop()
	return k.Run(ctx, req)
}

// ErrRunsInFlight is what Shutdown reports when runs were still saving
// when its context ended.
var ErrRunsInFlight = errors.New("runs still saving")

// Shutdown cancels runs in flight and waits, until ctx ends, for them to
// save what they did; then it stops the watcher and closes the store. It
// adds no fixed wait, and a second call does nothing.
func (a *App) Shutdown(ctx context.Context) error {
	a.runMu.Lock()
	a.stopping = true
	idle := a.runs.idle() // and stays so: no run starts once stopping
	a.runMu.Unlock()
	// The scheduler's runs end first (interrupted, recorded) and its lease
	// is released, so another process takes over at once.
	a.stopSchedules()
	// Probes under way end unwritten and the hosts lease is released.
	a.stopHosts()
	a.cancelBase()

	var err error
	if !idle {
		// Waiting needs a goroutine, so a command whose run is over (the
		// usual case: `macroa run`) does without.
		done := make(chan struct{})
		go func() { a.runs.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("%w: %w", ErrRunsInFlight, ctx.Err())
		}
	}

	a.stopApprovals() // runs in flight record their outcome before the store closes
	a.stopNotify(ctx) // before the broker closes: it sends what is queued

	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return err
	}
	a.closed = true
	if a.watch != nil {
		a.watch.stop()
		a.watch = nil
	}
	a.closeBroker()
	if a.db != nil && a.db != a.opts.Store { // a store given stays open
		if cerr := a.db.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}
	a.db = nil
	return err
}

// runCounter is a WaitGroup that also says whether anything is in flight,
// so Shutdown waits (which takes a goroutine) only when there is a run.
type runCounter struct {
	wg sync.WaitGroup
	n  atomic.Int64
}

func (c *runCounter) Add(d int)  { c.n.Add(int64(d)); c.wg.Add(d) }
func (c *runCounter) Done()      { c.wg.Done(); c.n.Add(-1) }
func (c *runCounter) Wait()      { c.wg.Wait() }
func (c *runCounter) idle() bool { return c.n.Load() == 0 }

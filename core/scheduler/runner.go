package scheduler

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// runner is the background loop of a started Service.
type runner struct {
	s      *Service
	role   string
	wake   chan struct{}
	cancel context.CancelFunc // ends the loop
	done   chan struct{}      // closed when the loop has ended

	// runCtx is the context runs start under: cancelled by Stop after its
	// grace, not when the loop ends, so runs may finish.
	runCtx    context.Context
	cancelRun context.CancelFunc
	runs      sync.WaitGroup
	mu        sync.Mutex
	going     map[store.TaskRunID]goingRun
	holding   bool
}

type goingRun struct {
	task   store.TaskID
	cancel context.CancelFunc
}

// RoleDaemon is the daemon's role: it takes the lease from any other.
const RoleDaemon = "daemon"

// ErrStarted is Start called twice.
var ErrStarted = errors.New("the scheduler's runner is already started")

// Start runs due tasks in the background whenever this process holds the
// lease, taking it when it is free; role names this process ("daemon",
// "tui"). Runs a dead process left going are marked interrupted first.
func (s *Service) Start(ctx context.Context, role string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run != nil {
		return ErrStarted
	}
	if _, err := s.o.Store.InterruptDeadRuns(ctx, s.o.Alive, role); err != nil {
		return err
	}
	loopCtx, cancel := context.WithCancel(ctx)
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	r := &runner{s: s, role: role, wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{}),
		runCtx: runCtx, cancelRun: cancelRun, going: map[store.TaskRunID]goingRun{}}
	s.run = r
	changes := events.StoreChanges(loopCtx, s.o.Bus, "scheduler", events.PartSchedules)
	go r.loop(loopCtx, changes)
	return nil
}

// Stop ends the runner: runs still going after grace are cancelled (and
// recorded interrupted), then the lease is released so another process
// takes over at once. It returns when every run has recorded its outcome.
func (s *Service) Stop(grace time.Duration) {
	s.mu.Lock()
	r := s.run
	s.mu.Unlock()
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
	finished := make(chan struct{})
	go func() { r.runs.Wait(); close(finished) }()
	t := time.NewTimer(grace)
	select {
	case <-finished:
	case <-t.C:
		r.cancelRun()
		<-finished
	}
	t.Stop()
	r.cancelRun()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.o.Store.ReleaseLease(ctx, store.SchedulerLease, s.o.Holder); err != nil {
		s.o.Log.Warn("scheduler: release lease", "err", err)
	}
	s.o.Log.Info("scheduler stopped", "role", r.role)
}

// Holding reports whether this process's runner holds the lease now.
func (s *Service) Holding() bool {
	r := s.runner()
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holding
}

func (r *runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *runner) setHolding(v bool) {
	r.mu.Lock()
	r.holding = v
	r.mu.Unlock()
}

func (r *runner) cancelTask(id store.TaskID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, g := range r.going {
		if g.task == id {
			g.cancel()
		}
	}
}

// loop takes the lease when it can and, while it holds it, fires due
// tasks and sleeps until the next due time or renewal.
func (r *runner) loop(ctx context.Context, changes <-chan events.Event) {
	defer close(r.done)
	s := r.s
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var renewAt time.Time
	var exited <-chan struct{} // the holder's exit, when it can be watched
	var stopWatch func()
	defer func() {
		if stopWatch != nil {
			stopWatch()
		}
	}()
	for {
		var wait time.Duration
		if !r.isHolding() {
			l, got, err := s.o.Store.AcquireLease(ctx, store.SchedulerLease, s.o.Holder, r.role, s.o.LeaseTTL, s.o.Alive, r.preempts)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				s.o.Log.Warn("scheduler: take lease", "err", err)
				wait = s.o.RenewEvery
			case got:
				r.setHolding(true)
				renewAt = s.o.Now().Add(s.o.RenewEvery)
				s.o.Log.Info("scheduler: lease taken", "role", r.role)
				if stopWatch != nil {
					stopWatch()
					stopWatch, exited = nil, nil
				}
				if _, err := s.o.Store.InterruptDeadRuns(ctx, s.o.Alive, r.role); err != nil {
					s.o.Log.Warn("scheduler: interrupt runs of ended processes", "err", err)
				}
			default:
				wait = time.Until(l.ExpiresAt) + 10*time.Millisecond
				if stopWatch != nil {
					stopWatch()
				}
				exited, stopWatch = watchExit(l.Holder)
			}
		}
		if r.isHolding() {
			now := s.o.Now()
			if !now.Before(renewAt) {
				if _, err := s.o.Store.RenewLease(ctx, store.SchedulerLease, s.o.Holder, s.o.LeaseTTL); err != nil {
					if ctx.Err() != nil {
						return
					}
					s.o.Log.Warn("scheduler: lease lost", "err", err)
					r.setHolding(false)
					continue
				}
				renewAt = now.Add(s.o.RenewEvery)
				// A run another process started and was killed in (a
				// run-now) would keep its task busy: it ends interrupted.
				if _, err := s.o.Store.InterruptDeadRuns(ctx, s.o.Alive, r.role); err != nil && ctx.Err() == nil {
					s.o.Log.Warn("scheduler: interrupt runs of ended processes", "err", err)
				}
			}
			next, err := r.fireDue(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.o.Log.Warn("scheduler: fire due tasks", "err", err)
			}
			wait = renewAt.Sub(s.o.Now())
			if !next.IsZero() {
				if d := next.Sub(s.o.Now()); d < wait {
					wait = d
				}
			}
		}
		if wait < 0 {
			wait = 0
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-r.wake:
		case <-exited:
			exited = nil
		case _, ok := <-changes:
			if !ok {
				changes = nil
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// preempts says whether this runner takes the lease from its live
// holder: the daemon does from a cockpit (a cockpit runs due tasks only
// while no daemon does).
func (r *runner) preempts(cur store.Lease) bool {
	return r.role == RoleDaemon && cur.Role != RoleDaemon
}

func (r *runner) isHolding() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holding
}

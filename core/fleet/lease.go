package fleet

import (
	"context"
	"sync"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// leaseRunner is the background loop of a started Service: it takes the
// hosts lease when it can and, while it holds it, keeps one poller per
// host running.
type leaseRunner struct {
	s      *Service
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	holding bool
	pollers map[string]*poller
}

// poller is one host's running loop.
type poller struct {
	entry  HostEntry
	cancel context.CancelFunc
	done   chan struct{}
}

// Start polls the hosts in the background whenever this process holds
// the hosts lease, taking it when it is free, when its holder ended, or
// (the daemon) from a cockpit.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.run != nil {
		return ErrStarted
	}
	loopCtx, cancel := context.WithCancel(ctx)
	r := &leaseRunner{s: s, cancel: cancel, done: make(chan struct{}), pollers: map[string]*poller{}}
	s.run = r
	changes := events.StoreChanges(loopCtx, s.o.Bus, "fleet", events.PartHosts)
	go r.loop(loopCtx, changes)
	return nil
}

// Stop ends the poller: probes under way are cancelled (nothing of them
// is written), ProbeNow calls end, and the lease is released so another
// process takes over at once.
func (s *Service) Stop() {
	s.cancel()
	s.mu.Lock()
	r := s.run
	s.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
	s.calls.Wait()
}

// Poller says which process polls: the role of the live holder of the
// hosts lease ("" for none), and whether it is this one.
func (s *Service) Poller(ctx context.Context) (role string, self bool, err error) {
	if s.Holding() {
		return s.o.Role, true, nil
	}
	l, ok, err := s.o.Store.GetLease(ctx, store.HostsLease)
	if err != nil || !ok || !l.ExpiresAt.After(time.Now()) || !s.o.Alive(l.Holder) {
		return "", false, err
	}
	return l.Role, false, nil
}

// Holding reports whether this process polls now.
func (s *Service) Holding() bool {
	s.mu.Lock()
	r := s.run
	s.mu.Unlock()
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holding
}

func (r *leaseRunner) loop(ctx context.Context, changes <-chan events.Event) {
	defer close(r.done)
	s := r.s
	defer func() {
		if r.isHolding() {
			r.stopPollers(nil)
			rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.o.Store.ReleaseLease(rctx, store.HostsLease, s.o.Holder); err != nil {
				s.o.Log.Warn("fleet: release lease", "err", err)
			}
			cancel()
			r.setHolding(false)
		}
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var renewAt time.Time
	stamp := ""
	if s.o.KeyStamp != nil {
		stamp = s.o.KeyStamp()
	}
	for {
		var wait time.Duration
		if !r.isHolding() {
			got, until, err := r.take(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				s.o.Log.Warn("fleet: take lease", "err", err)
				wait = s.o.RenewEvery
			case got:
				r.setHolding(true)
				renewAt = time.Now().Add(s.o.RenewEvery)
				s.o.Log.Info("fleet: lease taken", "role", s.o.Role)
				s.reload()
				r.reconcile(ctx)
			default:
				wait = min(until, s.o.RenewEvery)
			}
		}
		if r.isHolding() {
			if !time.Now().Before(renewAt) {
				if _, err := s.o.Store.RenewLease(ctx, store.HostsLease, s.o.Holder, s.o.LeaseTTL); err != nil {
					if ctx.Err() != nil {
						return
					}
					s.o.Log.Warn("fleet: lease lost", "err", err)
					r.stopPollers(nil)
					r.setHolding(false)
					continue
				}
				renewAt = time.Now().Add(s.o.RenewEvery)
				r.reconcile(ctx)
				if s.o.KeyStamp != nil {
					if now := s.o.KeyStamp(); now != stamp {
						stamp = now
						s.retryBlocked()
					}
				}
			}
			wait = time.Until(renewAt)
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
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

// take takes the lease when it is free, expired, its holder ended, or
// this is the daemon and a cockpit has it; a lease plainly held is only
// read, so a waiting cockpit writes nothing. until is how long the
// holder has it.
func (r *leaseRunner) take(ctx context.Context) (got bool, until time.Duration, err error) {
	s := r.s
	l, ok, err := s.o.Store.GetLease(ctx, store.HostsLease)
	if err != nil {
		return false, 0, err
	}
	if ok && l.Holder != s.o.Holder && l.ExpiresAt.After(time.Now()) && s.o.Alive(l.Holder) && !r.preempts(l) {
		return false, time.Until(l.ExpiresAt) + 10*time.Millisecond, nil
	}
	l, got, err = s.o.Store.AcquireLease(ctx, store.HostsLease, s.o.Holder, s.o.Role, s.o.LeaseTTL, s.o.Alive, r.preempts)
	if err != nil || got {
		return got, 0, err
	}
	return false, time.Until(l.ExpiresAt) + 10*time.Millisecond, nil
}

// preempts: the daemon takes the lease from a cockpit.
func (r *leaseRunner) preempts(cur store.Lease) bool {
	return r.s.o.Role == RoleDaemon && cur.Role != RoleDaemon
}

func (r *leaseRunner) isHolding() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holding
}

func (r *leaseRunner) setHolding(v bool) {
	r.mu.Lock()
	r.holding = v
	r.mu.Unlock()
}

// reconcile runs one poller per host of the inventory: new hosts start,
// removed ones stop, a changed entry restarts.
func (r *leaseRunner) reconcile(ctx context.Context) {
	want := map[string]HostEntry{}
	for _, e := range r.s.entries() {
		want[e.Name] = e
	}
	keep := map[string]bool{}
	r.mu.Lock()
	for name, p := range r.pollers {
		if e, ok := want[name]; ok && sameEntry(e, p.entry) {
			keep[name] = true
		}
	}
	r.mu.Unlock()
	r.stopPollers(keep)
	r.s.resolveRemoved(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, e := range want {
		if _, ok := r.pollers[name]; ok {
			continue
		}
		pctx, cancel := context.WithCancel(ctx)
		p := &poller{entry: e, cancel: cancel, done: make(chan struct{})}
		r.pollers[name] = p
		go func() {
			defer close(p.done)
			r.s.poll(pctx, e)
		}()
	}
}

// sameEntry says whether a running poller may go on for e: the
// inventory hands the same host the same transport each time.
func sameEntry(a, b HostEntry) bool {
	return a.Interval == b.Interval && a.Address == b.Address && a.Source == b.Source
}

// stopPollers stops every poller not in keep and waits for them.
func (r *leaseRunner) stopPollers(keep map[string]bool) {
	r.mu.Lock()
	var stopping []*poller
	for name, p := range r.pollers {
		if !keep[name] {
			p.cancel()
			stopping = append(stopping, p)
			delete(r.pollers, name)
		}
	}
	r.mu.Unlock()
	for _, p := range stopping {
		<-p.done
	}
}

package approvals

import (
	"context"
	"errors"
	"time"

	"github.com/macroa/macroa/core/events"
)

// Recover settles what no process will finish: entries approved or
// running in a process that died become interrupted (never run again by
// themselves), and pending entries past their expiry become expired. It
// returns the entries it changed.
func (s *Service) Recover(ctx context.Context) ([]Entry, error) {
	dead, err := s.db.InterruptApprovals(ctx, Alive)
	for _, e := range dead {
		s.changed(e, "recovery", s.runner, false)
	}
	if err != nil {
		return dead, err
	}
	old, err := s.expire(ctx)
	return append(dead, old...), err
}

func (s *Service) expire(ctx context.Context) ([]Entry, error) {
	old, err := s.db.ExpireApprovals(ctx, s.now())
	for _, e := range old {
		s.changed(e, "expiry", s.runner, false)
	}
	return old, err
}

// Start recovers (see Recover) and starts the expiry timer: it sleeps
// until the next pending entry expires, and looks again when an entry is
// queued, here or (StoreChanged) in another process. A second call does
// nothing.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return nil
	}
	s.started = true
	s.done = make(chan struct{})
	s.mu.Unlock()
	if _, err := s.Recover(ctx); err != nil {
		s.log.Warn("approvals: recover", "err", err)
	}
	changes := events.StoreChanges(s.base, s.bus, "approval expiry", events.PartApprovals)
	go s.expiryLoop(changes)
	return nil
}

// Stop ends the background work and cancels runs in flight; it waits for
// them to record their outcome, and for the expiry timer. No run starts
// after it.
func (s *Service) Stop() {
	s.mu.Lock()
	s.stopped = true
	done := s.done
	s.mu.Unlock()
	s.stop()
	s.runs.Wait()
	if done != nil {
		<-done
	}
}

// kickExpiry tells the expiry timer a new pending entry was queued.
func (s *Service) kickExpiry() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// expiryLoop sleeps until the next expiry, expires what is due, and
// sleeps again. It never polls: it wakes for the next expiry, a new
// pending entry, or another process's change to the queue.
func (s *Service) expiryLoop(changes <-chan events.Event) {
	defer close(s.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		next, ok, err := s.db.NextApprovalExpiry(s.base)
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("approvals: next expiry", "err", err)
		}
		timer.Stop()
		var fire <-chan time.Time
		if ok {
			timer.Reset(max(next.Sub(s.now()), 0) + time.Millisecond)
			fire = timer.C
		}
		select {
		case <-s.base.Done():
			return
		case <-fire:
			if _, err := s.expire(s.base); err != nil && s.base.Err() == nil {
				// The store is busy or failing: try again a little
				// later rather than at once.
				s.log.Warn("approvals: expire", "err", err)
				timer.Reset(time.Second)
				select {
				case <-s.base.Done():
					return
				case <-timer.C:
				}
			}
		case <-s.kick:
		case _, open := <-changes:
			if !open {
				changes = nil
			}
		}
	}
}

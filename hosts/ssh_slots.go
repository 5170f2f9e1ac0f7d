package hosts

import (
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultMaxSessions is how many sessions a connection carries at once
// until the server says otherwise: OpenSSH's MaxSessions default.
const DefaultMaxSessions = 10

// Retry delays for a session refused while none of ours was in flight: the
// server is still freeing one that just ended.
const (
	refusedRetryMin = 20 * time.Millisecond
	refusedRetryMax = 500 * time.Millisecond
)

// errNoSlot: the command's time ran out while it waited for a session.
var errNoSlot = errors.New("no session could be opened in time: the host's sessions are all in use")

// slots count a connection's sessions in flight against the server's
// limit, which starts at DefaultMaxSessions and is learned, downwards,
// from the server refusing a session: the limit is then the number in
// flight.
type slots struct {
	mu       sync.Mutex
	limit    int
	inflight int
	freed    chan struct{} // closed (and replaced) when a slot frees
	retry    time.Duration // the next delay after a refusal with none in flight
}

func newSlots() *slots {
	return &slots{limit: DefaultMaxSessions, freed: make(chan struct{})}
}

// acquire takes a slot, waiting for one while all are in use, until bound
// fires or ctx ends.
func (s *slots) acquire(ctx context.Context, bound <-chan time.Time) error {
	for {
		s.mu.Lock()
		if s.inflight < s.limit {
			s.inflight++
			s.mu.Unlock()
			return nil
		}
		freed := s.freed
		s.mu.Unlock()
		if err := wait(ctx, bound, freed, nil); err != nil {
			return err
		}
	}
}

// release gives a slot back.
func (s *slots) release() {
	s.mu.Lock()
	s.inflight--
	close(s.freed)
	s.freed = make(chan struct{})
	s.mu.Unlock()
}

// refused gives back the slot of a session the server refused, learns
// the limit from the sessions still in flight and waits until another
// try may succeed: a slot freed, or, with none in flight, a short delay.
func (s *slots) refused(ctx context.Context, bound <-chan time.Time) error {
	s.mu.Lock()
	s.inflight--
	freed := s.freed
	var delay <-chan time.Time
	if s.inflight > 0 {
		s.limit = s.inflight
	} else {
		if s.retry == 0 {
			s.retry = refusedRetryMin
		}
		t := time.NewTimer(s.retry)
		defer t.Stop()
		delay = t.C
		s.retry = min(2*s.retry, refusedRetryMax)
	}
	s.mu.Unlock()
	return wait(ctx, bound, freed, delay)
}

// Limit is the number of sessions the connection carries at once, as
// known now.
func (s *slots) Limit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit
}

// wait returns nil once freed is closed or delay fires, or an error once
// bound fires or ctx ends.
func wait(ctx context.Context, bound <-chan time.Time, freed <-chan struct{}, delay <-chan time.Time) error {
	select {
	case <-freed:
		return nil
	case <-delay:
		return nil
	case <-bound:
		return errNoSlot
	case <-ctx.Done():
		return ctx.Err()
	}
}

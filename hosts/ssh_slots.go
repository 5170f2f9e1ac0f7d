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

// Retry delays for a session refused below the learned limit: the server
// is still freeing one of ours that just ended.
const (
	refusedRetryMin = 20 * time.Millisecond
	refusedRetryMax = 500 * time.Millisecond
)

// errOpenTimeout is the cause of a command's time running out before it
// started: while connecting or waiting for a session.
var errOpenTimeout = errors.New("the command's time ran out before it started")

// errNoSlot: the command's time ran out while it waited for a session.
var errNoSlot = errors.New("no session could be opened in time: the host's sessions are all in use")

// slots count a connection's sessions against the server's limit, which
// starts at DefaultMaxSessions. Once the server refuses a session, the
// limit is the most sessions it ever held open at once: a refusal alone
// says little, since opens race each other and the server frees a
// closed session only after reading what came with the close (such as
// the next open).
type slots struct {
	mu      sync.Mutex
	limit   int
	open    int // sessions open
	pending int // opens under way
	peak    int // the most sessions open at once
	learned bool
	freed   chan struct{} // closed (and replaced) when a slot frees
	retry   time.Duration // the next delay after a refusal below the limit
}

func newSlots() *slots {
	return &slots{limit: DefaultMaxSessions, freed: make(chan struct{})}
}

// acquire takes a slot for an open, waiting for one while all are in
// use, until ctx ends. Each acquire ends in opened, refused or abandon.
func (s *slots) acquire(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.open+s.pending < s.limit {
			s.pending++
			s.mu.Unlock()
			return nil
		}
		freed := s.freed
		s.mu.Unlock()
		if err := wait(ctx, freed, nil); err != nil {
			return err
		}
	}
}

// opened: the open succeeded; release gives the slot back.
func (s *slots) opened() {
	s.mu.Lock()
	s.pending--
	s.open++
	s.peak = max(s.peak, s.open)
	if s.learned && s.peak > s.limit {
		s.limit = s.peak
	}
	s.mu.Unlock()
}

// release frees the slot of a session that ended.
func (s *slots) release() {
	s.mu.Lock()
	s.open--
	s.signal()
	s.mu.Unlock()
}

// abandon frees the slot of an open that failed for another reason.
func (s *slots) abandon() {
	s.mu.Lock()
	s.pending--
	s.signal()
	s.mu.Unlock()
}

// signal wakes the waiters; s.mu is held.
func (s *slots) signal() {
	close(s.freed)
	s.freed = make(chan struct{})
}

// refused frees the slot of an open the server refused, learns the limit
// and waits until another try may succeed: at the limit, until a slot
// frees; below it, a short delay.
func (s *slots) refused(ctx context.Context) error {
	s.mu.Lock()
	s.pending--
	s.learned = true
	s.limit = max(s.peak, 1)
	freed := s.freed
	var delay <-chan time.Time
	if s.open+s.pending < s.limit {
		if s.retry == 0 {
			s.retry = refusedRetryMin
		}
		t := time.NewTimer(s.retry)
		defer t.Stop()
		delay = t.C
		s.retry = min(2*s.retry, refusedRetryMax)
	}
	s.mu.Unlock()
	return wait(ctx, freed, delay)
}

// Limit is the number of sessions the connection carries at once, as
// known now.
func (s *slots) Limit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit
}

// wait returns nil once freed is closed or delay fires, or an error once
// ctx ends: errNoSlot when the command's time ran out.
func wait(ctx context.Context, freed <-chan struct{}, delay <-chan time.Time) error {
	select {
	case <-freed:
		return nil
	case <-delay:
		return nil
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), errOpenTimeout) {
			return errNoSlot
		}
		return ctx.Err()
	}
}

// ctxErr is why ctx ended, in the command's terms.
func ctxErr(ctx context.Context) error {
	if cause := context.Cause(ctx); errors.Is(cause, errOpenTimeout) {
		return cause
	}
	return ctx.Err()
}

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

// probeEvery is how often, at most, a connection at its learned limit
// tries one session more: the limit may have been learned low.
const probeEvery = time.Second

var (
	// errOpenTimeout is the cause of a command's time running out before
	// it started: while connecting or waiting for a session.
	errOpenTimeout = errors.New("the command's time ran out before it started")
	// errNoSlot: the command's time ran out while it waited for a session.
	errNoSlot = errors.New("no session could be opened in time: the host's sessions are all in use")
	// errConnFull: every slot is held by a session that will not end.
	errConnFull = errors.New("every session of the connection is held by a command that outlived its time")
)

// slots count a connection's sessions against the server's limit, which
// starts at DefaultMaxSessions. Once the server refuses a session, the
// limit is the most sessions it ever held open at once: a refusal alone
// says little, since opens race each other and the server frees a
// closed session only after reading what came with the close (such as
// the next open). A limit learned low that way is raised by a session
// tried beyond it now and then (probeEvery) that the server accepts.
type slots struct {
	mu          sync.Mutex
	limit       int
	open        int // sessions open
	pending     int // opens under way
	peak        int // the most sessions open at once
	stuck       int // open sessions whose command outlived its time (see SSHHost.kill)
	learned     bool
	probing     bool      // an open beyond the limit is under way
	lastRefusal time.Time // the server's last refusal
	every       time.Duration
	freed       chan struct{} // closed (and replaced) when a slot frees
	retry       time.Duration // the next delay after a refusal below the limit
}

func newSlots() *slots {
	return &slots{limit: DefaultMaxSessions, every: probeEvery, freed: make(chan struct{})}
}

// acquire takes a slot for an open, waiting for one while all are in
// use, until ctx ends. Each acquire that returns nil ends in opened,
// refused or abandon.
func (s *slots) acquire(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.open+s.pending < s.limit {
			s.pending++
			s.mu.Unlock()
			return nil
		}
		if s.stuck >= s.limit {
			s.mu.Unlock()
			return errConnFull
		}
		var probe <-chan time.Time
		if s.learned && !s.probing {
			wait := s.every - time.Since(s.lastRefusal)
			if wait <= 0 {
				s.probing = true
				s.pending++
				s.mu.Unlock()
				return nil
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			probe = t.C
		}
		freed := s.freed
		s.mu.Unlock()
		if err := wait(ctx, freed, probe); err != nil {
			return err
		}
	}
}

// opened: the open succeeded; release gives the slot back.
func (s *slots) opened() {
	s.mu.Lock()
	s.pending--
	s.open++
	s.probing = false
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
	s.probing = false
	s.signal()
	s.mu.Unlock()
}

// linger marks an open session whose command outlived its time and
// could not be killed; it says whether such sessions now hold every
// slot, leaving the connection none to run a command in.
func (s *slots) linger() (full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stuck++
	return s.stuck >= s.limit
}

// unlinger frees the slot of a lingering session that ended at last.
func (s *slots) unlinger() {
	s.mu.Lock()
	s.stuck--
	s.open--
	s.signal()
	s.mu.Unlock()
}

// signal wakes the waiters; s.mu is held.
func (s *slots) signal() {
	close(s.freed)
	s.freed = make(chan struct{})
}

// refused frees the slot of an open the server refused and learns the
// limit. Below the limit (a session of ours not freed yet), the next try
// comes after a short delay; at it, acquire waits for a slot.
func (s *slots) refused(ctx context.Context) error {
	s.mu.Lock()
	s.pending--
	s.probing = false
	s.learned = true
	s.limit = max(s.peak, 1)
	s.lastRefusal = time.Now()
	if s.stuck >= s.limit {
		s.mu.Unlock()
		return errConnFull
	}
	if s.open+s.pending >= s.limit {
		s.mu.Unlock()
		return nil
	}
	if s.retry == 0 {
		s.retry = refusedRetryMin
	}
	t := time.NewTimer(s.retry)
	defer t.Stop()
	s.retry = min(2*s.retry, refusedRetryMax)
	freed := s.freed
	s.mu.Unlock()
	return wait(ctx, freed, t.C)
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

package hosts

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The limit is learned from a refusal as the most sessions held open,
// raised by a late success or a probe beyond it, and a full connection
// waits, or is given up when commands that would not die hold it.
func TestSlotsLearnTheLimit(t *testing.T) {
	ctx := context.Background()
	expired, cancel := context.WithTimeoutCause(ctx, 0, errOpenTimeout)
	defer cancel()
	s := newSlots()
	for range 3 {
		if err := s.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s.opened()
	// The third open is refused before the second's success is counted.
	if err := s.refused(ctx); err != nil || s.Limit() != 1 {
		t.Fatalf("after the refusal: %v, limit %d, want 1", err, s.Limit())
	}
	s.opened()
	if s.Limit() != 2 {
		t.Fatalf("limit after the late success = %d, want 2", s.Limit())
	}
	// Full: an acquire waits for a release, and gives up at its bound.
	if err := s.acquire(expired); !errors.Is(err, errNoSlot) {
		t.Fatalf("acquire on a full connection: %v", err)
	}
	got := make(chan error, 1)
	go func() { got <- s.acquire(ctx) }()
	s.release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a release did not wake the waiting acquire")
	}
	// A refusal below the limit (the server has not freed a closed
	// session yet) retries after a short delay, without lowering it.
	if err := s.refused(ctx); err != nil || s.Limit() != 2 {
		t.Fatalf("refusal below the limit: %v, limit %d", err, s.Limit())
	}
	// At the limit, a probe beyond it is tried once the refusal is old
	// enough; accepted, it raises the limit.
	if err := s.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	s.opened() // 2 open
	s.every = 0
	if err := s.acquire(ctx); err != nil {
		t.Fatalf("probe: %v", err)
	}
	s.opened()
	if s.Limit() != 3 {
		t.Fatalf("limit after an accepted probe = %d, want 3", s.Limit())
	}
	// Sessions that will not end holding every slot: the connection
	// is given up rather than waited on.
	s.every = time.Hour
	for range 3 {
		s.linger()
	}
	if err := s.acquire(ctx); !errors.Is(err, errConnFull) {
		t.Fatalf("acquire with every slot held by lingering sessions: %v", err)
	}
}

package hosts

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The limit is learned from a refusal as the most sessions held open,
// raised when a late success shows more, and a full connection waits.
func TestSlotsLearnTheLimit(t *testing.T) {
	ctx := context.Background()
	s := newSlots()
	for range 3 {
		if err := s.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s.opened()
	expired, cancel := context.WithTimeoutCause(ctx, 0, errOpenTimeout)
	defer cancel()
	// The third open is refused before the second's success is counted:
	// at the limit, the retry waits for a slot to free (here: none does
	// before its bound).
	if err := s.refused(expired); !errors.Is(err, errNoSlot) {
		t.Fatalf("refused at the limit: %v", err)
	}
	if s.Limit() != 1 {
		t.Fatalf("limit after the refusal = %d, want 1", s.Limit())
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
}

package providers

import (
	"context"
	"sync"
)

// limiter caps the calls in flight to one provider. Calls that must wait
// are served by priority — Interactive, then Autonomous, then Batch — and
// first come, first served within a level, as the Macha seed's queue did.
// There is no preemption: a person's request waits at most for the calls
// already in flight, never for background work queued before it.
type limiter struct {
	mu       sync.Mutex
	limit    int
	inFlight int
	waiting  [Batch + 1][]*waiter
}

type waiter struct {
	ready   chan struct{} // closed when the slot is handed over
	granted bool          // set under mu when the slot is handed over
}

func newLimiter(limit int) *limiter {
	if limit < 1 {
		limit = 1
	}
	return &limiter{limit: limit}
}

// clampPriority maps an out-of-range priority to the nearest level, so a
// bad value neither panics nor jumps the queue.
func clampPriority(p Priority) Priority {
	switch {
	case p < Interactive:
		return Interactive
	case p > Batch:
		return Batch
	}
	return p
}

// acquire waits for a slot, or for ctx to end. On success the caller must
// call release exactly once.
func (l *limiter) acquire(ctx context.Context, p Priority) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p = clampPriority(p)
	l.mu.Lock()
	if l.inFlight < l.limit && l.queued() == 0 {
		l.inFlight++
		l.mu.Unlock()
		return nil
	}
	w := &waiter{ready: make(chan struct{})}
	l.waiting[p] = append(l.waiting[p], w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		if w.granted {
			// The slot arrived as we gave up: pass it on rather than leak it.
			l.mu.Unlock()
			l.release()
			return ctx.Err()
		}
		l.remove(p, w)
		l.mu.Unlock()
		return ctx.Err()
	}
}

// release hands the slot to the first waiter of the most urgent level, or
// frees it.
func (l *limiter) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for p := range l.waiting {
		if len(l.waiting[p]) == 0 {
			continue
		}
		w := l.waiting[p][0]
		l.waiting[p][0] = nil
		l.waiting[p] = l.waiting[p][1:]
		w.granted = true
		close(w.ready)
		return // the slot moves to w; inFlight is unchanged
	}
	l.inFlight--
}

// queued counts waiters; the caller holds mu.
func (l *limiter) queued() int {
	n := 0
	for _, q := range l.waiting {
		n += len(q)
	}
	return n
}

// remove drops w from level p's queue; the caller holds mu.
func (l *limiter) remove(p Priority, w *waiter) {
	q := l.waiting[p]
	for i, x := range q {
		if x == w {
			l.waiting[p] = append(q[:i], q[i+1:]...)
			return
		}
	}
}

// stats returns the calls in flight and waiting, for tests and status.
func (l *limiter) stats() (inFlight, waiting int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight, l.queued()
}

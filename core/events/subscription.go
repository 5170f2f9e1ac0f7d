package events

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Subscription is one subscriber's queue and the goroutine that drains it
// into C. It ends when its context ends, when Stop has delivered what was
// queued, or when the broker closes; then C is closed and the goroutine
// is gone.
type Subscription[T any] struct {
	// C delivers the events, in the order they were published.
	C <-chan T

	out    chan T
	opts   SubscribeOptions[T]
	broker *Broker[T]
	cancel context.CancelFunc
	wake   chan struct{} // a token: the queue may have grown
	done   chan struct{} // closed when the goroutine has exited

	dropped atomic.Uint64
	cutOff  atomic.Bool // ended because too many events waited for it

	mu         sync.Mutex
	queue      ring[T]
	ended      bool // takes no more events
	stopping   bool // ends once the queue is delivered
	unreported uint64
	warn       *time.Timer
	// backlogWarn is the queue length that next earns a warning: guaranteed
	// events wait for a subscriber however far behind it is, so one that
	// stopped reading without ending its context shows in the log as its
	// queue doubles.
	backlogWarn int
}

// Dropped counts the lossy events this subscriber missed because its
// buffer was full.
func (s *Subscription[T]) Dropped() uint64 { return s.dropped.Load() }

// Stop ends the subscription gracefully: events published after it are
// not queued, events queued before it are still delivered, then C closes.
// A front end calls it once the run it follows has returned, and reads C
// to its end to be sure it has seen every event of the run.
func (s *Subscription[T]) Stop() {
	s.mu.Lock()
	already := s.ended
	s.ended, s.stopping = true, true
	s.mu.Unlock()
	if !already && s.broker != nil {
		s.broker.remove(s)
	}
	s.signal()
}

// CutOff reports whether the subscription ended because it fell too far
// behind (its channel is closed; events after that were never queued).
func (s *Subscription[T]) CutOff() bool { return s.cutOff.Load() }

// Done is closed once the subscription has ended and C is closed.
func (s *Subscription[T]) Done() <-chan struct{} { return s.done }

// push queues e for the subscriber, or drops it when it is lossy and the
// subscriber's buffer is full. It never waits for the subscriber.
func (s *Subscription[T]) push(e T, lossy bool) {
	if s.opts.Filter != nil && !s.opts.Filter(e) {
		return
	}
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	if lossy && !s.opts.Lossless && s.queue.len() >= s.opts.Buffer {
		s.dropLocked()
		s.mu.Unlock()
		return
	}
	if s.queue.len() >= s.broker.maxQueued {
		// Too far behind to catch up: end it rather than grow forever.
		s.ended = true
		s.cutOff.Store(true)
		s.mu.Unlock()
		s.broker.remove(s)
		s.cancel()
		if s.broker.log != nil {
			s.broker.log.Error("events: a subscriber fell too far behind and was cut off",
				"subscriber", s.name(), "queued", s.broker.maxQueued)
		}
		return
	}
	wasEmpty := s.queue.len() == 0
	s.queue.push(e)
	backlog := 0
	if s.broker.log != nil && s.queue.len() >= s.backlogWarn {
		backlog = s.queue.len()
		s.backlogWarn *= 2
	}
	s.mu.Unlock()
	if backlog > 0 {
		s.broker.log.Warn("events: a subscriber is far behind", "subscriber", s.name(), "queued", backlog)
	}
	if wasEmpty {
		// The pump waits only on an empty queue: a wake-up is needed
		// only when this event made it non-empty.
		s.signal()
	}
}

func (s *Subscription[T]) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// pump moves queued events into C until the subscription ends.
func (s *Subscription[T]) pump(ctx context.Context) {
	defer s.finish()
	for {
		s.mu.Lock()
		e, ok := s.queue.pop()
		stopping := s.stopping
		s.mu.Unlock()
		if !ok {
			if stopping {
				return
			}
			select {
			case <-s.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case s.out <- e:
		case <-ctx.Done():
			return
		}
	}
}

// finish unregisters the subscription, drops what is left, says how many
// events were dropped since the last warning and closes C.
func (s *Subscription[T]) finish() {
	s.cancel()
	s.mu.Lock()
	already := s.ended
	s.ended = true
	s.queue.clear()
	if s.warn != nil {
		s.warn.Stop()
		s.warn = nil
	}
	s.mu.Unlock()
	if !already {
		s.broker.remove(s)
	}
	s.reportDrops()
	close(s.out)
	close(s.done)
}

// dropLocked counts a dropped event and, with a logger, makes sure a
// warning follows within the broker's interval. s.mu is held.
func (s *Subscription[T]) dropLocked() {
	s.dropped.Add(1)
	if s.broker.log == nil {
		return
	}
	s.unreported++
	if s.warn == nil {
		s.warn = time.AfterFunc(s.broker.warnEvery, func() {
			s.mu.Lock()
			s.warn = nil
			s.mu.Unlock()
			s.reportDrops()
		})
	}
}

// reportDrops logs the drops not yet reported, once.
func (s *Subscription[T]) reportDrops() {
	if s.broker == nil || s.broker.log == nil {
		return
	}
	s.mu.Lock()
	n := s.unreported
	s.unreported = 0
	s.mu.Unlock()
	if n == 0 {
		return
	}
	s.broker.log.Warn("events: a slow subscriber missed events", "subscriber", s.name(),
		"dropped", n, "dropped_total", s.Dropped())
}

func (s *Subscription[T]) name() string {
	if s.opts.Name == "" {
		return "unnamed"
	}
	return s.opts.Name
}

package events

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Broker is a typed publish/subscribe hub. Publish never waits for a
// subscriber: each subscription has its own queue, drained by its own
// goroutine into its channel, so one slow subscriber delays nobody else.
// Lossy events (see Delivery) are dropped for a subscriber whose buffer is
// full, and counted; guaranteed events are always queued. Events reach a
// subscriber in the order they were published, whatever their delivery.
// The zero value is not usable: call NewBroker. A nil *Broker is a valid,
// silent broker.
type Broker[T any] struct {
	log       *slog.Logger
	warnEvery time.Duration // how long drops are gathered into one warning
	maxQueued int           // a subscriber further behind is cut off

	mu     sync.Mutex // serialises changes to subs
	subs   atomic.Pointer[[]*Subscription[T]]
	closed bool
}

// DefaultBuffer is how many events may wait for a subscriber before lossy
// events are dropped for it.
const DefaultBuffer = 1024

// backlogWarnAt: a subscriber with this many buffers' worth of events
// queued is reported as far behind (then again each time it doubles).
const backlogWarnAt = 8

// maxQueued is how many events may wait for one subscriber before it is
// cut off: guaranteed events are never dropped one by one, so a subscriber
// that stopped reading without ending its context would otherwise hold
// memory without bound. Its channel closes, and the log says so; the front
// end resubscribes and reloads what it shows.
const maxQueued = 1 << 20

// dropWarnEvery is how long a subscriber's drops are gathered into one
// warning, so a stalled subscriber cannot flood the log.
const dropWarnEvery = time.Second

// NewBroker returns a broker with no subscribers. log receives a warning
// when a subscriber drops events; nil keeps quiet.
func NewBroker[T any](log *slog.Logger) *Broker[T] {
	return &Broker[T]{log: log, warnEvery: dropWarnEvery, maxQueued: maxQueued}
}

// SubscribeOptions tune one subscription. The zero value takes every event.
type SubscribeOptions[T any] struct {
	// Name identifies the subscriber in the log.
	Name string
	// Filter, when set, keeps only the events it accepts; the rest are
	// never queued (and never counted as dropped).
	Filter func(T) bool
	// Buffer is how many events may wait before lossy ones are dropped;
	// DefaultBuffer when 0.
	Buffer int
	// Lossless treats every event as guaranteed: for a front end that
	// prints a turn's answer from its tokens and must not lose a word of
	// it. Use it only with a Filter that bounds what is queued.
	Lossless bool
}

// Subscribe returns a channel of the events published from now on, closed
// when ctx ends (or the broker closes). Unread events stay queued for it:
// a subscriber that stops reading must end ctx.
func (b *Broker[T]) Subscribe(ctx context.Context) <-chan T {
	return b.SubscribeWith(ctx, SubscribeOptions[T]{}).C
}

// SubscribeWith is Subscribe with options, returning the subscription so
// its drops can be read and it can be stopped gracefully.
func (b *Broker[T]) SubscribeWith(ctx context.Context, o SubscribeOptions[T]) *Subscription[T] {
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan T)
	s := &Subscription[T]{
		C: out, out: out, opts: o, broker: b, cancel: cancel,
		wake: make(chan struct{}, 1), done: make(chan struct{}),
		backlogWarn: backlogWarnAt * o.Buffer,
	}
	if b == nil || !b.add(s) {
		s.ended = true
		cancel()
		close(out)
		close(s.done)
		return s
	}
	go s.pump(ctx)
	return s
}

// Publish delivers e to every subscriber without waiting for any of them.
// Publishing on a closed or nil broker does nothing.
func (b *Broker[T]) Publish(e T) {
	if b == nil {
		return
	}
	subs := b.subs.Load()
	if subs == nil {
		return
	}
	lossy := DeliveryOf(e) == Lossy
	for _, s := range *subs {
		s.push(e, lossy)
	}
}

// Close ends every subscription (their channels close) and makes later
// Publish calls do nothing. It is safe to call more than once.
func (b *Broker[T]) Close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.closed = true
	subs := b.subs.Swap(nil)
	b.mu.Unlock()
	if subs != nil {
		for _, s := range *subs {
			s.cancel()
		}
	}
}

// add registers s; false once the broker is closed.
func (b *Broker[T]) add(s *Subscription[T]) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	var next []*Subscription[T]
	if cur := b.subs.Load(); cur != nil {
		next = make([]*Subscription[T], 0, len(*cur)+1)
		next = append(next, *cur...)
	}
	next = append(next, s)
	b.subs.Store(&next)
	return true
}

// remove unregisters s (copy on write: Publish reads the list unlocked).
func (b *Broker[T]) remove(s *Subscription[T]) {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := b.subs.Load()
	if cur == nil {
		return
	}
	next := make([]*Subscription[T], 0, len(*cur))
	for _, x := range *cur {
		if x != s {
			next = append(next, x)
		}
	}
	if len(next) == 0 {
		b.subs.Store(nil)
		return
	}
	b.subs.Store(&next)
}

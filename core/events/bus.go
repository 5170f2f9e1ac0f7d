package events

import (
	"sync"
	"sync/atomic"
)

// Bus fans events out to subscribers. The zero value is not usable: call New.
type Bus struct {
	mu   sync.RWMutex
	subs map[*Subscription]struct{}
}

// New returns an empty bus.
func New() *Bus { return &Bus{subs: map[*Subscription]struct{}{}} }

// Subscription receives events on C until Close.
type Subscription struct {
	C       <-chan Event
	ch      chan Event
	bus     *Bus
	once    sync.Once
	dropped atomic.Int64
}

// Subscribe returns a subscription with room for buffer events. A
// subscriber that falls further behind loses events (counted in Dropped)
// rather than slowing the kernel down.
func (b *Bus) Subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	ch := make(chan Event, buffer)
	s := &Subscription{C: ch, ch: ch, bus: b}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Close stops delivery and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.bus.mu.Lock()
		delete(s.bus.subs, s)
		close(s.ch)
		s.bus.mu.Unlock()
	})
}

// Dropped counts events this subscriber missed because it was full.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Publish delivers e to every subscriber without waiting. A nil bus is a
// valid, silent bus.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	for s := range b.subs {
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

package events

import (
	"context"
	"log/slog"
)

// Bus is the core's broker of Events.
type Bus = Broker[Event]

// New returns an empty Bus; log receives drop warnings (nil: none).
func New(log *slog.Logger) *Bus { return NewBroker[Event](log) }

// ForTurn keeps the events of one turn.
func ForTurn(turn string) func(Event) bool {
	return func(e Event) bool { return e.Turn() == turn }
}

// Subscriber is what a front end needs of the core to follow events:
// *Bus is one.
type Subscriber interface {
	SubscribeWith(ctx context.Context, o SubscribeOptions[Event]) *Subscription[Event]
}

// StoreChanges subscribes name to the StoreChanged events that name part:
// how a background service learns that another process changed its
// tables. A nil bus gives a nil channel, which never delivers.
func StoreChanges(ctx context.Context, b *Bus, name string, part StorePart) <-chan Event {
	if b == nil {
		return nil
	}
	return b.SubscribeWith(ctx, SubscribeOptions[Event]{
		Name: name,
		Filter: func(e Event) bool {
			c, ok := e.(StoreChanged)
			return ok && c.Has(part)
		},
	}).C
}

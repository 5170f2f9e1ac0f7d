package events

// Delivery says what happens to an event for a subscriber that has fallen
// behind.
type Delivery uint8

const (
	// Guaranteed events are queued until the subscriber takes them: state
	// changes a front end must never miss. The default.
	Guaranteed Delivery = iota
	// Lossy events are dropped, and counted, when the subscriber's buffer
	// is full: high-rate events (tokens, progress) whose loss only makes a
	// view less live.
	Lossy
)

func (d Delivery) String() string {
	if d == Lossy {
		return "lossy"
	}
	return "guaranteed"
}

// Deliverer is implemented by event types that choose their delivery;
// an event that does not implement it is Guaranteed. Delivery is a
// property of the event type, never of the place that publishes it.
type Deliverer interface {
	Delivery() Delivery
}

// DeliveryOf is e's delivery.
func DeliveryOf(e any) Delivery {
	if d, ok := e.(Deliverer); ok {
		return d.Delivery()
	}
	return Guaranteed
}

package events

// ring is a first-in first-out queue that grows as needed. It is not safe
// for concurrent use: a subscription guards its own.
type ring[T any] struct {
	buf  []T
	head int
	n    int
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(e T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

func (r *ring[T]) pop() (T, bool) {
	var zero T
	if r.n == 0 {
		return zero, false
	}
	e := r.buf[r.head]
	r.buf[r.head] = zero // let the event be collected
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	if r.n == 0 && len(r.buf) > ringKeep {
		// A burst is over: give its memory back.
		r.buf, r.head = nil, 0
	}
	return e, true
}

// ringKeep is the largest buffer an empty queue keeps.
const ringKeep = 1024

func (r *ring[T]) grow() {
	size := 2 * len(r.buf)
	if size < 16 {
		size = 16
	}
	buf := make([]T, size)
	for i := 0; i < r.n; i++ {
		buf[i] = r.buf[(r.head+i)%len(r.buf)]
	}
	r.buf, r.head = buf, 0
}

// clear drops every queued event.
func (r *ring[T]) clear() { r.buf, r.head, r.n = nil, 0, 0 }

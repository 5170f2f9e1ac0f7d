package kit

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Query is a tea.Cmd that runs fn with a context bounded by timeout: a
// pane's one way to ask its service, off the Update path.
func Query(timeout time.Duration, fn func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		return fn(ctx)
	}
}

// Queries numbers a pane's queries by kind, so an answer a newer query of
// its kind overtook is dropped. The zero value is ready to use.
type Queries[K comparable] struct {
	seq  uint64
	last map[K]uint64
}

// Next numbers a query of kind k; its answer counts only while it is the
// newest of its kind.
func (q *Queries[K]) Next(k K) uint64 {
	if q.last == nil {
		q.last = map[K]uint64{}
	}
	q.seq++
	q.last[k] = q.seq
	return q.seq
}

// Last is the number of the newest query of kind k sent (0: none).
func (q *Queries[K]) Last(k K) uint64 { return q.last[k] }

// Current reports whether n numbers the newest query of kind k.
func (q *Queries[K]) Current(k K, n uint64) bool { return q.last[k] == n }

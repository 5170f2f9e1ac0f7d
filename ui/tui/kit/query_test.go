package kit

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestQueriesDropOvertakenAnswers(t *testing.T) {
	var q Queries[string]
	if q.Current("list", 1) || q.Last("list") != 0 {
		t.Fatal("a fresh Queries knows of a query")
	}
	a := q.Next("list")
	b := q.Next("detail")
	c := q.Next("list")
	cases := []struct {
		kind string
		n    uint64
		want bool
	}{
		{"list", a, false}, // overtaken by c
		{"list", c, true},
		{"detail", b, true}, // another kind does not overtake it
		{"detail", c, false},
	}
	for _, x := range cases {
		if got := q.Current(x.kind, x.n); got != x.want {
			t.Errorf("Current(%s, %d) = %v", x.kind, x.n, got)
		}
	}
	if q.Last("list") != c {
		t.Errorf("Last(list) = %d, want %d", q.Last("list"), c)
	}
}

func TestQueryBoundsItsContext(t *testing.T) {
	msg := Query(50*time.Millisecond, func(ctx context.Context) tea.Msg {
		<-ctx.Done()
		return ctx.Err()
	})()
	if msg != context.DeadlineExceeded {
		t.Fatalf("msg = %v, want the deadline", msg)
	}
}

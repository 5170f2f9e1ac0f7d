package providers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

func TestBackoffFullJitterWithinCap(t *testing.T) {
	base := 250 * time.Millisecond
	tests := []struct {
		retry int
		max   time.Duration
	}{
		{1, 250 * time.Millisecond},
		{2, 500 * time.Millisecond},
		{3, time.Second},
		{5, 4 * time.Second},
		{12, 4 * time.Second},
	}
	for _, tc := range tests {
		seen := map[time.Duration]bool{}
		var biggest time.Duration
		for range 500 {
			d := backoff(base, tc.retry)
			if d < 0 || d > tc.max {
				t.Fatalf("backoff(%v, %d) = %v, want within [0, %v]", base, tc.retry, d, tc.max)
			}
			seen[d] = true
			biggest = max(biggest, d)
		}
		if len(seen) < 10 {
			t.Errorf("retry %d: only %d distinct waits in 500 draws; no jitter?", tc.retry, len(seen))
		}
		if biggest < tc.max/2 {
			t.Errorf("retry %d: largest wait %v never came near the cap %v; not doubling?", tc.retry, biggest, tc.max)
		}
	}
	if backoff(0, 3) != 0 {
		t.Error("a zero base must not wait")
	}
}

func TestCancelStopsRetriesPromptly(t *testing.T) {
	tests := []struct {
		name string
		// cancelOnSleep cancels the caller when the gateway starts its first
		// backoff; otherwise the caller cancels while a slow request is in flight.
		cancelOnSleep bool
		reply         providertest.Reply
	}{
		{name: "during backoff", cancelOnSleep: true, reply: providertest.Reply{Status: 503}},
		{name: "during a request", reply: providertest.Reply{Status: 503, Delay: 5 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newBackend(t, "a")
			a.srv.SetDefault(tc.reply)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sleeps := 0
			o := Options{Sleep: func(sctx context.Context, d time.Duration) error {
				sleeps++
				if sctx.Err() != nil {
					t.Error("the gateway slept after the caller's context was done")
				}
				if tc.cancelOnSleep {
					cancel()
					if sctx.Err() == nil {
						t.Error("the backoff sleep cannot be interrupted by the caller")
					}
				}
				return sleepCtx(sctx, d)
			}, BaseBackoff: time.Second}
			g, _, _ := newGateway(t, "m", o, a)
			if !tc.cancelOnSleep {
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			start := time.Now()
			res, err := g.Call(ctx, userCall("hi"))
			elapsed := time.Since(start)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
			if elapsed > 2*time.Second {
				t.Errorf("Call took %v after cancel; want prompt", elapsed)
			}
			if a.sent() != 1 || res.Attempts != 1 {
				t.Errorf("sent %d, attempts %d; want 1 and no retry after cancel", a.sent(), res.Attempts)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.cancelOnSleep]; sleeps != want {
				t.Errorf("slept %d times, want %d", sleeps, want)
			}
		})
	}
}

func TestCallerDeadlineWinsOverAttemptTimeout(t *testing.T) {
	a := newBackend(t, "a")
	a.srv.SetDefault(providertest.Reply{Delay: 5 * time.Second})
	g, _, sleeper := newGateway(t, "m", Options{AttemptTimeout: time.Minute}, a)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := g.Call(ctx, userCall("hi"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v; want the caller's deadline", err)
	}
	if time.Since(start) > 2*time.Second || a.sent() != 1 || sleeper.count() != 0 {
		t.Fatalf("took %v, sent %d, slept %d; want a prompt stop with no retry", time.Since(start), a.sent(), sleeper.count())
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	a := newBackend(t, "a")
	a.srv.Script(providertest.Reply{Delay: 5 * time.Second}, providertest.Reply{Content: "second try"})
	g, _, _ := newGateway(t, "m", Options{AttemptTimeout: 150 * time.Millisecond}, a)
	start := time.Now()
	res, err := g.Call(context.Background(), userCall("hi"))
	if err != nil || res.Content != "second try" || res.Attempts != 2 {
		t.Fatalf("Call = %q, attempts %d, %v; want the second try", res.Content, res.Attempts, err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("took %v; the attempt timeout did not cut the slow attempt", time.Since(start))
	}
}

func TestStreamAttemptTimeoutCountsSilenceNotLength(t *testing.T) {
	// Six chunks 60ms apart take 300ms in all, over the 150ms limit, but no
	// silence is longer than the limit, so the answer must complete.
	a := newBackend(t, "a")
	a.srv.Script(providertest.Reply{Chunks: []string{"a ", "b ", "c ", "d ", "e ", "f"}, ChunkDelay: 60 * time.Millisecond})
	g, _, _ := newGateway(t, "m", Options{AttemptTimeout: 150 * time.Millisecond}, a)
	c := userCall("hi")
	c.OnDelta = func(string) {}
	res, err := g.Call(context.Background(), c)
	if err != nil || res.Content != "a b c d e f" || res.Attempts != 1 {
		t.Fatalf("Call = %q, attempts %d, %v", res.Content, res.Attempts, err)
	}
}

package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

func TestLimiterServesByPriorityThenArrival(t *testing.T) {
	tests := []struct {
		name    string
		arrive  []Priority
		wantRun string // indexes into arrive, in the order they get the slot
	}{
		{"fifo within a level", []Priority{Batch, Batch, Batch}, "0,1,2"},
		{"interactive first", []Priority{Batch, Autonomous, Batch, Interactive, Autonomous}, "3,1,4,0,2"},
		{"out of range clamps", []Priority{Priority(7), Priority(-2), Batch}, "1,0,2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLimiter(1)
			if err := l.acquire(context.Background(), Interactive); err != nil { // the call in flight
				t.Fatal(err)
			}
			var mu sync.Mutex
			var order []string
			var wg sync.WaitGroup
			for i, p := range tc.arrive {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := l.acquire(context.Background(), p); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					order = append(order, fmt.Sprint(i))
					mu.Unlock()
					l.release()
				}()
				waitFor(t, func() bool { _, w := l.stats(); return w == i+1 }) // arrival order is the index order
			}
			l.release()
			wg.Wait()
			if got := strings.Join(order, ","); got != tc.wantRun {
				t.Errorf("served %s, want %s", got, tc.wantRun)
			}
			if in, w := l.stats(); in != 0 || w != 0 {
				t.Errorf("after all: %d in flight, %d waiting", in, w)
			}
		})
	}
}

func TestLimiterWaitRespectsContext(t *testing.T) {
	l := newLimiter(1)
	if err := l.acquire(context.Background(), Interactive); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.acquire(ctx, Interactive); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire = %v; want the deadline", err)
	}
	if _, w := l.stats(); w != 0 {
		t.Fatalf("a caller that gave up is still queued (%d waiting)", w)
	}
	l.release()
	if in, _ := l.stats(); in != 0 {
		t.Fatalf("slot leaked: %d in flight", in)
	}
}

func TestInteractiveCallOvertakesQueuedBatch(t *testing.T) {
	a := newBackend(t, "a")
	release := make(chan struct{})
	a.srv.Handle(func(r providertest.Recorded) providertest.Reply {
		if last(r) == "slow" {
			<-release
		}
		return providertest.Reply{Content: "done " + last(r)}
	})
	g, _, _ := newGateway(t, "m", Options{Concurrency: 1}, a)
	lim := g.limiter("a")

	call := func(text string, p Priority) <-chan error {
		done := make(chan error, 1)
		go func() {
			c := userCall(text)
			c.Priority = p
			_, err := g.Call(context.Background(), c)
			done <- err
		}()
		return done
	}
	slow := call("slow", Batch)
	waitFor(t, func() bool { in, _ := lim.stats(); return in == 1 && a.sent() == 1 })
	batch := call("batch", Batch)
	waitFor(t, func() bool { _, w := lim.stats(); return w == 1 })
	interactive := call("interactive", Interactive)
	waitFor(t, func() bool { _, w := lim.stats(); return w == 2 })
	close(release)
	for _, ch := range []<-chan error{slow, batch, interactive} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range a.srv.ChatRequests() {
		got = append(got, last(r))
	}
	if strings.Join(got, ",") != "slow,interactive,batch" {
		t.Fatalf("server order %v; want the interactive call before the earlier batch call", got)
	}
}

// last returns the text of a recorded request's last message.
func last(r providertest.Recorded) string {
	if r.Chat == nil || len(r.Chat.Messages) == 0 {
		return ""
	}
	return r.Chat.Messages[len(r.Chat.Messages)-1].Content
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

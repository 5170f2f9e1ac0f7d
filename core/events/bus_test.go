package events

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBusDeliversToEverySubscriber(t *testing.T) {
	b := New()
	s1, s2 := b.Subscribe(4), b.Subscribe(4)
	b.Publish(RunStarted{TurnID: "t1", Input: "hi"})
	for _, s := range []*Subscription{s1, s2} {
		e := <-s.C
		if e.Turn() != "t1" || e.(RunStarted).Input != "hi" {
			t.Fatalf("got %#v", e)
		}
	}
	s1.Close()
	s1.Close() // idempotent
	b.Publish(RunCompleted{TurnID: "t2"})
	if _, ok := <-s1.C; ok {
		t.Fatal("closed subscription still receives")
	}
	if e := <-s2.C; e.Turn() != "t2" {
		t.Fatalf("got %#v", e)
	}
}

func TestBusNeverBlocks(t *testing.T) {
	b := New()
	s := b.Subscribe(2)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			b.Publish(Token{TurnID: "t", Text: "x"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Publish blocked on a full subscriber")
	}
	if s.Dropped() != 98 {
		t.Fatalf("dropped %d, want 98", s.Dropped())
	}
	var nilBus *Bus
	nilBus.Publish(Token{}) // must not panic
}

func TestCoalescer(t *testing.T) {
	b := New()
	s := b.Subscribe(100)
	c := NewCoalescer(b, "t", 20*time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.Add("ab") }()
	}
	wg.Wait()
	time.Sleep(60 * time.Millisecond)
	c.Add("tail")
	c.Flush()
	var got strings.Builder
	n := 0
	for len(s.C) > 0 {
		e := <-s.C
		got.WriteString(e.(Token).Text)
		n++
	}
	if got.String() != strings.Repeat("ab", 50)+"tail" {
		t.Fatalf("text = %q", got.String())
	}
	if n > 3 {
		t.Fatalf("%d token events for 51 adds: not coalesced", n)
	}
	c.Add("gone")
	c.Reset("retry")
	c.Flush()
	if e := <-s.C; e.(StreamReset).Reason != "retry" || len(s.C) != 0 {
		t.Fatalf("reset did not drop queued text: %#v, %d more", e, len(s.C))
	}
}

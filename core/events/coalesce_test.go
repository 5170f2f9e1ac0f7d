package events

import (
	"context"
	"strings"
	"sync"
	"testing"
)

func TestCoalescer(t *testing.T) {
	b := New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := b.SubscribeWith(ctx, SubscribeOptions[Event]{Lossless: true})
	c := NewCoalescer(b, "t", 0)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.Add("ab") }()
	}
	wg.Wait()
	c.Add("tail")
	c.Flush()
	c.Add("gone")
	c.Reset("retry")
	c.Flush()
	cmd := NewCoalescer(b, "t", 0)
	cmd.Command = true
	cmd.Add("line\n")
	cmd.Flush()
	s.Stop()
	var got strings.Builder
	var tokens, resets, commands int
	for e := range s.C {
		switch e := e.(type) {
		case Token:
			if e.Command {
				commands++
				continue
			}
			got.WriteString(e.Text)
			tokens++
		case StreamReset:
			if e.Reason != "retry" {
				t.Fatalf("reset reason %q", e.Reason)
			}
			resets++
		}
	}
	if got.String() != strings.Repeat("ab", 50)+"tail" {
		t.Fatalf("text = %q: the reset did not drop queued text, or text was lost", got.String())
	}
	if tokens > 3 || resets != 1 || commands != 1 {
		t.Fatalf("%d tokens for 51 adds (want coalesced), %d resets (want 1), %d command tokens (want 1)", tokens, resets, commands)
	}
}

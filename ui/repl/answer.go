package repl

import (
	"context"
	"io"
	"sync"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// Answer prints a model's answer as it streams, from its turn's events on
// the core's broker (Token and StreamReset), cleaned for the terminal, and
// remembers whether any of it was printed, so the whole answer is printed
// afterwards exactly when nothing streamed: once, whether the output is a
// terminal, a pipe or a file. A command's output (Token.Command) is not
// printed: the result holds it whole. `macroa run` uses it too.
type Answer struct {
	w    *termsafe.Writer
	sub  *events.Subscription[events.Event]
	done chan struct{} // closed when every event has been printed

	mu      sync.Mutex
	printed bool
}

// FollowAnswer starts printing turn's streamed answer to out. It subscribes
// at once, so a run started after it returns loses nothing; the request
// must carry the same TurnID. The subscription ends with ctx or with Done.
// src nil follows nothing: Done reports false and the result is printed
// whole.
func FollowAnswer(ctx context.Context, src events.Subscriber, turn store.TurnID, out io.Writer) *Answer {
	a := &Answer{w: termsafe.NewWriter(out), done: make(chan struct{})}
	if src == nil {
		close(a.done)
		return a
	}
	// Lossless: these tokens are the answer itself, printed once; the
	// filter keeps the queue to this turn's events.
	a.sub = src.SubscribeWith(ctx, events.SubscribeOptions[events.Event]{
		Name: "answer", Filter: events.ForTurn(string(turn)), Lossless: true})
	go a.print()
	return a
}

// print prints the turn's events until the subscription ends.
func (a *Answer) print() {
	defer close(a.done)
	for e := range a.sub.C {
		switch e := e.(type) {
		case events.Token:
			if !e.Command {
				a.text(e.Text)
			}
		case events.StreamReset:
			a.reset()
		}
	}
}

// text prints a piece of the answer.
func (a *Answer) text(text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if text != "" {
		a.printed = true
	}
	_, _ = a.w.WriteString(text)
}

// reset says what was printed is void: the answer starts over.
func (a *Answer) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	_ = a.w.Flush()
	if a.printed {
		_, _ = io.WriteString(a.w, "\n[answer restarted: the provider failed mid-answer]\n")
	}
	a.printed = false
}

// Done is called once the run has returned: it prints every event the
// turn published (the kernel publishes them all before Run returns), ends
// the subscription and reports whether any of the answer was printed
// (false on a nil Answer).
func (a *Answer) Done() bool {
	if a == nil {
		return false
	}
	if a.sub != nil {
		a.sub.Stop()
	}
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	_ = a.w.Flush()
	return a.printed
}

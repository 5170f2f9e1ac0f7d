package kernel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// seen is what a front end following one turn received.
type seen struct {
	shown     string // the answer as a screen shows it: a reset clears it
	tokens    int    // answer token events
	resets    int
	commands  string // command output (Token.Command)
	completed bool   // RunCompleted arrived, after every other event
}

// follow subscribes to turn's events the way `macroa run` and the REPL do
// (every event of the turn, none lost); onShown, when set, sees the answer
// so far after each token. The returned function, called once the run has
// returned, ends the subscription and reports what arrived.
func follow(t *testing.T, bus *events.Bus, turn store.TurnID, onShown func(string)) func() seen {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sub := bus.SubscribeWith(ctx, events.SubscribeOptions[events.Event]{
		Filter: events.ForTurn(string(turn)), Lossless: true})
	out := make(chan seen, 1)
	go func() {
		var s seen
		var shown strings.Builder
		late := 0
		for e := range sub.C {
			if s.completed {
				late++
			}
			switch e := e.(type) {
			case events.Token:
				if e.Command {
					s.commands += e.Text
					continue
				}
				s.tokens++
				shown.WriteString(e.Text)
				if onShown != nil {
					onShown(shown.String())
				}
			case events.StreamReset:
				s.resets++
				shown.Reset()
			case events.RunCompleted:
				s.completed = true
			}
		}
		if late > 0 {
			s.completed = false
		}
		s.shown = shown.String()
		out <- s
	}()
	return func() seen {
		t.Helper()
		sub.Stop()
		select {
		case s := <-out:
			return s
		case <-time.After(10 * time.Second):
			t.Fatal("the subscription did not end after Stop")
		}
		return seen{}
	}
}

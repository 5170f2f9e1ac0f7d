package tui

import (
	"context"
	"log/slog"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
)

// eventBuffer is how many core events may wait for the program before
// tokens are dropped for it (state changes never are, and the kernel is
// never held up). Tokens are coalesced to about 30 ms, so this is seconds
// of slack.
const eventBuffer = 4096

// Bridge forwards core events into the program as CoreEventMsg until ctx
// ends. It is the only goroutine that calls send (Program.Send), and it
// survives a panic in conversion with a log line rather than taking the
// terminal down.
func Bridge(ctx context.Context, src events.Subscriber, send func(tea.Msg), log *slog.Logger) {
	bridge(ctx, subscribe(ctx, src), send, log)
}

// subscribe opens the cockpit's subscription; it ends with ctx. Tests
// subscribe before they start the bridge, so no event published after the
// subscription is missed.
func subscribe(ctx context.Context, src events.Subscriber) <-chan events.Event {
	return src.SubscribeWith(ctx, events.SubscribeOptions[events.Event]{Name: "cockpit", Buffer: eventBuffer}).C
}

// bridge forwards what c receives until ctx ends or c closes.
func bridge(ctx context.Context, c <-chan events.Event, send func(tea.Msg), log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-c:
			if !ok {
				return
			}
			forward(e, send, log)
		}
	}
}

func forward(e events.Event, send func(tea.Msg), log *slog.Logger) {
	defer func() {
		if r := recover(); r != nil && log != nil {
			log.Error("bridge: panic forwarding an event", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	send(CoreEventMsg{Event: e})
}

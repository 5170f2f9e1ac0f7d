package tui

import (
	"context"
	"log/slog"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
)

// eventBuffer is how many core events may wait for the program before the
// bus starts dropping (it never blocks the kernel). Tokens are coalesced
// to about 30 ms, so this is seconds of slack.
const eventBuffer = 4096

// Bridge forwards core events into the program as CoreEventMsg until ctx
// ends. It is the only goroutine that calls send (Program.Send), and it
// survives a panic in conversion with a log line rather than taking the
// terminal down.
func Bridge(ctx context.Context, bus *events.Bus, send func(tea.Msg), log *slog.Logger) {
	bridge(ctx, bus.Subscribe(eventBuffer), send, log)
}

// bridge forwards what sub receives until ctx ends, then closes it. Tests
// subscribe before they start it, so no event published after the
// subscription is missed.
func bridge(ctx context.Context, sub *events.Subscription, send func(tea.Msg), log *slog.Logger) {
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C:
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

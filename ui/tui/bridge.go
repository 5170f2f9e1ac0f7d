package tui

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"

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
//
// Should the broker cut the subscription off (the program fell too far
// behind), it subscribes again and tells every pane to reload, since
// changes may have been missed in between.
func Bridge(ctx context.Context, src events.Subscriber, send func(tea.Msg), log *slog.Logger) {
	for {
		sub := src.SubscribeWith(ctx, subscribeOptions)
		bridge(ctx, sub.C, send, log)
		if ctx.Err() != nil || !sub.CutOff() {
			return
		}
		if log != nil {
			log.Warn("bridge: the event subscription was cut off; subscribing again")
		}
		forward(events.StoreChanged{Parts: []events.StorePart{events.PartAudit, events.PartSessions,
			events.PartFacts, events.PartUsage, events.PartApprovals}, At: time.Now()}, send, log)
	}
}

// subscribe opens the cockpit's subscription; it ends with ctx. Tests
// subscribe before they start the bridge, so no event published after the
// subscription is missed.
func subscribe(ctx context.Context, src events.Subscriber) <-chan events.Event {
	return src.SubscribeWith(ctx, subscribeOptions).C
}

var subscribeOptions = events.SubscribeOptions[events.Event]{Name: "cockpit", Buffer: eventBuffer}

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

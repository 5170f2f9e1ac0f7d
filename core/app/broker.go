package app

import (
	"context"

	"github.com/macroa/macroa/core/events"
)

// The broker is used only in this file, so a change of its API touches
// one place. It is made on first use, so that it warns about dropped
// events in the log SetLog gave before then.

// broker returns the event broker, making it on first use.
func (a *App) broker() *events.Bus {
	a.busOnce.Do(func() { a.bus = events.New(a.logger()) })
	return a.bus
}

// publish sends e to every subscriber.
func (a *App) publish(e events.Event) { a.broker().Publish(e) }

// Subscribe returns every event published from now on, until ctx ends or
// the App shuts down; then the channel is closed.
func (a *App) Subscribe(ctx context.Context) <-chan events.Event {
	return a.broker().Subscribe(ctx)
}

// Bus is the broker itself, for a front end that subscribes with options
// (a filter, a name in the log).
func (a *App) Bus() *events.Bus { return a.broker() }

// closeBroker ends every subscription.
func (a *App) closeBroker() { a.broker().Close() }

package tui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// countingUsage answers today's spend and counts the questions.
type countingUsage struct {
	calls atomic.Int32
	spent float64
}

func (u *countingUsage) SpentSince(context.Context, time.Time) (float64, error) {
	u.calls.Add(1)
	return u.spent, nil
}

// The status bar's spend is read when it may have changed (a run ended,
// the store says usage or audit changed), never on a timer.
func TestAppSpendRefreshesOnChangesOnly(t *testing.T) {
	st := tuitest.Styles(t, "ansi")
	u := &countingUsage{spent: 0.25}
	a := New(Options{Usage: u, Styles: st, Panes: []Pane{&boxPane{id: PaneChat, capturing: true}}})
	d := tuitest.ForModel(t, a)
	d.Run(a.Init())
	if u.calls.Load() != 1 || a.spent != 0.25 {
		t.Fatalf("start: %d reads, spent %v", u.calls.Load(), a.spent)
	}
	changed := func(parts ...events.StorePart) CoreEventMsg {
		return CoreEventMsg{Event: events.StoreChanged{Parts: parts, At: time.Now()}}
	}
	tests := []struct {
		msg  CoreEventMsg
		read bool
	}{
		{changed(events.PartSessions, events.PartFacts), false},
		{changed(events.PartUsage), true},
		{changed(events.PartAudit), true},
		{CoreEventMsg{Event: events.RunCompleted{}}, true},
		{CoreEventMsg{Event: events.RunStarted{}}, false},
	}
	for _, tt := range tests {
		before := u.calls.Load()
		u.spent += 0.5
		d.Send(tt.msg)
		if got := u.calls.Load() > before; got != tt.read {
			t.Fatalf("%T %+v: read the spend = %v, want %v", tt.msg.Event, tt.msg.Event, got, tt.read)
		}
		if tt.read && a.spent != u.spent {
			t.Fatalf("spent %v, want %v", a.spent, u.spent)
		}
	}
}

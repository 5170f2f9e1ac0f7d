package approvals

import (
	"context"
	"strconv"
	"testing"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// BenchmarkApproveToStart is the time from a person's approval (the
// pane's a key calls Approve) to the action's process started and
// printing: its first ApprovalOutput line. Target: under 50 ms.
func BenchmarkApproveToStart(b *testing.B) {
	r := newRig(b, policy.Suggest)
	ctx := context.Background()
	sub := r.bus.SubscribeWith(b.Context(), events.SubscribeOptions[events.Event]{Lossless: true, Filter: func(e events.Event) bool {
		_, ok := e.(events.ApprovalOutput)
		return ok
	}})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := r.ask(command("echo started-"+strconv.Itoa(i)), AskOptions{}).Entry
		done := make(chan store.Approval, 1)
		b.StartTimer()
		go func() {
			got, err := r.svc.Approve(ctx, e.ID, person, Remember{})
			if err != nil {
				b.Error(err)
			}
			done <- got
		}()
		for first := false; !first; {
			x := (<-sub.C).(events.ApprovalOutput)
			first = x.ID == string(e.ID)
		}
		b.StopTimer()
		if got := <-done; got.State != store.ApprovalSucceeded {
			b.Fatalf("%s: %s", got.State, got.Error)
		}
	}
}

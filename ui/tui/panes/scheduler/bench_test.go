package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// BenchmarkViewTick is a second of the countdown with 10,000 tasks: the
// tick, then a frame of the list.
func BenchmarkViewTick(b *testing.B) {
	ts := make([]store.Task, 10000)
	for i := range ts {
		ts[i] = store.Task{ID: store.TaskID(fmt.Sprintf("%010x", i)), Name: fmt.Sprintf("task %d", i), Command: "!true",
			Spec: "every:60", NextRunAt: testNow.Add(time.Duration(i) * time.Second), RunCount: int64(i), LastState: store.RunSucceeded}
	}
	p, _, d, c, ticks := newTestPane(b, ts...)
	b.ReportAllocs()
	for b.Loop() {
		c.t = c.t.Add(time.Second)
		d.Send(tickMsg{gen: (*ticks)[0]})
		_ = p.View(160, 48, true)
	}
}

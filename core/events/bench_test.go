package events

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkPublish publishes to 10 subscribers and reports the 50th and
// 99th percentiles of one Publish call (targets: p99 under 10 µs lossy,
// under 50 µs guaranteed). "flood" publishes back to back while the
// subscribers read as fast as they can (lossy events then mostly drop:
// drops/op); "paced" waits until every subscriber has its event before
// publishing the next, so each Publish wakes ten idle subscribers.
func BenchmarkPublish(b *testing.B) {
	for _, bc := range []struct {
		name string
		e    Event
	}{
		{"lossy", Token{TurnID: "t", Text: "word "}},
		{"guaranteed", RunCompleted{TurnID: "t", Skill: "chat", Success: true}},
	} {
		for _, paced := range []bool{false, true} {
			mode := "flood"
			if paced {
				mode = "paced"
			}
			b.Run(bc.name+"/"+mode+"/10subs", func(b *testing.B) { benchPublish(b, bc.e, paced) })
		}
	}
}

func benchPublish(b *testing.B, e Event, paced bool) {
	bus := New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var subs []*Subscription[Event]
	var got sync.WaitGroup
	for i := 0; i < 10; i++ {
		s := bus.SubscribeWith(ctx, SubscribeOptions[Event]{})
		subs = append(subs, s)
		go func() {
			for range s.C {
				if paced {
					got.Done()
				}
			}
		}()
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if paced {
			got.Add(len(subs))
		}
		start := time.Now()
		bus.Publish(e)
		lat = append(lat, time.Since(start))
		if paced {
			got.Wait()
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(p(0.50), "p50-ns")
	b.ReportMetric(p(0.99), "p99-ns")
	var dropped uint64
	for _, s := range subs {
		dropped += s.Dropped()
	}
	b.ReportMetric(float64(dropped)/float64(b.N), "drops/op")
}

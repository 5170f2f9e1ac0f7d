package app

import (
	"context"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// BenchmarkWatcherLatency measures how long after another handle's write
// commits its StoreChanged reaches a subscriber (target: p95 well under
// 250 ms). Writes come at a random point of the watcher's interval, as
// they would from another process. Run with -benchtime=200x for a stable
// p95.
func BenchmarkWatcherLatency(b *testing.B) {
	for _, poll := range []bool{false, true} {
		b.Run(map[bool]string{false: "woken", true: "polling"}[poll], func(b *testing.B) { benchLatency(b, poll) })
	}
}

func benchLatency(b *testing.B, poll bool) {
	_, other, ch := startedApp(b, poll)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		time.Sleep(rand.N(DefaultWatchEvery)) // not a wait: where in the interval the write lands
		if _, err := other.AppendAudit(ctx, auditEntry("bench")); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		storeChanged(b, ch, 2*time.Second)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

// BenchmarkWatcherIdleTick is what one tick costs when nothing changed:
// one PRAGMA data_version on the watcher's connection.
func BenchmarkWatcherIdleTick(b *testing.B) {
	a, _ := newApp(b)
	ctx := context.Background()
	db, err := a.store(ctx)
	if err != nil {
		b.Fatal(err)
	}
	w, err := startWatcher(ctx, db, time.Hour, 0, true, a.publish, a.logger())
	if err != nil {
		b.Fatal(err)
	}
	defer w.stop()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.check(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWatcherChangedTick is a tick after a commit: data_version, then
// every part's counters.
func BenchmarkWatcherChangedTick(b *testing.B) {
	a, _ := newApp(b)
	ctx := context.Background()
	db, err := a.store(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.SeedFacts(ctx, db, 1000); err != nil {
		b.Fatal(err)
	}
	w, err := startWatcher(ctx, db, time.Hour, 0, true, func(events.Event) {}, a.logger())
	if err != nil {
		b.Fatal(err)
	}
	defer w.stop()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.probe.Marks(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWatcherIdleCPU runs a started App with nothing changing for a
// second per iteration and reports the process's CPU time as a share of
// the wall time: what an idle cockpit's watcher costs.
func BenchmarkWatcherIdleCPU(b *testing.B) {
	for _, poll := range []bool{false, true} {
		b.Run(map[bool]string{false: "woken", true: "polling"}[poll], func(b *testing.B) { benchIdleCPU(b, poll) })
	}
}

func benchIdleCPU(b *testing.B, poll bool) {
	startedApp(b, poll)
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b.ResetTimer()
	start, used := time.Now(), cpu()
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Second) // idle: the watcher is all that runs
	}
	used, wall := cpu()-used, time.Since(start)
	b.ReportMetric(100*float64(used)/float64(wall), "cpu-%")
}

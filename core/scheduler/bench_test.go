package scheduler

import (
	"context"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// BenchmarkFireLatency measures, with 10,000 tasks in the table, how late
// a due run starts: from its due time to the executor being called. Each
// iteration makes 100 tasks due 20 ms apart (the rest are an hour away)
// and waits until all have run. It reports the p50, p95 and worst
// latency over every run of every iteration.
func BenchmarkFireLatency(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "macroa.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	later := time.Now().Add(time.Hour)
	for i := range 10_000 {
		if _, err := db.AddTask(ctx, store.Task{Name: "idle", Command: "!true", Kind: store.TaskRequest,
			Spec: "every:3600", NextRunAt: later.Add(time.Duration(i) * time.Millisecond)}, store.AuditEntry{Source: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	var mu sync.Mutex
	var late []time.Duration
	ran := make(chan struct{}, 1000)
	bus := events.New(nil)
	defer bus.Close()
	svc := New(Options{Store: db, Bus: bus, Holder: "bench/1/1", Run: func(ctx context.Context, w Work) Outcome {
		d := time.Since(w.Run.DueAt)
		mu.Lock()
		late = append(late, d)
		mu.Unlock()
		ran <- struct{}{}
		return Outcome{Success: true}
	}})
	if err := svc.Start(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	defer svc.Stop(time.Second)
	const perRound = 100
	b.ResetTimer()
	for b.Loop() {
		start := time.Now().Add(200 * time.Millisecond)
		for i := range perRound {
			if _, err := db.AddTask(ctx, store.Task{Name: "due", Command: "!true", Kind: store.TaskRequest,
				Spec: "every:3600", NextRunAt: start.Add(time.Duration(i) * 20 * time.Millisecond)}, store.AuditEntry{Source: "bench"}); err != nil {
				b.Fatal(err)
			}
		}
		// What the store watcher publishes when another process adds tasks.
		bus.Publish(events.StoreChanged{Parts: []events.StorePart{events.PartSchedules}, At: time.Now()})
		for range perRound {
			select {
			case <-ran:
			case <-time.After(30 * time.Second):
				b.Fatal("due runs did not start")
			}
		}
	}
	b.StopTimer()
	sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
	pct := func(p float64) float64 { return float64(late[int(p*float64(len(late)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(float64(len(late)), "runs")
}

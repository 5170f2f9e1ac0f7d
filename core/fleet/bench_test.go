package fleet

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkPollCycle is one round of 50 hosts, each probed by an
// in-process prober: the rules, the status, the sample and the snapshot
// written, one transaction each. What it reports is the poller's own cost
// of a cycle, the probes themselves excluded.
func BenchmarkPollCycle(b *testing.B) {
	ctx := context.Background()
	db := openStore(b, "")
	snap := fixture(b)
	var entries []HostEntry
	for i := range 50 {
		entries = append(entries, HostEntry{Name: fmt.Sprintf("web%02d", i), Source: SourceSSH, Prober: newScripted(snap), Interval: 30 * time.Second})
	}
	o := testOptions(db, nil, nil)
	o.Hosts = func() []HostEntry { return entries }
	s := New(o)
	for b.Loop() {
		for _, e := range entries {
			if _, err := s.probeHost(ctx, e, s.state(e.Name), true); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/50/1e3, "µs/host")
}

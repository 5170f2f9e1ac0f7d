package fleet

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/prom"
)

// BenchmarkPrometheusSource300 is one interval of a [[prometheus]] source
// of 300 hosts: the targets listed, every snapshot read in two batches
// (an httptest server answering from the recorded series), and each
// host's probe judged and written to a real store.
func BenchmarkPrometheusSource300(b *testing.B) {
	targets := make([]string, 300)
	for i := range targets {
		targets[i] = fmt.Sprintf("10.1.%d.%d:9100", i/250, i%250)
	}
	f := newFakeProm(b, targets...)
	o := testOptions(openStore(b, ""), newScripted(fixture(b)), nil)
	o.Prometheus = []PromSource{{Name: "dc1", Source: prom.Source{URL: f.URL}, Interval: time.Hour}}
	s := New(o)
	src := s.promSources()[0]
	ctx := context.Background()
	s.readSource(ctx, src) // the first read loads each host's state
	f.queries.Store(0)
	b.ResetTimer()
	for b.Loop() {
		s.readSource(ctx, src)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(targets)), "µs/host")
	b.ReportMetric(float64(f.queries.Load())/float64(b.N), "queries/op")
}

package prom

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/macroa/macroa/hosts/probe"
)

// Source is one Prometheus server and the label matchers that pick its
// node_exporter targets.
type Source struct {
	URL      string        // http://host:9090, perhaps with a path prefix and credentials
	Selector string        // label matchers in braces; "" is config.DefaultPrometheusSelector
	Timeout  time.Duration // one query's bound; 0 is config.DefaultMonitorTimeout
	HTTP     *http.Client  // nil is http.DefaultClient; either way a redirect off the URL's scheme, host and port is refused
}

// Target is one node_exporter target Prometheus scrapes. Instance is as
// Prometheus labels it; one holding controls or escape sequences is left
// out.
type Target struct {
	Instance, Job string
	Up            bool // the last scrape succeeded
}

// BatchSize is the most instances one set of queries asks for; a larger
// list is read in batches of this size, so no answer nears MaxResponse.
const BatchSize = 250

// Targets lists the targets the selector picks, by instance, from up.
func (s Source) Targets(ctx context.Context) ([]Target, error) {
	sel, err := s.matchers()
	if err != nil {
		return nil, err
	}
	samples, err := s.query(ctx, "up"+join(sel))
	if err != nil {
		return nil, err
	}
	byInstance := map[string]Target{}
	for _, x := range samples {
		inst := x.Labels["instance"]
		if inst == "" || clean(inst) != inst {
			continue // no host:port holds escape sequences or controls
		}
		t := byInstance[inst]
		t.Instance, t.Job = inst, clean(x.Labels["job"])
		t.Up = t.Up || x.Value == 1
		byInstance[inst] = t
	}
	out := make([]Target, 0, len(byInstance))
	for _, t := range byInstance {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Target) int {
		if a.Instance < b.Instance {
			return -1
		}
		if a.Instance > b.Instance {
			return 1
		}
		return 0
	})
	return out, nil
}

// Reading is what Read found for one instance: its snapshot, or why there
// is none (the target is down, or Prometheus has no recent series for it).
type Reading struct {
	Snapshot probe.Snapshot
	Err      error
}

// Read reads the instances' snapshots with a few batched queries (a fixed
// number per BatchSize instances, run together), and says for each
// instance what it found. The error is for the queries themselves: the
// server down, slow, or answering garbage.
func (s Source) Read(ctx context.Context, instances []string) (map[string]Reading, error) {
	sel, err := s.matchers()
	if err != nil {
		return nil, err
	}
	instances = slices.Compact(slices.Sorted(slices.Values(instances)))
	out := make(map[string]Reading, len(instances))
	now := time.Now()
	for batch := range slices.Chunk(instances, BatchSize) {
		samples, err := s.queryAll(ctx, queries(sel, batch))
		if err != nil {
			return nil, err
		}
		for inst, r := range build(batch, samples, now) {
			if r.Err != nil {
				r.Err = fmt.Errorf("Prometheus at %s: %w", s.masked(), r.Err)
			}
			out[inst] = r
		}
	}
	return out, nil
}

// Snapshots reads many instances at once; an instance Prometheus has no
// recent series for (its target down or not scraped) is left out.
func (s Source) Snapshots(ctx context.Context, instances []string) (map[string]probe.Snapshot, error) {
	rs, err := s.Read(ctx, instances)
	if err != nil {
		return nil, err
	}
	out := make(map[string]probe.Snapshot, len(rs))
	for inst, r := range rs {
		if r.Err == nil {
			out[inst] = r.Snapshot
		}
	}
	return out, nil
}

// Snapshot reads one instance.
func (s Source) Snapshot(ctx context.Context, instance string) (probe.Snapshot, error) {
	rs, err := s.Read(ctx, []string{instance})
	if err != nil {
		return probe.Snapshot{}, err
	}
	r := rs[instance]
	return r.Snapshot, r.Err
}

// Host is one instance of a Source. Its Probe makes it a prober like the
// SSH probe's (the fleet's Prober interface), for a host configured with
// its own prometheus URL.
type Host struct {
	Source
	Instance string
}

// Probe reads the host's snapshot.
func (h Host) Probe(ctx context.Context) (probe.Snapshot, error) {
	return h.Snapshot(ctx, h.Instance)
}

// queryAll runs the queries together and returns their answers in order;
// the first error (the cause; the others are the cancels it sent) wins.
func (s Source) queryAll(ctx context.Context, qs []string) ([][]sample, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([][]sample, len(qs))
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for i, q := range qs {
		wg.Go(func() {
			var err error
			if out[i], err = s.query(ctx, q); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	return out, first
}

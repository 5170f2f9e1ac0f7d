package fleet

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/hosts/prom"
)

// PromSource is one [[prometheus]] source: the node_exporter targets its
// selector picks join the fleet as hosts of the group Name, and all of
// them are read with one batched set of queries per Interval, not a probe
// (nor a poller) each.
type PromSource struct {
	Name     string
	Source   prom.Source
	Interval time.Duration // 0: [monitor] interval
}

// discoverTimeout bounds listing a source's targets in a process that
// does not poll (a CLI command listing the hosts).
const discoverTimeout = 3 * time.Second

// promSource is a source and the targets last found there.
type promSource struct {
	PromSource

	mu      sync.Mutex
	targets []prom.Target // nil: never listed
	err     error         // the last listing's failure
	listed  time.Time     // when the last listing answered or failed
}

// promFleet is the Service's sources, made on first use.
type promFleet struct {
	once    sync.Once
	sources []*promSource
}

func (s *Service) promSources() []*promSource {
	s.prom.once.Do(func() {
		for _, p := range s.o.Prometheus {
			if p.Interval <= 0 {
				p.Interval = time.Duration(s.o.Monitor.Interval)
			}
			if p.Source.Timeout <= 0 {
				p.Source.Timeout = s.timeout()
			}
			s.prom.sources = append(s.prom.sources, &promSource{PromSource: p})
		}
	})
	return s.prom.sources
}

// list is the source's targets, listed again when the last listing is
// older than the interval (bounded by discoverTimeout); after a failure
// the targets listed before stay.
func (p *promSource) list(now time.Time) ([]prom.Target, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.listed.IsZero() || now.Sub(p.listed) >= p.Interval {
		ctx, cancel := context.WithTimeout(context.Background(), min(p.Source.Timeout, discoverTimeout))
		targets, err := p.Source.Targets(ctx)
		cancel()
		p.set(targets, err, now)
	}
	return p.targets, p.err
}

// set keeps a listing's answer; p.mu is held.
func (p *promSource) set(targets []prom.Target, err error, now time.Time) {
	p.listed, p.err = now, err
	if err == nil {
		p.targets = targets
	}
}

// promEntries are the hosts the sources add to the inventory inv: each
// target named by its instance's host part (made unique), in the group
// of its source. A source whose targets could never be listed stands in
// for them as one host under its own name, so its failure shows.
func (s *Service) promEntries(inv []HostEntry) []HostEntry {
	taken := map[string]bool{}
	for _, e := range inv {
		taken[e.Name] = true
	}
	var out []HostEntry
	now := s.o.Clock()
	for _, src := range s.promSources() {
		targets, err := src.list(now)
		base := HostEntry{Source: SourcePrometheus, Groups: []string{src.Name}, Interval: src.Interval, batch: src}
		if targets == nil && err != nil {
			e := base
			e.Name, e.Address = unique(src.Name, "", taken), config.MaskURL(src.Source.URL)
			e.Prober = answer{err: err}
			out = append(out, e)
			continue
		}
		for _, t := range targets {
			e := base
			e.Name, e.Address = unique(prom.HostPart(t.Instance), t.Instance, taken), t.Instance
			e.Prober = prom.Host{Source: src.Source, Instance: t.Instance}
			out = append(out, e)
		}
	}
	return out
}

// unique makes a host name from a target's host ([a-z0-9._-], as
// config.toml's names), and adds its port, then a number, when another
// host has it.
func unique(host, instance string, taken map[string]bool) string {
	name := hostName(host)
	if taken[name] {
		if _, port, err := net.SplitHostPort(instance); err == nil {
			name = hostName(host + "-" + port)
		}
	}
	for i, base := 2, name; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	taken[name] = true
	return name
}

func hostName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, s)
	s = strings.Trim(s, "-.")
	if len(s) > 63 {
		s = s[:63]
	}
	if s == "" {
		s = "target"
	}
	return s
}

// pollEntries are what the lease holder runs a poller for: each host of
// the inventory but a source's, and one poller per source instead.
func (s *Service) pollEntries() []HostEntry {
	var out []HostEntry
	for _, e := range s.entries() {
		if e.batch == nil {
			out = append(out, e)
		}
	}
	for _, src := range s.promSources() {
		// A space keeps the poller's name apart from every host's.
		out = append(out, HostEntry{Name: "prometheus " + src.Name, Address: src.Source.URL, Source: SourcePrometheus,
			Interval: src.Interval, batch: src})
	}
	return out
}

// pollSource reads a source's hosts every interval until ctx ends: its
// targets, then every target's snapshot in one batched read, each host's
// answer then judged and written as a probe of its own.
func (s *Service) pollSource(ctx context.Context, src *promSource) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		s.readSource(ctx, src)
		timer.Reset(src.Interval)
	}
}

func (s *Service) readSource(ctx context.Context, src *promSource) {
	tctx, cancel := context.WithTimeout(ctx, s.timeout())
	targets, err := src.Source.Targets(tctx)
	cancel()
	if ctx.Err() != nil {
		return
	}
	src.mu.Lock()
	src.set(targets, err, s.o.Clock())
	src.mu.Unlock()
	var mine []HostEntry
	var instances []string
	for _, e := range s.entries() {
		if e.batch == src {
			mine = append(mine, e)
			instances = append(instances, e.Address)
		}
	}
	var readings map[string]prom.Reading
	if err == nil {
		rctx, cancel := context.WithTimeout(ctx, s.timeout())
		readings, err = src.Source.Read(rctx, instances)
		cancel()
	}
	for _, e := range mine {
		if ctx.Err() != nil {
			return
		}
		a := answer{err: err}
		if r, ok := readings[e.Address]; ok {
			a = answer{snap: r.Snapshot, err: r.Err}
		} else if err == nil {
			a.err = fmt.Errorf("Prometheus at %s gave nothing for instance %q", config.MaskURL(src.Source.URL), e.Address)
		}
		e.Prober = a
		if _, err := s.probeHost(ctx, e, s.state(e.Name), true); err != nil && ctx.Err() == nil {
			s.o.Log.Warn("fleet: record a Prometheus host", "host", e.Name, "err", err)
		}
	}
}

// answer is a prober whose answer is already known: a batch's reading.
type answer struct {
	snap probe.Snapshot
	err  error
}

func (a answer) Probe(context.Context) (probe.Snapshot, error) { return a.snap, a.err }

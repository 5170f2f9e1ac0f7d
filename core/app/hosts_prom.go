package app

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/hosts/prom"
)

// promSource is one [[prometheus]] source: the targets its up{selector}
// lists become hosts of its group, and one read of the whole source (the
// up query and the batched instant queries) serves the probes of all its
// hosts in an interval, not a query per host.
type promSource struct {
	cfg      config.Prometheus
	src      prom.Source
	interval time.Duration

	mu       sync.Mutex
	listed   bool // up{selector} answered once: its targets are hosts
	targets  []prom.Target
	readAt   time.Time // the last read, answered or not
	readings map[string]prom.Reading
	readErr  error
	inflight chan struct{} // closed when the read under way ends
}

func newPromSource(p config.Prometheus, timeout time.Duration) *promSource {
	return &promSource{cfg: p, interval: time.Duration(p.Interval),
		src: prom.Source{URL: string(p.URL), Selector: p.Selector, Timeout: timeout}}
}

// snapshot is instance's part of the source's latest read, reading the
// whole source again when that read is older than half an interval; a
// read under way is joined.
func (p *promSource) snapshot(ctx context.Context, instance string) (probe.Snapshot, error) {
	for {
		p.mu.Lock()
		if !p.readAt.IsZero() && time.Since(p.readAt) < p.interval/2 {
			defer p.mu.Unlock()
			return p.result(instance)
		}
		if ch := p.inflight; ch != nil {
			p.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return probe.Snapshot{}, ctx.Err()
			}
		}
		ch := make(chan struct{})
		p.inflight = ch
		p.mu.Unlock()
		targets, readings, err := p.read(ctx)
		p.mu.Lock()
		p.inflight, p.readAt, p.readErr = nil, time.Now(), err
		if err == nil {
			p.listed, p.targets, p.readings = true, targets, readings
		}
		close(ch)
		res, rerr := p.result(instance)
		p.mu.Unlock()
		return res, rerr
	}
}

// refresh lists the source's targets in this process, so that every
// process (a command as much as the daemon) knows them: on first use at
// once, bounded by the timeout; later, while it is not listed, in the
// background at most once per half interval, unless this process polls
// (the source's own entry is probed then, and reads it).
func (p *promSource) refresh(polling bool) {
	p.mu.Lock()
	listed, tried, busy := p.listed, !p.readAt.IsZero(), p.inflight != nil
	due := time.Since(p.readAt) >= p.interval/2
	p.mu.Unlock()
	read := func() {
		ctx, cancel := context.WithTimeout(context.Background(), p.timeout())
		defer cancel()
		_, _ = p.snapshot(ctx, "") // what it found is kept; the entry's probe says it
	}
	switch {
	case listed:
	case !tried:
		read() // joins a read under way
	case busy || polling || !due:
	default:
		go read()
	}
}

// timeout bounds one read of the whole source.
func (p *promSource) timeout() time.Duration {
	if p.src.Timeout > 0 {
		return p.src.Timeout
	}
	return config.DefaultMonitorTimeout
}

// read lists the targets and reads them all.
func (p *promSource) read(ctx context.Context) ([]prom.Target, map[string]prom.Reading, error) {
	targets, err := p.src.Targets(ctx)
	if err != nil {
		return nil, nil, err
	}
	instances := make([]string, 0, len(targets))
	for _, t := range targets {
		if t.Up {
			instances = append(instances, t.Instance)
		}
	}
	readings, err := p.src.Read(ctx, instances)
	if err != nil {
		return nil, nil, err
	}
	return targets, readings, nil
}

// result is instance's answer in the latest read ("" the source's own:
// whether it answered); p.mu is held.
func (p *promSource) result(instance string) (probe.Snapshot, error) {
	if p.readErr != nil {
		return probe.Snapshot{}, p.readErr
	}
	if instance == "" {
		// The source's own entry stands for it only until it lists its
		// targets: once it answered, it is no host to record.
		return probe.Snapshot{}, fmt.Errorf("%w: Prometheus at %s answered and lists %d targets, each a host now",
			fleet.ErrUnknownHost, config.MaskURL(string(p.cfg.URL)), len(p.targets))
	}
	for _, t := range p.targets {
		if t.Instance != instance {
			continue
		}
		if !t.Up {
			return probe.Snapshot{}, fmt.Errorf("Prometheus at %s: the target is down (up 0)", config.MaskURL(string(p.cfg.URL)))
		}
		r := p.readings[instance]
		return r.Snapshot, r.Err
	}
	return probe.Snapshot{}, fmt.Errorf("Prometheus at %s no longer lists this target", config.MaskURL(string(p.cfg.URL)))
}

// entries are the source's hosts, named by their instance's host part
// (taken: with the port, then a number), none of them a name in taken; a
// source never listed is one host under its own name.
func (p *promSource) entries(taken map[string]bool) []fleet.HostEntry {
	p.mu.Lock()
	listed, targets := p.listed, append([]prom.Target(nil), p.targets...)
	p.mu.Unlock()
	group := []string{p.cfg.Name}
	if !listed {
		name := targetName(p.cfg.Name, taken)
		taken[name] = true
		return []fleet.HostEntry{{Name: name, Address: config.MaskURL(string(p.cfg.URL)), Source: fleet.SourcePrometheus,
			Groups: group, Interval: p.interval, Prober: promProber{p, ""}}}
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].Instance < targets[j].Instance })
	out := make([]fleet.HostEntry, 0, len(targets))
	for _, t := range targets {
		name := targetName(t.Instance, taken)
		taken[name] = true
		out = append(out, fleet.HostEntry{Name: name, Address: hostWord(t.Instance), Source: fleet.SourcePrometheus,
			Groups: group, Interval: p.interval, Prober: promProber{p, t.Instance}})
	}
	return out
}

// promProber is one host of a source.
type promProber struct {
	p        *promSource
	instance string
}

func (pp promProber) Probe(ctx context.Context) (probe.Snapshot, error) {
	return pp.p.snapshot(ctx, pp.instance)
}

// targetName names a target by its instance's host part, with its port
// when that is taken, then a number.
func targetName(instance string, taken map[string]bool) string {
	host, port, err := net.SplitHostPort(instance)
	if err != nil {
		host, port = instance, ""
	}
	base := hostWord(host)
	if base == "" {
		base = "target"
	}
	if !taken[base] {
		return base
	}
	if port != "" {
		base += "-" + hostWord(port)
		if !taken[base] {
			return base
		}
	}
	for n := 2; ; n++ {
		if name := fmt.Sprintf("%s-%d", base, n); !taken[name] {
			return name
		}
	}
}

// hostWord keeps what a host's name may hold (a-z, 0-9, '.', '_', '-')
// of untrusted label text, at most 63 characters.
func hostWord(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == ':' || r == '[' || r == ']' || r == ' ':
			b.WriteByte('-')
		}
		if b.Len() >= 63 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

package fleet

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/store"
)

// fixture is the Debian probe output of hosts/probe, parsed, made calm:
// its clock now, / at 50%, nothing failed, no reboot due.
func fixture(t testing.TB) probe.Snapshot {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "hosts", "probe", "testdata", "debian.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := probe.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	s.Clock.Value = time.Now()
	s.FailedUnits.Value = []string{}
	s.RebootRequired.Value = false
	for _, d := range s.Disks.Value {
		if d.Mount == "/" {
			s.Disks.Value = []probe.Disk{withDisk(d, 50)}
			return s
		}
	}
	t.Fatal("the fixture has no /")
	return s
}

// withDisk is d at pct% in use.
func withDisk(d probe.Disk, pct uint64) probe.Disk {
	d.Used, d.Avail = pct*1000, (100-pct)*1000
	d.InodesUsed = 0
	return d
}

// scripted is a Prober whose answer a test sets: a snapshot (its clock
// set to now at each call), an error, or a wait on a gate.
type scripted struct {
	mu      sync.Mutex
	snap    probe.Snapshot
	err     error
	gate    chan struct{} // non-nil: each probe waits for it to close
	started chan struct{} // a probe began (buffered)
	calls   atomic.Int64
}

func newScripted(s probe.Snapshot) *scripted {
	return &scripted{snap: s, started: make(chan struct{}, 100)}
}

func (p *scripted) Probe(ctx context.Context) (probe.Snapshot, error) {
	p.calls.Add(1)
	select {
	case p.started <- struct{}{}:
	default:
	}
	p.mu.Lock()
	// A quarter of the CPU time passes busy between two probes.
	p.snap.CPU.Value.Busy += 25
	p.snap.CPU.Value.Total += 100
	gate, snap, err := p.gate, p.snap, p.err
	p.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return probe.Snapshot{}, ctx.Err()
		}
	}
	snap.Clock.Value = time.Now()
	snap.Disks.Value = append([]probe.Disk(nil), snap.Disks.Value...)
	return snap, err
}

// set changes the next answers.
func (p *scripted) set(f func(s *probe.Snapshot), err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f != nil {
		f(&p.snap)
	}
	p.err = err
}

func diskAt(pct uint64) func(*probe.Snapshot) {
	return func(s *probe.Snapshot) { s.Disks.Value = []probe.Disk{withDisk(s.Disks.Value[0], pct)} }
}

// recorder keeps what a Service published.
type recorder struct {
	mu sync.Mutex
	ev []events.Event
}

func (r *recorder) publish(e events.Event) {
	r.mu.Lock()
	r.ev = append(r.ev, e)
	r.mu.Unlock()
}

func (r *recorder) alerts() []events.HostAlert {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.HostAlert
	for _, e := range r.ev {
		if a, ok := e.(events.HostAlert); ok {
			out = append(out, a)
		}
	}
	return out
}

func openStore(t testing.TB, path string) *store.DB {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "macroa.db")
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testOptions polls one host, web1, through p, with quick leases.
func testOptions(db *store.DB, p Prober, rec *recorder) Options {
	o := Options{
		Store: db,
		Hosts: func() []HostEntry {
			return []HostEntry{{Name: "web1", Address: "10.0.0.5", Source: SourceSSH, Prober: p, Interval: time.Hour}}
		},
		Thresholds: config.Alerts{DiskPercent: 90, InodesPercent: 90, MemoryPercent: 90, SwapPercent: 50,
			LoadPerCore: 2, ClockSkew: config.Duration(5 * time.Second), GPUTemp: 85, Consecutive: 2, Margin: 5},
		Monitor:    config.Monitor{Interval: config.Duration(time.Hour), Timeout: config.Duration(5 * time.Second), History: config.Duration(24 * time.Hour)},
		Clock:      uniqueClock(),
		Role:       RoleCockpit,
		Holder:     "test/1/1",
		LeaseTTL:   3 * time.Second, // long against a loaded machine: a takeover here is by release
		RenewEvery: 50 * time.Millisecond,
	}
	if rec != nil {
		o.Publish = rec.publish
	}
	return o
}

// quietLocal probes local through p instead of this machine.
func quietLocal(o *Options, p Prober) {
	hostsFn := o.Hosts
	o.Hosts = func() []HostEntry {
		return append([]HostEntry{{Name: "local", Source: SourceLocal, Prober: p, Interval: time.Hour}}, hostsFn()...)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func startService(t testing.TB, o Options) *Service {
	t.Helper()
	s := New(o)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func configDuration(d time.Duration) config.Duration { return config.Duration(d) }

// probedIdle says the host was probed and no probe of it is under way.
func probedIdle(s *Service, host string) bool {
	hs := s.state(host)
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return hs.probes > 0 && hs.inflight == nil
}

// uniqueClock is the time, at least a millisecond after its last
// answer: two probes never share a sample's time.
func uniqueClock() func() time.Time {
	var mu sync.Mutex
	var last time.Time
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now, next := time.Now(), last.Add(time.Millisecond)
		if now.After(next) {
			next = now
		}
		last = next
		return last
	}
}

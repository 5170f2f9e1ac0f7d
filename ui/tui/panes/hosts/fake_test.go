package hosts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/store"
)

// fakeFleet is an in-memory fleet with the service's rules: a probe
// stamps the host seen now (ok, unless its address is "down"), a key
// scan of an untrusted host returns its fingerprint, trusting with
// another fingerprint than the host presents is refused, a trusted host
// probes ok; a shell command starting with "echo" runs at once, any other
// waits for approval, but "shutdown" the gate denies. It records every call that acts.
type fakeFleet struct {
	mu      sync.Mutex
	now     time.Time
	hosts   []fleet.HostStatus
	history map[string][]fleet.Sample
	alerts  []fleet.Alert
	polling Polling
	calls   []string
	lists   int               // List calls
	reads   []string          // the hosts History was asked for, in order
	scanErr map[string]error  // what ScanKey returns for a host that does not answer
	remedy  map[string]string // KeyRemedy's answer by host
	config  string            // why config.toml does not load
}

func newFake(now time.Time) *fakeFleet {
	return &fakeFleet{now: now, history: map[string][]fleet.Sample{}, polling: Polling{Self: true, By: "tui"}}
}

func (f *fakeFleet) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeFleet) set(h fleet.HostStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.hosts {
		if f.hosts[i].Name == h.Name {
			f.hosts[i] = h
			return
		}
	}
	f.hosts = append(f.hosts, h)
}

func (f *fakeFleet) get(name string) (fleet.HostStatus, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.hosts {
		if h.Name == name {
			return h, true
		}
	}
	return fleet.HostStatus{}, false
}

func (f *fakeFleet) List(ctx context.Context) ([]fleet.HostStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	return slices.Clone(f.hosts), nil
}

func (f *fakeFleet) History(ctx context.Context, name string, since time.Time) ([]fleet.Sample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, name)
	var out []fleet.Sample
	for _, s := range f.history[name] {
		if !s.At.Before(since) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeFleet) Alerts(ctx context.Context, host string, includeResolved bool, limit int) ([]fleet.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fleet.Alert
	for i := len(f.alerts) - 1; i >= 0 && len(out) < limit; i-- {
		a := f.alerts[i]
		if (host == "" || a.Host == host) && (includeResolved || a.Firing()) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeFleet) ProbeNow(ctx context.Context, name string) (fleet.HostStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "probe "+name)
	for i := range f.hosts {
		h := &f.hosts[i]
		if h.Name != name {
			continue
		}
		switch {
		case h.State == fleet.StateUntrusted || h.State == fleet.StateRefused:
			return *h, nil
		case h.Address == "down":
			h.State, h.Why, h.ProbedAt = fleet.StateUnreachable, "connection refused", f.now
		default:
			h.State, h.Why, h.ProbedAt, h.LastSeen = fleet.StateOK, "", f.now, f.now
		}
		return *h, nil
	}
	return fleet.HostStatus{}, fmt.Errorf("no host %q", name)
}

func (f *fakeFleet) ScanKey(ctx context.Context, name string) (fleet.KeyInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "scan "+name)
	if err := f.scanErr[name]; err != nil {
		return fleet.KeyInfo{}, err
	}
	for _, h := range f.hosts {
		if h.Name == name {
			return fleet.KeyInfo{Host: name, Address: h.Address + ":22", Type: h.KeyType, Fingerprint: h.Fingerprint,
				Known: h.State != fleet.StateUntrusted && h.State != fleet.StateRefused, Changed: h.State == fleet.StateRefused}, nil
		}
	}
	return fleet.KeyInfo{}, fmt.Errorf("no host %q", name)
}

func (f *fakeFleet) ConfigProblem(ctx context.Context) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.config
}

func (f *fakeFleet) KeyRemedy(ctx context.Context, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.remedy[name], nil
}

func (f *fakeFleet) Trust(ctx context.Context, name, fingerprint string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "trust "+name+" "+fingerprint)
	for i := range f.hosts {
		h := &f.hosts[i]
		if h.Name != name {
			continue
		}
		if h.State == fleet.StateRefused {
			return errors.New("the host's key changed: refused")
		}
		if h.Fingerprint != fingerprint {
			return errors.New("the host now presents another key")
		}
		h.State = fleet.StateNew
		return nil
	}
	return fmt.Errorf("no host %q", name)
}

func (f *fakeFleet) RunShell(ctx context.Context, host, command string) (store.Approval, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "shell "+host+" "+command)
	e := store.Approval{ID: "a1b2c3d4e5", Kind: "command.run", Host: host, Summary: command, Proposer: "person"}
	if strings.HasPrefix(command, "shutdown") {
		e.State, e.Verdict, e.Reason = store.ApprovalPending, "deny", `"shutdown" is a denied command`
		return e, nil
	}
	if strings.HasPrefix(command, "echo ") {
		e.State, e.Output = store.ApprovalSucceeded, strings.TrimPrefix(command, "echo ")+"\n"
		return e, nil
	}
	e.State = store.ApprovalPending
	return e, nil
}

func (f *fakeFleet) Polling(ctx context.Context) (Polling, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.polling, nil
}

// ok is a measured field.
func ok[T any](v T) probe.Field[T] { return probe.Field[T]{Value: v, OK: true} }

// gap is a field not measured, and why.
func gap[T any](why string) probe.Field[T] { return probe.Field[T]{Why: why} }

// snapshot is a full probe of a host with a few numbers of its own.
func snapshot(now time.Time, load, diskUsed float64) probe.Snapshot {
	const gib = 1 << 30
	return probe.Snapshot{
		Clock:  ok(now.Add(300 * time.Millisecond)),
		Kernel: ok("Linux 6.8.0-45-generic"),
		Uptime: ok(3*24*time.Hour + 4*time.Hour),
		Load:   ok(probe.Load{One: load, Five: load * 0.8, Fifteen: load * 0.6}),
		CPU:    ok(probe.CPUTimes{Busy: 1370, Total: 9470}),
		Cores:  ok(4),
		Memory: ok(probe.Memory{Total: 8 * gib, Available: 4 * gib, SwapTotal: 2 * gib, SwapFree: 2 * gib}),
		Disks: ok([]probe.Disk{
			{Mount: "/", Device: "/dev/sda1", Used: uint64(diskUsed * 40 * gib / 100), Avail: uint64((100 - diskUsed) * 40 * gib / 100),
				Inodes: 2621440, InodesUsed: 314572, InodesKnown: true},
			{Mount: "/srv/data", Device: "/dev/sdb1", Used: 100 * gib, Avail: 400 * gib},
		}),
		FailedUnits: ok([]string{}),
		TopProcesses: ok([]probe.Process{
			{PID: 812, CPU: 23.5, Mem: 4.1, RSS: 160 << 20, Command: "postgres: writer"},
			{PID: 1, CPU: 0.1, Mem: 0.2, RSS: 12 << 20, Command: "/sbin/init"},
		}),
		Addresses:      ok([]probe.Address{{Interface: "lo", Family: "inet", CIDR: "127.0.0.1/8"}, {Interface: "eth0", Family: "inet", CIDR: "10.0.0.5/24"}}),
		RebootRequired: ok(false),
		GPUs:           gap[[]probe.GPU]("nvidia-smi not installed"),
	}
}

// history is n samples a minute apart ending at now, shaped by wave;
// every seventh is a gap (not measured) and the 40th from the end did
// not answer.
func history(now time.Time, n int, wave float64) []fleet.Sample {
	out := make([]fleet.Sample, n)
	for i := range out {
		x := float64(i) / 6
		s := fleet.Sample{At: now.Add(-time.Duration(n-1-i) * time.Minute), OK: true,
			Load1:       1 + math.Sin(x*wave),
			CPUPercent:  50 + 45*math.Sin(x*wave),
			MemPercent:  40 + 20*math.Cos(x),
			DiskPercent: 60 + float64(i)/float64(n)*30}
		if i%7 == 3 {
			s.CPUPercent = math.NaN()
		}
		if i == n-40 {
			s = fleet.Sample{At: s.At, Load1: math.NaN(), CPUPercent: math.NaN(), MemPercent: math.NaN(), DiskPercent: math.NaN()}
		}
		out[i] = s
	}
	return out
}

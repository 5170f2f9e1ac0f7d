package hosts

import (
	"math"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// testNow is the pane's clock in these tests.
var testNow = time.Date(2026, 12, 2, 11, 45, 48, 0, time.UTC)

var nan = math.NaN()

// sampleFleet fills a fake with a host in every state: healthy, firing
// an alert, down, with a key to trust, with a changed key, gone quiet,
// warning with a GPU, and never probed.
func sampleFleet(f *fakeFleet) {
	now := testNow
	full := func(h fleet.HostStatus, load, cpu, mem, disk float64) fleet.HostStatus {
		h.Source, h.HasSnapshot = fleet.SourceSSH, true
		h.Snapshot = snapshot(h.ProbedAt, load, disk)
		h.Load1, h.CPUPercent, h.MemPercent, h.DiskPercent = load, cpu, mem, disk
		return h
	}
	web := full(fleet.HostStatus{Name: "web1", Address: "10.0.0.5", Tags: []string{"prod"}, Groups: []string{"web"}, State: fleet.StateOK,
		Since: now.Add(-3 * time.Hour), LastSeen: now.Add(-12 * time.Second), ProbedAt: now.Add(-12 * time.Second), Latency: 80 * time.Millisecond,
		KeyType: "ssh-ed25519"}, 0.52, 12, 45, 61)
	db := full(fleet.HostStatus{Name: "db1", Address: "10.0.0.6", State: fleet.StateAlert, Why: "disk / 93%", Since: now.Add(-20 * time.Minute),
		LastSeen: now.Add(-3 * time.Second), ProbedAt: now.Add(-3 * time.Second), Alerts: 2}, 3.1, 88, 91, 93)
	db.Snapshot.FailedUnits = ok([]string{"backup.service"})
	gpu := full(fleet.HostStatus{Name: "gpu1", Address: "10.0.0.9", State: fleet.StateWarn, Why: "gpu 0 at 81 °C",
		Since: now.Add(-5 * time.Minute), LastSeen: now.Add(-40 * time.Second), ProbedAt: now.Add(-40 * time.Second)}, 7.25, 76, 62, 40)
	gpu.Snapshot.GPUs = ok([]probe.GPU{{Name: "NVIDIA RTX 4090", Temp: ok(81.0), Use: ok(97.0), MemUsed: ok(uint64(20 << 30)),
		MemTotal: ok(uint64(24 << 30)), Power: gap[float64]("not supported")}})
	gpu.Snapshot.RebootRequired = ok(true)
	f.hosts = []fleet.HostStatus{
		web, db, gpu,
		{Name: "edge", Address: "down", Source: fleet.SourceSSH, State: fleet.StateUnreachable, Why: "connection refused",
			Since: time.Date(2026, 12, 2, 11, 3, 0, 0, time.UTC), LastSeen: now.Add(-43 * time.Minute), ProbedAt: now.Add(-2 * time.Second),
			Load1: nan, CPUPercent: nan, MemPercent: nan, DiskPercent: nan, Alerts: 1},
		{Name: "newbox", Address: "10.0.0.20", Source: fleet.SourceSSH, State: fleet.StateUntrusted, Why: "unknown host key",
			KeyType: "ssh-ed25519", Fingerprint: "SHA256:u8QmZc3oG8b7NqkqS1l4y3l1zD0Zr5m2YwS4q9xJm0E",
			Load1: nan, CPUPercent: nan, MemPercent: nan, DiskPercent: nan},
		{Name: "bastion", Address: "10.0.0.1", Source: fleet.SourceSSH, State: fleet.StateRefused, Why: "host key changed",
			KeyType: "ssh-rsa", Fingerprint: "SHA256:CHANGEDxxOG8b7NqkqS1l4y3l1zD0Zr5m2YwS4q9xJm0E", LastSeen: now.Add(-26 * time.Hour),
			Load1: nan, CPUPercent: nan, MemPercent: nan, DiskPercent: nan, Alerts: 1},
		{Name: "archive", Address: "10.0.0.30", Source: fleet.SourcePrometheus, State: fleet.StateStale, LastSeen: now.Add(-9 * time.Minute),
			Load1: 0.1, CPUPercent: 2, MemPercent: 30, DiskPercent: 70},
		{Name: "local", Source: fleet.SourceLocal, State: fleet.StateNew, Load1: nan, CPUPercent: nan, MemPercent: nan, DiskPercent: nan},
	}
	f.history["web1"] = history(now, 120, 1)
	f.history["db1"] = history(now, 120, 2)
	f.history["gpu1"] = history(now, 60, 0.5)
	f.history["archive"] = history(now.Add(-9*time.Minute), 30, 1)
	f.alerts = []fleet.Alert{
		{ID: 1, Host: "db1", Rule: fleet.RuleMemory, Message: "memory at 95% (threshold 90%)", FiredAt: now.Add(-3 * time.Hour), ResolvedAt: now.Add(-2 * time.Hour)},
		{ID: 2, Host: "bastion", Rule: fleet.RuleHostKey, Message: "the host key changed", FiredAt: now.Add(-26 * time.Hour)},
		{ID: 3, Host: "edge", Rule: fleet.RuleUnreachable, Message: "unreachable since 11:03: connection refused", FiredAt: now.Add(-42 * time.Minute)},
		{ID: 4, Host: "db1", Rule: fleet.RuleDisk, Subject: "/", Message: "disk / at 93% (threshold 90%)", FiredAt: now.Add(-20 * time.Minute)},
		{ID: 5, Host: "db1", Rule: fleet.RuleFailedUnit, Subject: "backup.service", Message: "backup.service failed", FiredAt: now.Add(-10 * time.Minute)},
	}
}

// newTestPane is the pane over a fake with the sample fleet, loaded, at
// testNow, with no tick scheduled for real (ticks records the
// generations asked for).
func newTestPane(t testing.TB) (*Pane, *fakeFleet, *tuitest.Driver, *[]int) {
	t.Helper()
	f := newFake(testNow)
	sampleFleet(f)
	p, d, ticks := openPane(t, f)
	return p, f, d, ticks
}

// openPane is the pane over a fake already filled, opened at testNow.
func openPane(t testing.TB, f *fakeFleet) (*Pane, *tuitest.Driver, *[]int) {
	t.Helper()
	p := New(f, tuitest.Styles(t, "ansi"), nil)
	p.SetClock(func() time.Time { return testNow })
	ticks := &[]int{}
	p.every = func(gen int) tea.Cmd { *ticks = append(*ticks, gen); return nil }
	d := tuitest.ForPane(t, p, tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	return p, d, ticks
}

// changed is the store watcher's word that the hosts changed in some
// process.
func changed() kit.CoreEventMsg {
	return kit.CoreEventMsg{Event: events.StoreChanged{Parts: []events.StorePart{events.PartHosts}, At: testNow}}
}

// rowOf is the list's row of a host: the line whose name column holds it.
func rowOf(t testing.TB, view, name string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		f := strings.Fields(strings.TrimLeft(l, " ›"))
		if len(f) >= 2 && f[1] == name {
			return l
		}
	}
	t.Fatalf("no row for %q in:\n%s", name, view)
	return ""
}

// selectHost moves the selection to a host.
func selectHost(t testing.TB, p *Pane, d *tuitest.Driver, name string) {
	t.Helper()
	d.Press("g")
	for range p.Len() {
		if p.Selected() == name {
			return
		}
		d.Press("j")
	}
	t.Fatalf("no row for %s", name)
}

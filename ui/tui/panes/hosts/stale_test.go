package hosts

import (
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// downWithNumbers is a host that answered at 11:40 and does not since:
// its numbers are that answer's.
func downWithNumbers(state fleet.State) fleet.HostStatus {
	h := fleet.HostStatus{Name: "web2", Address: "10.0.0.7", Source: fleet.SourceSSH, State: state, Why: "no answer",
		Since: testNow.Add(-5 * time.Minute), LastSeen: time.Date(2026, 12, 2, 11, 40, 0, 0, time.UTC), ProbedAt: testNow.Add(-time.Second),
		HasSnapshot: true, Load1: 5.52, CPUPercent: 100, MemPercent: 3, DiskPercent: 22}
	h.Snapshot = snapshot(h.LastSeen, 5.52, 22)
	return h
}

// TestOldNumbersMuted: a host that does not answer (or whose key or login
// is refused, or gone stale) shows its last numbers muted, never in the
// colours of a current value, with its state word in a strong colour;
// the detail view says as of when its values are.
func TestOldNumbersMuted(t *testing.T) {
	for _, state := range []fleet.State{fleet.StateUnreachable, fleet.StateRefused, fleet.StateUntrusted, fleet.StateStale, fleet.StateDenied} {
		t.Run(string(state), func(t *testing.T) {
			f := newFake(testNow)
			f.hosts = []fleet.HostStatus{downWithNumbers(state)}
			p, d, _ := openPane(t, f)
			tuitest.Screen(t, p, 120, 20)
			raw := p.View(120, 20, false)
			var row string
			for _, l := range strings.Split(raw, "\n") {
				if strings.Contains(l, "web2") {
					row = l
				}
			}
			muted := p.paint.muted
			for _, v := range []string{"100%", "  3%", " 22%"} {
				if !strings.Contains(row, muted.Apply(v)) {
					t.Errorf("%s is not muted in %q", v, row)
				}
			}
			if strings.Contains(row, p.paint.err.Apply("100%")) {
				t.Errorf("an old 100%% is drawn as an alarm: %q", row)
			}
			if word := p.paint.state.Of(state); word == muted {
				t.Errorf("the state word %s is muted", state)
			}
			d.Press("enter")
			tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 60), "as of 11:40")
		})
	}
	t.Run("ok", func(t *testing.T) {
		f := newFake(testNow)
		h := downWithNumbers(fleet.StateOK)
		f.hosts = []fleet.HostStatus{h}
		p, d, _ := openPane(t, f)
		if raw := p.View(120, 20, false); !strings.Contains(raw, p.paint.err.Apply("100%")) {
			t.Errorf("a current 100%% is not drawn as an alarm")
		}
		d.Press("enter")
		if v := tuitest.Screen(t, p, 120, 60); strings.Contains(v, "as of") {
			t.Errorf("current values labelled old:\n%s", v)
		}
	})
}

// TestDiskSizeAsDf: the detail view's total is the file system's size
// (reserved blocks included), the share df's used of used + available.
func TestDiskSizeAsDf(t *testing.T) {
	f := newFake(testNow)
	h := downWithNumbers(fleet.StateOK)
	disks := h.Snapshot.Disks.Value
	disks[0].Size, disks[0].Used, disks[0].Avail = 252<<30, 20<<30, 71<<30 // df: 252G size, 22% use
	f.hosts = []fleet.HostStatus{h}
	p, d, _ := openPane(t, f)
	d.Press("enter")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 60), " 22% of 252 GiB")
}

// TestLoadColumnIsTheAlerts: the list's load is the 5-minute load the
// load alert reads, and the header says so.
func TestLoadColumnIsTheAlerts(t *testing.T) {
	f := newFake(testNow)
	h := downWithNumbers(fleet.StateAlert)
	h.Load1, h.Snapshot.Load.Value.One, h.Snapshot.Load.Value.Five = 3.58, 3.58, 5.60
	f.hosts = []fleet.HostStatus{h}
	p, _, _ := openPane(t, f)
	v := tuitest.Screen(t, p, 120, 20)
	tuitest.RequireContains(t, v, "LOAD5", "5.60")
	if strings.Contains(rowOf(t, v, "web2"), "3.58") {
		t.Fatalf("the row shows the 1-minute load:\n%s", v)
	}
}

// TestLayoutKeepsWhatMatters: the name column is as wide as the longest
// name, so the right column of a 120-cell cockpit (46 cells inside)
// keeps the load, every number and the alert count, and 78 cells (80
// zoomed) have sparklines; the seen column says a host is down, and ages
// read as the CLI's.
func TestLayoutKeepsWhatMatters(t *testing.T) {
	p, _, _, _ := newTestPane(t)
	v := tuitest.Screen(t, p, 46, 20)
	tuitest.RequireContains(t, v, "LOAD5", "CPU", "MEM", "DISK", "AL", "!2")
	if row := rowOf(t, v, "db1"); !strings.Contains(row, "db1      2.48") {
		t.Errorf("the name column is wider than its names: %q", row)
	}
	v = tuitest.Screen(t, p, 78, 22)
	if !strings.ContainsAny(v, "▁▂▃▄▅▆▇█") {
		t.Errorf("no sparklines at 78 cells:\n%s", v)
	}
	tuitest.RequireContains(t, v, "down 11:03", "12s ago")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 20), "unreachable since 11:03", "12s ago")
	if strings.Contains(v, " s ago") {
		t.Errorf("an age in another form than the CLI's:\n%s", v)
	}
}

// TestHeaderSaysWhatWaits: the header says in words what waits for a
// person, and the badge counts alerts in words.
func TestHeaderSaysWhatWaits(t *testing.T) {
	p, _, _, _ := newTestPane(t)
	tuitest.RequireContains(t, tuitest.Screen(t, p, 80, 10), "1 down · 1 key to trust · 1 key changed")
	if b := p.Badge(); b != "4 alerts" || !p.UrgentBadge() {
		t.Fatalf("badge %q, urgent %v", b, p.UrgentBadge())
	}
}

// TestHeaderSaysConfigBroken: when config.toml no longer loads, the
// header says so (the hosts shown are those read before) until it loads
// again.
func TestHeaderSaysConfigBroken(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	f.mu.Lock()
	f.config = "config.toml: line 3: expected '=' after a key"
	f.mu.Unlock()
	d.Send(changed())
	v := tuitest.Screen(t, p, 120, 20)
	tuitest.RequireContains(t, v, "config.toml does not load, showing the hosts read before: config.toml: line 3: expected '=' after a key")
	f.mu.Lock()
	f.config = ""
	f.mu.Unlock()
	d.Send(changed())
	if v := tuitest.Screen(t, p, 120, 20); strings.Contains(v, "does not load") {
		t.Fatalf("the warning stayed after the file loads again:\n%s", v)
	}
}

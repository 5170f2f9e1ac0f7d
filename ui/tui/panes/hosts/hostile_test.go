package hosts

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// hostile is what a host may print: escape sequences that set the
// title, clear the screen or move the cursor, bidi overrides that
// reorder a row, a bell, a carriage return, a C1 control.
const hostile = "evil\x1b]0;pwned\x07\x1b[2J\x1b[H\u202ereversed\u2066\r\x9b31mC1"

// sgr matches the styling the pane itself draws; nothing else may reach
// the terminal.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// requireInert fails when s holds a control, an escape sequence other
// than styling, or a bidi override.
func requireInert(t *testing.T, where, s string) {
	t.Helper()
	rest := sgr.ReplaceAllString(s, "")
	for _, r := range rest {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("%s: %U reaches the terminal in:\n%q", where, r, rest)
		}
	}
}

// TestHostileHostNeverReachesTheTerminal: every string a host sends
// (unit names, process commands, the kernel, interfaces, mounts, GPU
// names, its key, alerts, a command's output) is cleaned in the list,
// the details, the questions and the toasts.
func TestHostileHostNeverReachesTheTerminal(t *testing.T) {
	f := newFake(testNow)
	snap := snapshot(testNow, 1, 50)
	snap.Kernel = ok(hostile)
	snap.FailedUnits = ok([]string{hostile + ".service", "a\u202eb.service"})
	snap.TopProcesses = ok([]probe.Process{{PID: 6, CPU: 99, Command: hostile + " --flag " + hostile}})
	snap.Addresses = ok([]probe.Address{{Interface: hostile, Family: "inet", CIDR: hostile}})
	snap.Disks = ok([]probe.Disk{{Mount: hostile, Device: hostile, Used: 1, Avail: 1}})
	snap.GPUs = ok([]probe.GPU{{Name: hostile, Temp: gap[float64](hostile)}})
	snap.Uptime = gap[time.Duration](hostile)
	evil := fleet.HostStatus{Name: "evil" + hostile, Address: hostile, Source: fleet.SourceSSH, State: fleet.StateAlert, Why: hostile,
		Tags: []string{hostile}, HasSnapshot: true, Snapshot: snap, LastSeen: testNow, Load1: 1, CPUPercent: 2, MemPercent: 3, DiskPercent: 4,
		Alerts: 1, KeyType: hostile, Fingerprint: hostile}
	f.hosts = []fleet.HostStatus{evil,
		{Name: "new" + hostile, Address: hostile, Source: fleet.SourceSSH, State: fleet.StateUntrusted, KeyType: hostile, Fingerprint: hostile},
		{Name: "bad" + hostile, Address: hostile, Source: fleet.SourceSSH, State: fleet.StateRefused, KeyType: hostile, Fingerprint: hostile},
	}
	f.polling = Polling{By: hostile}
	f.alerts = []fleet.Alert{{ID: 1, Host: evil.Name, Rule: fleet.Rule(hostile), Subject: hostile, Message: hostile, FiredAt: testNow}}
	p, d, _ := openPane(t, f)

	for _, w := range []int{80, 120, 200} {
		requireInert(t, "list", p.View(w, 24, true))
		requireInert(t, "list unfocused", p.View(w, 24, false))
	}
	selectHost(t, p, d, evil.Name)
	d.Press("enter")
	requireInert(t, "details", p.View(200, 60, true))
	d.Press("s")
	d.Type("echo " + hostile)
	d.Paste(hostile)
	requireInert(t, "prompt", p.View(120, 40, true))
	d.Press("enter")
	requireInert(t, "details after shell", p.View(200, 60, true))
	d.Press("esc")
	selectHost(t, p, d, "new"+hostile)
	d.Press("t")
	requireInert(t, "trust question", p.View(120, 40, true))
	d.Press("n")
	selectHost(t, p, d, "bad"+hostile)
	d.Press("t")
	requireInert(t, "warning", p.View(120, 40, true))
	d.Press("esc")
	d.Send(kit.CoreEventMsg{Event: events.HostAlert{Host: hostile, Rule: hostile, Subject: hostile, Message: hostile, Firing: true}})
	d.Send(kit.CoreEventMsg{Event: events.HostAlert{Host: hostile, Rule: hostile, Subject: hostile, Firing: false}})
	selectHost(t, p, d, evil.Name)
	d.Press("r")
	ts := tuitest.Toasts(d.Kept())
	if len(ts) < 4 {
		t.Fatalf("toasts = %q, want the shell's, the alert's, its clearing and the probe's", ts)
	}
	for _, text := range ts {
		requireInert(t, "toast", text)
	}
	if !strings.Contains(strings.Join(ts, "\n"), "evil") {
		t.Fatalf("the toasts lost the text around the controls: %q", ts)
	}
}

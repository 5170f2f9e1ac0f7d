package hosts

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestOrder: problems first (what needs a person: a changed key, a
// refused login, down, a key to trust; then alerts, warnings, stale, new,
// ok), and o sorts by name and back.
func TestOrder(t *testing.T) {
	f := newFake(testNow)
	sampleFleet(f)
	f.hosts = append(f.hosts, fleet.HostStatus{Name: "login", Source: fleet.SourceSSH, State: fleet.StateDenied, Why: "permission denied",
		Load1: nan, CPUPercent: nan, MemPercent: nan, DiskPercent: nan})
	p, d, _ := openPane(t, f)
	names := func() []string {
		var out []string
		for _, r := range p.rows {
			out = append(out, p.hosts[r].Name)
		}
		return out
	}
	want := []string{"bastion", "login", "edge", "newbox", "db1", "gpu1", "archive", "local", "web1"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("problems first = %v, want %v", got, want)
	}
	selectHost(t, p, d, "gpu1")
	d.Press("o")
	want = []string{"archive", "bastion", "db1", "edge", "gpu1", "local", "login", "newbox", "web1"}
	if got := names(); !slices.Equal(got, want) {
		t.Fatalf("by name = %v, want %v", got, want)
	}
	if p.Selected() != "gpu1" {
		t.Fatalf("the selection moved to %s, want it kept on gpu1", p.Selected())
	}
	if ts := tuitest.Toasts(d.Kept()); len(ts) != 1 || !strings.Contains(ts[0], "by name") {
		t.Fatalf("toasts = %q", ts)
	}
}

// TestFilter: / narrows the rows by name, address, state or tag.
func TestFilter(t *testing.T) {
	for _, tc := range []struct{ query, want string }{
		{"db", "db1"}, {"10.0.0.9", "gpu1"}, {"untrusted", "newbox"}, {"prod", "web1"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			p, _, d, _ := newTestPane(t)
			d.Press("/")
			if !p.Capturing() {
				t.Fatal("the filter takes no text")
			}
			d.Type(tc.query)
			d.Press("enter")
			if len(p.rows) != 1 || p.Selected() != tc.want {
				t.Fatalf("rows %v, selected %q, want only %s", p.rows, p.Selected(), tc.want)
			}
			d.Press("esc")
			if len(p.rows) != p.Len() {
				t.Fatalf("esc left %d rows of %d", len(p.rows), p.Len())
			}
		})
	}
}

// TestDetailLiveAndBack: enter shows the host's fields and alert
// history; a reload while it is open shows the new numbers; esc goes back.
func TestDetailLiveAndBack(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	selectHost(t, p, d, "db1")
	d.Press("enter")
	v := tuitest.Screen(t, p, 120, 60)
	tuitest.RequireContains(t, v, "kernel", "Linux 6.8.0-45-generic", "backup.service", "postgres: writer", "not measured: nvidia-smi not installed",
		"disk / at 93% (threshold 90%)", "cleared", "/srv/data", "inodes 12%")
	h, _ := f.get("db1")
	h.Snapshot.Kernel = gap[string]("uname not found")
	f.set(h)
	d.Send(changed())
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 60), "kernel      not measured: uname not found")
	d.Press("esc")
	if _, open := p.Shown(); open {
		t.Fatal("esc left the detail view open")
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 40), "STATE", "NAME")
}

// TestProbe: r probes the selected host, the row says probing… until it
// answers, then a toast tells the outcome.
func TestProbe(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	selectHost(t, p, d, "edge")
	cmd, handled := p.HandleKey(tuitest.Key("r"))
	if !handled || cmd == nil {
		t.Fatal("r started no probe")
	}
	if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "edge"); !strings.Contains(row, "probing…") {
		t.Fatalf("row while probing: %q", row)
	}
	d.Run(cmd)
	if got := f.log(); !slices.Equal(got, []string{"probe edge"}) {
		t.Fatalf("calls = %q", got)
	}
	ts := tuitest.Toasts(d.Kept())
	if len(ts) != 1 || !strings.Contains(ts[0], "probed edge: unreachable: connection refused") {
		t.Fatalf("toasts = %q", ts)
	}
	if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "edge"); strings.Contains(row, "probing") {
		t.Fatalf("row after the probe: %q", row)
	}
}

// TestTrust: t on an untrusted host shows its key and trusts it on y
// only; t on a changed key warns and calls nothing; t on a trusted host
// says so.
func TestTrust(t *testing.T) {
	t.Run("yes", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		selectHost(t, p, d, "newbox")
		d.Press("t")
		v := tuitest.Screen(t, p, 120, 40)
		tuitest.RequireContains(t, v, "Trust this key?", "10.0.0.20:22", "ssh-ed25519", "SHA256:u8QmZc3oG8b7NqkqS1l4y3l1zD0Zr5m2YwS4q9xJm0E")
		d.Press("y")
		want := []string{"scan newbox", "trust newbox SHA256:u8QmZc3oG8b7NqkqS1l4y3l1zD0Zr5m2YwS4q9xJm0E", "probe newbox"}
		if got := f.log(); !slices.Equal(got, want) {
			t.Fatalf("calls = %q, want %q", got, want)
		}
		if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "newbox"); !strings.Contains(row, "ok") {
			t.Fatalf("row after trusting: %q", row)
		}
	})
	t.Run("no", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		selectHost(t, p, d, "newbox")
		d.Press("t", "n")
		if got := f.log(); !slices.Equal(got, []string{"scan newbox"}) {
			t.Fatalf("calls = %q, want only the scan", got)
		}
		if p.Capturing() {
			t.Fatal("the question stayed open")
		}
	})
	t.Run("changed", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		f.remedy = map[string]string{"bastion": "The old key is at /home/me/.macroa/known_hosts:3. If the change is expected, remove it: ssh-keygen -R 10.0.0.1 -f /home/me/.macroa/known_hosts, then: macroa hosts trust bastion"}
		selectHost(t, p, d, "bastion")
		d.Press("t")
		v := tuitest.Screen(t, p, 200, 40)
		tuitest.RequireContains(t, v, "WARNING", "the key of bastion at 10.0.0.1:22 CHANGED", "refused", "never writes over a known key",
			"The old key is at /home/me/.macroa/known_hosts:3.", "ssh-keygen -R 10.0.0.1 -f /home/me/.macroa/known_hosts")
		if strings.Contains(v, "<data dir>") {
			t.Fatalf("the warning has a placeholder:\n%s", v)
		}
		d.Press("y")
		if got := f.log(); !slices.Equal(got, []string{"scan bastion"}) {
			t.Fatalf("a changed key led to calls %q, want only the scan", got)
		}
	})
	// A changed key of a host that does not answer now: the warning still
	// shows, with the remedy read from the files.
	t.Run("changed and down", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		f.scanErr = map[string]error{"bastion": errors.New("no answer in 10s")}
		f.remedy = map[string]string{"bastion": "The old key is at /home/me/.macroa/known_hosts:3."}
		selectHost(t, p, d, "bastion")
		d.Press("t")
		tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 40), "WARNING", "CHANGED", "The old key is at /home/me/.macroa/known_hosts:3.")
	})
	t.Run("trusted already", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		selectHost(t, p, d, "web1")
		d.Press("t")
		if ts := tuitest.Toasts(d.Kept()); len(ts) != 1 || !strings.Contains(ts[0], "trusted already") || len(f.log()) != 0 {
			t.Fatalf("toasts %q, calls %q", ts, f.log())
		}
	})
	// A host that never answered has no key Macroa saw: t asks for it,
	// and the scan's error is what the person reads.
	t.Run("unreachable", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		f.scanErr = map[string]error{"edge": errors.New("SSH handshake with 127.0.0.1:2209: no answer in 10s")}
		selectHost(t, p, d, "edge")
		d.Press("t")
		want := "could not read edge's key: SSH handshake with 127.0.0.1:2209: no answer in 10s"
		if ts := tuitest.Toasts(d.Kept()); len(ts) != 1 || ts[0] != want {
			t.Fatalf("toasts %q, want %q", ts, want)
		}
		if got := f.log(); !slices.Equal(got, []string{"scan edge"}) {
			t.Fatalf("calls = %q, want the scan", got)
		}
	})
	// While the key is fetched the footer says so; once answered (and the
	// question declined) nothing says it is still being fetched.
	t.Run("fetching ends", func(t *testing.T) {
		p, _, d, _ := newTestPane(t)
		selectHost(t, p, d, "newbox")
		d.Press("enter") // from the details too
		cmd, _ := p.HandleKey(tuitest.Key("t"))
		tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 40), "fetching newbox's key…")
		d.Run(cmd)
		d.Press("n")
		v := tuitest.Screen(t, p, 120, 40)
		for _, ts := range append(tuitest.Toasts(d.Kept()), v) {
			if strings.Contains(ts, "fetching") {
				t.Fatalf("still fetching after the answer: %q", ts)
			}
		}
	})
}

// TestShell: s opens a prompt for the host; enter proposes the command
// and the outcome is a toast and a line of the details: the output when
// it ran, the approval to answer when it waits, the reason when the gate
// refuses it.
func TestShell(t *testing.T) {
	for _, tc := range []struct{ command, toast string }{
		{"echo hello", "ran: exit 0: hello"},
		{"systemctl restart nginx", "waiting for approval #a1b2c3d4e5"},
		{"shutdown -h now", `refused by the gate: "shutdown" is a denied command`},
	} {
		t.Run(tc.command, func(t *testing.T) {
			p, f, d, _ := newTestPane(t)
			selectHost(t, p, d, "web1")
			d.Press("s")
			if !p.Capturing() {
				t.Fatal("the prompt takes no text")
			}
			d.Type(tc.command)
			d.Press("enter")
			if got := f.log(); !slices.Equal(got, []string{"shell web1 " + tc.command}) {
				t.Fatalf("calls = %q", got)
			}
			ts := tuitest.Toasts(d.Kept())
			if len(ts) != 1 || !strings.Contains(ts[0], tc.toast) {
				t.Fatalf("toasts = %q, want %q", ts, tc.toast)
			}
			d.Press("enter")
			tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 60), "shell", tc.toast)
		})
	}
	t.Run("esc", func(t *testing.T) {
		p, f, d, _ := newTestPane(t)
		d.Press("s")
		d.Type("rm -rf /")
		d.Press("esc")
		if p.Capturing() || len(f.log()) != 0 {
			t.Fatalf("esc: capturing %v, calls %q", p.Capturing(), f.log())
		}
	})
}

// TestReadOnly: a read-only cockpit has no probe, trust or shell key,
// and the footer offers none.
func TestReadOnly(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	p.SetKeys(kit.ReadOnly(p.Keys()))
	selectHost(t, p, d, "newbox")
	before := d.Unhandled
	d.Press("r", "t", "s")
	if d.Unhandled-before != 3 || len(f.log()) != 0 || p.Capturing() {
		t.Fatalf("read-only: %d keys unhandled, calls %q", d.Unhandled-before, f.log())
	}
	lines := tuitest.Lines(tuitest.Screen(t, p, 120, 40))
	v := lines[len(lines)-1]
	for _, hint := range []string{"r probe", "t trust", "s shell"} {
		if strings.Contains(v, hint) {
			t.Fatalf("read-only footer offers %q:\n%s", hint, v)
		}
	}
}

// TestAlerts: an alert that fires here is a sticky toast, its clearing a
// short one; one that fired in another process since the pane loaded is
// a warning on the reload, told once; the badge counts the firing ones.
func TestAlerts(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	if ts := tuitest.Toasts(d.Kept()); len(ts) != 0 {
		t.Fatalf("alerts firing before the pane opened were toasted: %q", ts)
	}
	if p.Badge() != "4 alerts" {
		t.Fatalf("badge = %q, want 4 alerts", p.Badge())
	}
	d.Send(kit.CoreEventMsg{Event: events.HostAlert{Host: "web1", Rule: "load", Message: "load 9.1 over 8", Firing: true}})
	kept := d.Kept()
	if tm, ok := tuitest.Find[kit.ToastMsg](kept); !ok || !tm.Sticky || !strings.Contains(tm.Text, "alert on web1: load 9.1 over 8") {
		t.Fatalf("firing: %+v", kept)
	}
	d.Send(kit.CoreEventMsg{Event: events.HostAlert{Host: "web1", Rule: "load", Message: "load back to 2", Firing: false}})
	if tm, ok := tuitest.Find[kit.ToastMsg](d.Kept()); !ok || tm.Sticky || !strings.Contains(tm.Text, "cleared on web1") {
		t.Fatalf("cleared: %+v", tm)
	}

	// Another process saw gpu1 overheat.
	f.mu.Lock()
	f.alerts = append(f.alerts, fleet.Alert{ID: 9, Host: "gpu1", Rule: fleet.RuleGPUTemp, Subject: "0", Message: "GPU 0 at 91 °C", FiredAt: testNow.Add(time.Second)})
	f.hosts[2].Alerts = 1
	f.mu.Unlock()
	d.Send(changed())
	ts := tuitest.Toasts(d.Kept())
	if len(ts) != 1 || !strings.Contains(ts[0], "alert on gpu1: GPU 0 at 91 °C") {
		t.Fatalf("toasts = %q", ts)
	}
	d.Send(changed())
	if ts := tuitest.Toasts(d.Kept()); len(ts) != 0 {
		t.Fatalf("told twice: %q", ts)
	}
	if p.Badge() != "5 alerts" {
		t.Fatalf("badge = %q, want 5 alerts", p.Badge())
	}
}

// TestStaleAnswersDropped: a read of the hosts that a newer one
// overtook, or the alerts of a host no longer shown, change nothing.
func TestStaleAnswersDropped(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	old := p.load()().(listMsg) // a read taken now, answered late
	p.loading = false
	h, _ := f.get("web1")
	h.State, h.Why = fleet.StateAlert, "load 9"
	f.set(h)
	d.Send(changed())
	d.Send(old)
	if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "web1"); !strings.Contains(row, "alert") {
		t.Fatalf("the stale read won: %q", row)
	}
	if !p.Quiet(old) {
		t.Fatal("a stale read is not quiet")
	}

	selectHost(t, p, d, "db1")
	d.Press("enter")
	stale := p.loadDetail()().(detailMsg)
	d.Press("esc")
	selectHost(t, p, d, "web1")
	d.Press("enter")
	d.Send(stale)
	if strings.Contains(tuitest.Screen(t, p, 120, 60), "disk / at 93%") {
		t.Fatal("db1's alerts show in web1's details")
	}
}

// TestProbedReloads: a probe in this process (HostProbed) reads the
// hosts again with that host's history only, the others' kept; probes
// that end while a read is in flight cost one more read, of their hosts,
// not one each.
func TestProbedReloads(t *testing.T) {
	p, f, d, _ := newTestPane(t)
	n := f.lists
	f.mu.Lock()
	f.reads = nil
	f.mu.Unlock()
	cmd := p.Update(kit.CoreEventMsg{Event: events.HostProbed{Host: "web1", State: "ok"}})
	for _, h := range []string{"db1", "gpu1", "db1"} {
		if p.Update(kit.CoreEventMsg{Event: events.HostProbed{Host: h, State: "alert"}}) != nil {
			t.Fatal("a probe while a read is in flight started another")
		}
	}
	d.Run(cmd)
	if got := f.lists - n; got != 2 {
		t.Fatalf("%d reads, want 2 (one, then one for the probes meanwhile)", got)
	}
	f.mu.Lock()
	reads := slices.Clone(f.reads)
	f.mu.Unlock()
	slices.Sort(reads[1:])
	if want := []string{"web1", "db1", "gpu1"}; !slices.Equal(reads, want) {
		t.Fatalf("history read for %q, want %q", reads, want)
	}
	if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "archive"); !strings.ContainsAny(row, "▁▂▃▄▅▆▇█") {
		t.Fatalf("a host not probed lost its sparklines: %q", row)
	}
	// A change in another process reads every host's history.
	d.Send(changed())
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reads) != 3+p.Len() {
		t.Fatalf("a store change read %d histories, want %d", len(f.reads)-3, p.Len())
	}
}

// TestEveryWidthFills: the list and the details fill every size from
// narrow to wide, the sparklines shown only with room for them.
func TestEveryWidthFills(t *testing.T) {
	p, _, d, _ := newTestPane(t)
	for _, w := range []int{20, 40, 60, 80, 100, 120, 160, 200} {
		for _, h := range []int{1, 3, 10, 24, 60} {
			v := tuitest.Screen(t, p, w, h)
			if h >= 10 && w >= 80 && !strings.ContainsAny(v, "▁▂▃▄▅▆▇█") {
				t.Fatalf("%dx%d: no sparkline:\n%s", w, h, v)
			}
			if w <= 60 && strings.ContainsAny(v, "▁▂▃▄▅▆▇█") {
				t.Fatalf("%dx%d: sparklines in a narrow pane:\n%s", w, h, v)
			}
		}
	}
	selectHost(t, p, d, "gpu1")
	d.Press("enter")
	for _, w := range []int{20, 80, 200} {
		for _, h := range []int{1, 2, 24, 60} {
			tuitest.Screen(t, p, w, h)
		}
	}
}

// TestTickMovesAges: the one-second tick does no I/O and moves the
// "12 s ago" ages; a tick while the pane was not drawn is quiet, and one
// of an older schedule is dropped.
func TestTickMovesAges(t *testing.T) {
	f := newFake(testNow)
	sampleFleet(f)
	now := testNow
	p := New(f, tuitest.Styles(t, "ansi"), nil)
	p.SetClock(func() time.Time { return now })
	var ticks []int
	p.every = func(gen int) tea.Cmd { ticks = append(ticks, gen); return nil }
	d := tuitest.ForPane(t, p, tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	if len(ticks) != 1 {
		t.Fatalf("ticks scheduled: %v, want one", ticks)
	}
	if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "web1"); !strings.Contains(row, "12s ago") {
		t.Fatalf("row %q", row)
	}
	lists := f.lists
	now = now.Add(5 * time.Second)
	if p.Quiet(tickMsg{gen: ticks[0]}) {
		t.Fatal("a tick after a draw is quiet")
	}
	d.Send(tickMsg{gen: ticks[0]})
	if row := rowOf(t, tuitest.Screen(t, p, 120, 40), "web1"); !strings.Contains(row, "17s ago") {
		t.Fatalf("row after the tick %q", row)
	}
	if f.lists != lists || len(ticks) != 2 {
		t.Fatalf("the tick read the fleet (%d reads) or scheduled %d ticks", f.lists-lists, len(ticks))
	}
	d.Send(tickMsg{gen: ticks[1]})
	if !p.Quiet(tickMsg{gen: ticks[2]}) || !p.Quiet(tickMsg{gen: ticks[0]}) {
		t.Fatal("a tick with no draw since, or of an older schedule, is not quiet")
	}
}

package fleet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/store"
)

// holdingService starts a Service that polls web1 (and local) through p
// every hour: the first probe of each runs at once, later ones when the
// test asks with ProbeNow.
func holdingService(t *testing.T, p *scripted, rec *recorder) (*Service, *store.DB) {
	t.Helper()
	db := openStore(t, "")
	o := testOptions(db, p, rec)
	quietLocal(&o, newScripted(fixture(t)))
	s := startService(t, o)
	waitFor(t, "the lease", s.Holding)
	waitFor(t, "the first probe", func() bool { return probedIdle(s, "web1") })
	return s, db
}

// An alert fires after two probes over the threshold, clears after two
// under it by the margin; each transition is published and audited.
func TestAlertFiresAndClears(t *testing.T) {
	ctx := context.Background()
	p := newScripted(fixture(t))
	p.set(diskAt(95), nil)
	rec := &recorder{}
	s, db := holdingService(t, p, rec) // probe 1: 95%
	if st, _ := s.Status(ctx, "web1"); st.State != StateWarn || !strings.HasPrefix(st.Why, "disk / at 95%") || !strings.HasSuffix(st.Why, "an alert if it holds") {
		t.Fatalf("after one probe over: %s %q", st.State, st.Why)
	}
	steps := []struct {
		disk   uint64
		state  State
		alerts int // firing
	}{
		{95, StateAlert, 1}, {88, StateAlert, 1}, {80, StateAlert, 1}, {80, StateOK, 0},
	}
	for i, st := range steps {
		p.set(diskAt(st.disk), nil)
		got, err := s.ProbeNow(ctx, "web1")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != st.state || got.Alerts != st.alerts {
			t.Fatalf("probe %d at %d%%: %s (%s) with %d alerts, want %s with %d", i+2, st.disk, got.State, got.Why, got.Alerts, st.state, st.alerts)
		}
	}
	all, err := s.Alerts(ctx, "web1", true, 0)
	if err != nil || len(all) != 1 || all[0].Firing() || all[0].Rule != RuleDisk || all[0].Subject != "/" {
		t.Fatalf("alerts: %+v %v", all, err)
	}
	ev := rec.alerts()
	if len(ev) != 2 || !ev[0].Firing || ev[1].Firing || !strings.Contains(ev[0].Message, "disk / at 95%") {
		t.Errorf("events: %+v", ev)
	}
	entries, _ := db.RecentAudit(ctx, 10)
	var audited []string
	for _, e := range entries {
		if e.Skill == "hosts" && e.Source == RoleCockpit {
			audited = append(audited, fmt.Sprintf("%v %s", e.Success, e.Input))
		}
	}
	// Newest first: the clearing (a success), then the firing (not one).
	want := []string{"true cleared on web1: disk / at 80% (threshold 90%)", "false alert on web1: disk / at 95% (threshold 90%)"}
	if !slices.Equal(audited, want) {
		t.Errorf("audit entries for the alert:\n%q\nwant\n%q", audited, want)
	}
	hist, err := s.History(ctx, "web1", time.Time{})
	if err != nil || len(hist) != 5 {
		t.Fatalf("history: %d samples %+v %v", len(hist), hist, err)
	}
	last := hist[len(hist)-1]
	if hist[0].DiskPercent != 95 || last.DiskPercent != 80 || !last.OK {
		t.Errorf("history: %+v", hist)
	}
	if !math.IsNaN(hist[0].CPUPercent) || last.CPUPercent != 25 {
		t.Errorf("CPU from the counters of the probe before: first %v, last %v, want NaN and 25", hist[0].CPUPercent, last.CPUPercent)
	}
}

// A slow probe and a ProbeNow of the same host at once make one probe.
func TestProbeNowJoinsTheProbeUnderWay(t *testing.T) {
	ctx := context.Background()
	p := newScripted(fixture(t))
	gate := make(chan struct{})
	p.gate = gate
	db := openStore(t, "")
	o := testOptions(db, p, nil)
	quietLocal(&o, newScripted(fixture(t)))
	joined := make(chan struct{}, 1)
	o.onJoin = func(string) { joined <- struct{}{} }
	s := startService(t, o)
	<-p.started // the poller's first probe is under way
	done := make(chan error, 1)
	go func() { _, err := s.ProbeNow(ctx, "web1"); done <- err }()
	<-joined
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := p.calls.Load(); n != 1 {
		t.Fatalf("%d probes, want 1", n)
	}
}

// While a host does not answer its interval doubles, up to
// MaxBackoffIntervals intervals (MaxBackoff is larger here), and the
// first answer resets it; its state says since when and when the next
// try is.
func TestBackoffWhileUnreachable(t *testing.T) {
	p := newScripted(fixture(t))
	p.set(nil, errors.New("dial tcp 10.0.0.5:22: connect: connection refused"))
	db := openStore(t, "")
	o := testOptions(db, p, nil)
	quietLocal(&o, newScripted(fixture(t)))
	interval := 10 * time.Millisecond
	o.Hosts = func() []HostEntry { return []HostEntry{{Name: "web1", Prober: p, Interval: interval}} }
	o.MaxBackoff = 80 * time.Millisecond
	waits := make(chan time.Duration, 100)
	o.onWait = func(h string, d time.Duration) {
		if h == "web1" {
			waits <- d
		}
	}
	s := startService(t, o)
	want := []time.Duration{0, interval, 2 * interval, 4 * interval, 4 * interval, 4 * interval}
	for i, w := range want {
		if got := <-waits; got != w {
			t.Fatalf("wait %d: %v, want %v", i, got, w)
		}
	}
	st, err := s.Status(context.Background(), "web1")
	if err != nil || st.State != StateUnreachable || !strings.HasPrefix(st.Why, "unreachable since ") || !strings.Contains(st.Why, "connection refused") {
		t.Fatalf("status %s %q %v", st.State, st.Why, err)
	}
	if !regexp.MustCompile(`; next try \d\d:\d\d:\d\d$`).MatchString(st.Why) {
		t.Errorf("why %q does not say when the next try is", st.Why)
	}
	if st.Alerts != 1 {
		t.Errorf("%d alerts firing, want unreachable", st.Alerts)
	}
	p.set(nil, nil)
	for got := range waits {
		if got == interval {
			break // reset by an answer
		}
		if got < 4*interval {
			t.Fatalf("wait %v while the host answers", got)
		}
	}
	waitFor(t, "the unreachable alert to clear", func() bool {
		st, _ := s.Status(context.Background(), "web1")
		return st.State == StateOK && st.Alerts == 0
	})
}

// The backoff doubles from the second failure, up to four intervals
// and the limit, never under the interval.
func TestBackoff(t *testing.T) {
	const m = time.Minute
	for _, c := range []struct {
		interval time.Duration
		failures int
		limit    time.Duration
		want     time.Duration
	}{
		{m, 0, 2 * m, m},
		{m, 1, 2 * m, m},
		{m, 2, 2 * m, 2 * m},
		{m, 3, 2 * m, 2 * m}, // the limit
		{30 * time.Second, 3, 2 * m, 2 * m},
		{30 * time.Second, 4, 2 * m, 2 * m},
		{10 * time.Second, 3, 2 * m, 40 * time.Second},
		{10 * time.Second, 9, 2 * m, 40 * time.Second}, // four intervals
		{5 * m, 5, 2 * m, 5 * m},                       // never under the interval
	} {
		if got := backoff(c.interval, c.failures, c.limit); got != c.want {
			t.Errorf("backoff(%v, %d, %v) = %v, want %v", c.interval, c.failures, c.limit, got, c.want)
		}
	}
}

// A caller that joined a probe whose own caller gave up probes anew.
func TestJoinedProbeAbandonedProbesAnew(t *testing.T) {
	p := newScripted(fixture(t))
	gate := make(chan struct{})
	p.gate = gate
	o := testOptions(openStore(t, ""), p, nil)
	joined := make(chan struct{}, 1)
	o.onJoin = func(string) { joined <- struct{}{} }
	s := New(o)
	first, cancel := context.WithCancel(context.Background())
	firstDone := make(chan error, 1)
	go func() { _, err := s.ProbeNow(first, "web1"); firstDone <- err }()
	<-p.started
	second := make(chan error, 1)
	go func() { _, err := s.ProbeNow(context.Background(), "web1"); second <- err }()
	<-joined
	cancel()
	if err := <-firstDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("the abandoned probe: %v", err)
	}
	<-p.started // the second caller's own probe
	close(gate)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := p.calls.Load(); n != 2 {
		t.Errorf("%d probes, want 2", n)
	}
}

// What a host reports reaches the store, the audit log and the events
// cleaned and redacted.
func TestAlertTextCleanedAndRedacted(t *testing.T) {
	ctx := context.Background()
	p := newScripted(fixture(t))
	p.set(func(s *probe.Snapshot) { s.FailedUnits.Value = []string{"hunter2\x1b[31m.service"} }, nil)
	db := openStore(t, "")
	rec := &recorder{}
	o := testOptions(db, p, rec)
	quietLocal(&o, newScripted(fixture(t)))
	o.Redact = func(s string) string { return strings.ReplaceAll(s, "hunter2", "[redacted]") }
	s := startService(t, o)
	waitFor(t, "the first probe", func() bool { return probedIdle(s, "web1") })
	if _, err := s.ProbeNow(ctx, "web1"); err != nil {
		t.Fatal(err)
	}
	alerts, err := s.Alerts(ctx, "web1", false, 0)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts %+v %v", alerts, err)
	}
	ev := rec.alerts()
	entries, _ := db.RecentAudit(ctx, 1)
	for _, text := range []string{alerts[0].Subject, alerts[0].Message, ev[0].Message, ev[0].Subject, entries[0].Action} {
		if strings.Contains(text, "hunter2") || strings.Contains(text, "\x1b") {
			t.Errorf("not cleaned or redacted: %q", text)
		}
	}
	// Another process reading the alert back judges the same subject:
	// the alert neither clears nor fires twice.
	o2 := o
	o2.Holder = "test/2/2"
	s.Stop()
	s2 := startService(t, o2)
	waitFor(t, "the second process to poll", s2.Holding)
	for range 2 {
		if _, err := s2.ProbeNow(ctx, "web1"); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := s2.Alerts(ctx, "web1", true, 0)
	if len(all) != 1 || !all[0].Firing() {
		t.Errorf("after a restart: %+v", all)
	}
}

package fleet

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// Two processes on one database file: only the lease holder polls; when
// it stops the other takes over, and a daemon takes the lease from a
// cockpit.
func TestOnlyTheLeaseHolderPolls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "macroa.db")
	pa, pb := newScripted(fixture(t)), newScripted(fixture(t))
	oa := testOptions(openStore(t, path), pa, nil)
	oa.Holder = "host/1/1"
	quietLocal(&oa, pa)
	ob := testOptions(openStore(t, path), pb, nil)
	ob.Holder = "host/2/2"
	quietLocal(&ob, pb)
	bWaits := make(chan time.Duration, 10)
	ob.onWait = func(h string, d time.Duration) {
		if h == "web1" {
			bWaits <- d
		}
	}
	a := startService(t, oa)
	waitFor(t, "a to hold the lease", a.Holding)
	b := startService(t, ob)
	waitFor(t, "a's first probes", func() bool { return pa.calls.Load() == 2 })
	// b looks at the lease every RenewEvery: let it look a few times.
	for range 5 {
		before := time.Now()
		waitFor(t, "a renewal", func() bool {
			l, _, _ := oa.Store.GetLease(context.Background(), store.HostsLease)
			return l.RenewedAt.After(before)
		})
	}
	if b.Holding() || pb.calls.Load() != 0 {
		t.Fatalf("b holds %v and probed %d times while a held the lease", b.Holding(), pb.calls.Load())
	}
	a.Stop()
	waitFor(t, "b to take over", b.Holding)
	// b's poller waits out the interval from a's last probe, not probing
	// again what was just probed.
	if w := <-bWaits; w <= 0 || w > time.Hour {
		t.Errorf("b's first wait %v, want the rest of the hour", w)
	}
	if pb.calls.Load() != 0 {
		t.Errorf("b probed what a just had")
	}

	// A daemon takes the lease from b, a cockpit.
	pd := newScripted(fixture(t))
	od := testOptions(openStore(t, path), pd, nil)
	od.Holder, od.Role = "host/3/3", RoleDaemon
	quietLocal(&od, pd)
	d := startService(t, od)
	waitFor(t, "the daemon to take the lease", d.Holding)
	waitFor(t, "the cockpit to let go", func() bool { return !b.Holding() })
}

// A host whose last probe is older than two intervals and the timeout is
// stale when no live process holds the lease, and only then.
func TestStaleWhenNoPollerRuns(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		holder string // "" no lease
		late   time.Duration
		want   State
	}{
		{"fresh, no poller", "", time.Minute, StateOK},
		{"old, no poller", "", 3 * time.Hour, StateStale},
		{"old, the holder died", "dead/1/1", 3 * time.Hour, StateStale},
		{"old, the holder lives", "live/1/1", 3 * time.Hour, StateOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := openStore(t, "")
			p := newScripted(fixture(t))
			o := testOptions(db, p, nil)
			quietLocal(&o, p)
			if _, err := New(o).ProbeNow(ctx, "web1"); err != nil {
				t.Fatal(err)
			}
			if c.holder != "" {
				if _, _, err := db.AcquireLease(ctx, store.HostsLease, c.holder, RoleDaemon, time.Hour, nil, nil); err != nil {
					t.Fatal(err)
				}
			}
			o.Clock = func() time.Time { return time.Now().Add(c.late) }
			o.Alive = func(h string) bool { return h != "dead/1/1" }
			st, err := New(o).Status(ctx, "web1")
			if err != nil || st.State != c.want {
				t.Fatalf("%s (%s), want %s (%v)", st.State, st.Why, c.want, err)
			}
		})
	}
}

// Local is always a host, listed first, new until probed.
func TestLocalAlwaysListed(t *testing.T) {
	db := openStore(t, "")
	o := testOptions(db, newScripted(fixture(t)), nil)
	list, err := New(o).List(context.Background())
	if err != nil || len(list) != 2 || list[0].Name != "local" || list[0].Source != SourceLocal || list[0].State != StateNew || list[1].Name != "web1" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := New(o).Status(context.Background(), "nope"); err != ErrUnknownHost {
		t.Errorf("unknown host: %v", err)
	}
}

// History older than [monitor] history, and over the per-host cap, is
// pruned as probes are written.
func TestSamplesPruned(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		history time.Duration
		keep    int
		want    int
	}{
		{"older than the history", time.Hour, 1000, 31}, // probes every 2 minutes: the last hour's
		{"over the cap", 24 * time.Hour, 10, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := openStore(t, "")
			o := testOptions(db, newScripted(fixture(t)), nil)
			o.Monitor.History = configDuration(c.history)
			o.MaxSamples = c.keep
			now := time.Now().Add(-3 * time.Hour)
			o.Clock = func() time.Time { return now }
			s := New(o)
			for range pruneEvery + 1 {
				if _, err := s.ProbeNow(ctx, "web1"); err != nil {
					t.Fatal(err)
				}
				now = now.Add(2 * time.Minute)
			}
			h, err := s.History(ctx, "web1", time.Time{})
			if err != nil || len(h) != c.want {
				t.Fatalf("%d samples left, want %d (%v)", len(h), c.want, err)
			}
		})
	}
}

// A lease whose holder died is taken at once, not when it expires.
func TestTakeOverFromADeadHolder(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, "")
	if _, _, err := db.AcquireLease(ctx, store.HostsLease, "dead/1/1", RoleDaemon, time.Hour, nil, nil); err != nil {
		t.Fatal(err)
	}
	p := newScripted(fixture(t))
	o := testOptions(db, p, nil)
	quietLocal(&o, p)
	o.Alive = func(h string) bool { return h != "dead/1/1" }
	s := startService(t, o)
	waitFor(t, "the lease taken from the dead daemon", s.Holding)
	if role, self, err := s.Poller(ctx); err != nil || !self || role != RoleCockpit {
		t.Errorf("poller %q self %v %v", role, self, err)
	}
}

// Alerts still firing on a host the inventory no longer lists clear when
// the poller reconciles: a host of config.toml's at once (and Alerts no
// longer shows them firing), a Prometheus target after the grace (its
// source lists it only once it answered).
func TestRemovedHostsAlertsClear(t *testing.T) {
	for _, c := range []struct {
		name   string
		source Source // of the host's last status; "": none
		grace  bool   // cleared only after the grace
	}{
		{"host of config.toml", SourceSSH, false},
		{"host never probed", "", false},
		{"Prometheus target", SourcePrometheus, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := openStore(t, "")
			p := store.HostProbe{Status: store.HostStatus{Host: "gone"},
				Fire: []store.HostAlert{{Rule: string(RuleDisk), Subject: "/", Message: "disk / at 95%"}}}
			if c.source != "" {
				p.Status = store.HostStatus{Host: "gone", State: string(StateAlert), Source: string(c.source), ProbedAt: time.Now()}
			}
			if _, err := db.RecordHostProbe(ctx, p); err != nil {
				t.Fatal(err)
			}
			pr := newScripted(fixture(t))
			rec := &recorder{}
			o := testOptions(db, pr, rec)
			quietLocal(&o, pr)
			o.removedGrace = time.Hour
			if c.grace {
				o.removedGrace = time.Second
			}
			s := New(o)
			shown, _ := s.Alerts(ctx, "gone", false, 0)
			if c.grace != (len(shown) == 1) {
				t.Fatalf("before the poller: %d alerts shown firing, want shown %v", len(shown), c.grace)
			}
			if err := s.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Stop)
			if c.grace {
				// Not at once: a source not yet listed must not clear its hosts'.
				if a, _ := db.ListHostAlerts(ctx, store.HostAlertFilter{Host: "gone", Firing: true}); len(a) != 1 {
					t.Fatalf("cleared at once: %+v", a)
				}
			}
			waitFor(t, "the removed host's alert to clear", func() bool {
				a, _ := db.ListHostAlerts(ctx, store.HostAlertFilter{Host: "gone", Firing: true})
				return len(a) == 0
			})
			// The event follows the commit that cleared it.
			waitFor(t, "the clearing's event", func() bool { return len(rec.alerts()) > 0 })
			if ev := rec.alerts(); len(ev) != 1 || ev[0].Host != "gone" || ev[0].Firing {
				t.Errorf("events %+v", ev)
			}
		})
	}
}

// A process that takes the lease back reads what fires from the store:
// an alert another holder cleared meanwhile fires again.
func TestRetakenLeaseReadsAlertsBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "macroa.db")
	pa := newScripted(fixture(t))
	pa.set(diskAt(95), nil)
	oa := testOptions(openStore(t, path), pa, nil)
	oa.Holder = "host/1/1"
	quietLocal(&oa, newScripted(fixture(t)))
	a := startService(t, oa)
	waitFor(t, "a's first probe", func() bool { return probedIdle(a, "web1") })
	if st, err := a.ProbeNow(ctx, "web1"); err != nil || st.Alerts != 1 {
		t.Fatalf("a: %+v %v", st, err)
	}
	pd := newScripted(fixture(t))
	pd.set(diskAt(80), nil)
	od := testOptions(openStore(t, path), pd, nil)
	od.Holder, od.Role = "host/2/2", RoleDaemon
	quietLocal(&od, newScripted(fixture(t)))
	d := startService(t, od)
	waitFor(t, "the daemon to take over", func() bool { return d.Holding() && !a.Holding() })
	for range 2 {
		if _, err := d.ProbeNow(ctx, "web1"); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := d.Status(ctx, "web1"); st.Alerts != 0 {
		t.Fatalf("the daemon did not clear the alert: %+v", st)
	}
	d.Stop()
	waitFor(t, "a to take the lease back", a.Holding)
	for range 2 {
		if _, err := a.ProbeNow(ctx, "web1"); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := a.Status(ctx, "web1"); st.Alerts != 1 || st.State != StateAlert {
		t.Errorf("disk at 95%% again: %s with %d alerts", st.State, st.Alerts)
	}
}

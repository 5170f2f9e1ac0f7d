package store

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// A status keeps its since while the state holds, and its snapshot and
// last answer when a probe that did not answer writes none.
func TestUpsertHostStatus(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	t0 := clock.now()
	steps := []struct {
		in        HostStatus
		wantSince time.Time
		wantSnap  string
		wantSeen  time.Time
	}{
		{HostStatus{Host: "web1", State: "ok", Since: t0, LastSeen: t0, ProbedAt: t0, Snapshot: []byte(`{"a":1}`), Source: "ssh"}, t0, `{"a":1}`, t0},
		{HostStatus{Host: "web1", State: "ok", Since: t0.Add(time.Minute), LastSeen: t0.Add(time.Minute), ProbedAt: t0.Add(time.Minute), Snapshot: []byte(`{"a":2}`)}, t0, `{"a":2}`, t0.Add(time.Minute)},
		{HostStatus{Host: "web1", State: "unreachable", Why: "unreachable since", Since: t0.Add(2 * time.Minute), ProbedAt: t0.Add(2 * time.Minute)}, t0.Add(2 * time.Minute), `{"a":2}`, t0.Add(time.Minute)},
	}
	var seq int64
	for i, s := range steps {
		got, err := db.UpsertHostStatus(ctx, s.in)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if !got.Since.Equal(s.wantSince) || string(got.Snapshot) != s.wantSnap || !got.LastSeen.Equal(s.wantSeen) || got.State != s.in.State {
			t.Errorf("step %d: got since %v snap %s seen %v state %s", i, got.Since, got.Snapshot, got.LastSeen, got.State)
		}
		if got.Seq <= seq {
			t.Errorf("step %d: seq %d did not move past %d", i, got.Seq, seq)
		}
		seq = got.Seq
	}
	if _, ok, err := db.GetHostStatus(ctx, "nope"); ok || err != nil {
		t.Errorf("unknown host: ok %v err %v", ok, err)
	}
	all, err := db.ListHostStatus(ctx)
	if err != nil || len(all) != 1 || all[0].Host != "web1" {
		t.Fatalf("list: %+v %v", all, err)
	}
}

// Samples keep NaN as not measured and come back oldest first; pruning
// drops what is older than the history and over the cap, per host.
func TestHostSamplesAndPrune(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	t0 := time.UnixMilli(1_800_000_000_000)
	for i := range 10 {
		for _, h := range []string{"a", "b"} {
			s := HostSample{Host: h, At: t0.Add(time.Duration(i) * time.Minute), OK: i%3 != 0, Load1: float64(i), CPU: math.NaN(), Mem: 50, Disk: 10}
			if err := db.AppendHostSample(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := db.HostSamplesSince(ctx, "a", t0.Add(5*time.Minute))
	if err != nil || len(got) != 5 {
		t.Fatalf("since: %d samples, %v", len(got), err)
	}
	if got[0].Load1 != 5 || !math.IsNaN(got[0].CPU) || got[0].Mem != 50 || !got[0].OK || got[1].OK || got[4].At.Before(got[0].At) {
		t.Errorf("sample read back wrong: %+v", got[0])
	}
	for _, tc := range []struct {
		name string
		p    HostPrune
		want int // left of host a
	}{
		{"older than the history", HostPrune{Before: t0.Add(3 * time.Minute)}, 7},
		{"over the cap", HostPrune{Keep: 4}, 4},
		{"nothing to do", HostPrune{Before: t0, Keep: 100}, 4},
	} {
		if _, err := db.PruneHostSamples(ctx, "a", tc.p); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		left, _ := db.HostSamplesSince(ctx, "a", time.Time{})
		if len(left) != tc.want {
			t.Errorf("%s: %d left, want %d", tc.name, len(left), tc.want)
		}
		if tc.p.Keep > 0 && len(left) > 0 && !left[len(left)-1].At.Equal(t0.Add(9*time.Minute)) {
			t.Errorf("%s: the newest sample went", tc.name)
		}
	}
	if b, _ := db.HostSamplesSince(ctx, "b", time.Time{}); len(b) != 10 {
		t.Errorf("pruning a pruned b too: %d left", len(b))
	}
}

// An alert fires once per (host, rule, subject) while firing, clears
// once, may fire again after, and every transition is one audit entry
// written with it.
func TestHostAlertTransitions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	audit := AuditEntry{Source: "daemon", ChosenBy: "monitor"}
	disk := HostAlert{Host: "web1", Rule: "disk", Subject: "/", Message: "disk / at 93% (threshold 90%)", Value: 93, Threshold: 90}
	steps := []struct {
		name    string
		do      func() (bool, error)
		want    bool
		entries int // audit entries after
		firing  int
	}{
		{"fire", func() (bool, error) { _, ok, err := db.FireHostAlert(ctx, disk, audit); return ok, err }, true, 1, 1},
		{"fire again", func() (bool, error) { _, ok, err := db.FireHostAlert(ctx, disk, audit); return ok, err }, false, 1, 1},
		{"another subject", func() (bool, error) {
			a := disk
			a.Subject = "/srv"
			_, ok, err := db.FireHostAlert(ctx, a, audit)
			return ok, err
		}, true, 2, 2},
		{"resolve", func() (bool, error) {
			_, ok, err := db.ResolveHostAlert(ctx, "web1", HostAlertKey{Rule: "disk", Subject: "/", Message: "disk / at 80%"}, audit)
			return ok, err
		}, true, 3, 1},
		{"resolve again", func() (bool, error) {
			_, ok, err := db.ResolveHostAlert(ctx, "web1", HostAlertKey{Rule: "disk", Subject: "/"}, audit)
			return ok, err
		}, false, 3, 1},
		{"fire after clearing", func() (bool, error) { _, ok, err := db.FireHostAlert(ctx, disk, audit); return ok, err }, true, 4, 2},
	}
	for _, s := range steps {
		ok, err := s.do()
		if err != nil || ok != s.want {
			t.Fatalf("%s: ok %v err %v, want %v", s.name, ok, err, s.want)
		}
		entries, err := db.RecentAudit(ctx, 10)
		if err != nil || len(entries) != s.entries {
			t.Fatalf("%s: %d audit entries (%v), want %d", s.name, len(entries), err, s.entries)
		}
		firing, _ := db.ListHostAlerts(ctx, HostAlertFilter{Host: "web1", Firing: true})
		if len(firing) != s.firing {
			t.Errorf("%s: %d firing, want %d", s.name, len(firing), s.firing)
		}
	}
	entries, _ := db.RecentAudit(ctx, 4)
	if e := entries[0]; e.Skill != "hosts" || e.Source != "daemon" || !strings.Contains(e.Action, "firing") || !strings.Contains(e.Action, "disk /") {
		t.Errorf("audit entry: %+v", e)
	}
	// Each names the host once and says what; a firing is no success.
	// Newest first: fire after clearing, resolve, another subject, fire.
	for i, want := range []struct {
		input   string
		success bool
	}{
		{"alert on web1: disk / at 93% (threshold 90%)", false},
		{"cleared on web1: disk / at 80%", true},
		{"alert on web1: disk / at 93% (threshold 90%)", false},
		{"alert on web1: disk / at 93% (threshold 90%)", false},
	} {
		e := entries[i]
		if e.Input != want.input || e.Success != want.success || strings.Contains(e.Action, e.Input) {
			t.Errorf("entry %d: input %q success %v action %q, want %q %v", i, e.Input, e.Success, e.Action, want.input, want.success)
		}
	}
	all, _ := db.ListHostAlerts(ctx, HostAlertFilter{})
	if len(all) != 3 || all[0].ID < all[1].ID || all[1].ResolvedAt.IsZero() == all[2].ResolvedAt.IsZero() {
		t.Errorf("all alerts, newest first: %+v", all)
	}
	counts, err := db.FiringHostAlerts(ctx)
	if err != nil || counts["web1"] != 2 {
		t.Errorf("firing counts %v %v", counts, err)
	}
	// Resolved alerts older than the line go; firing ones stay.
	if _, err := db.PruneHostSamples(ctx, "web1", HostPrune{AlertsBefore: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	left, _ := db.ListHostAlerts(ctx, HostAlertFilter{})
	if len(left) != 2 || !left[0].ResolvedAt.IsZero() || !left[1].ResolvedAt.IsZero() {
		t.Errorf("after pruning resolved alerts: %+v", left)
	}
	if report, err := db.VerifyAudit(ctx); err != nil || !report.OK() {
		t.Errorf("audit chain: %+v %v", report, err)
	}
}

// A probe's status, sample and transitions commit together, and move
// the change marks' hosts counter only.
func TestRecordHostProbeMovesHostMarks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	p, err := db.OpenChangeProbe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	m0, _ := p.Marks(ctx)
	now := time.UnixMilli(1_800_000_000_000)
	r, err := db.RecordHostProbe(ctx, HostProbe{
		Status: HostStatus{Host: "web1", State: "alert", ProbedAt: now, LastSeen: now},
		Sample: &HostSample{At: now, OK: true, Load1: 1, CPU: 2, Mem: 3, Disk: 93},
		Fire:   []HostAlert{{Rule: "disk", Subject: "/", Message: "disk / at 93%", Value: 93, Threshold: 90}},
		Prune:  HostPrune{Keep: 10},
	})
	if err != nil || len(r.Fired) != 1 || r.Status.State != "alert" || r.Fired[0].Host != "web1" {
		t.Fatalf("record: %+v %v", r, err)
	}
	m1, _ := p.Marks(ctx)
	if m1.Hosts == m0.Hosts || m1.Schedules != m0.Schedules {
		t.Errorf("marks %+v -> %+v", m0.Hosts, m1.Hosts)
	}
	if _, _, err := db.AcquireLease(ctx, HostsLease, "me", "daemon", time.Minute, nil, nil); err != nil {
		t.Fatal(err)
	}
	m2, _ := p.Marks(ctx)
	if m2.Hosts == m1.Hosts || m2.Schedules != m1.Schedules {
		t.Errorf("the hosts lease: marks %+v -> %+v, schedules %v -> %v", m1.Hosts, m2.Hosts, m1.Schedules, m2.Schedules)
	}
	s, _ := db.HostSamplesSince(ctx, "web1", time.Time{})
	if len(s) != 1 || s[0].Disk != 93 {
		t.Errorf("sample: %+v", s)
	}
}

package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
)

type fakeFleetView struct {
	list   []fleet.HostStatus
	role   string
	probed []string
	keysAt time.Time // when the known keys last changed
}

func (f *fakeFleetView) List(context.Context) ([]fleet.HostStatus, error) { return f.list, nil }
func (f *fakeFleetView) Poller(context.Context) (string, bool, error)     { return f.role, false, nil }
func (f *fakeFleetView) KeysChangedSince(t time.Time) bool                { return f.keysAt.After(t) }
func (f *fakeFleetView) ProbeNow(_ context.Context, name string) (fleet.HostStatus, error) {
	f.probed = append(f.probed, name)
	if name == "down" {
		return fleet.HostStatus{}, errors.New("connection refused")
	}
	return fleet.HostStatus{Name: name, State: fleet.StateOK, Why: "fresh"}, nil
}

func TestHostsReaderFreshness(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	st := func(name string, state fleet.State, age time.Duration) fleet.HostStatus {
		return fleet.HostStatus{Name: name, State: state, HasSnapshot: true, ProbedAt: now.Add(-age), LastSeen: now.Add(-age)}
	}
	down := func(age time.Duration) fleet.HostStatus {
		return fleet.HostStatus{Name: "a", State: fleet.StateUnreachable, ProbedAt: now.Add(-age)}
	}
	cases := []struct {
		name   string
		role   string
		host   fleet.HostStatus
		probed bool
		// keysAgo: the known keys changed that long ago (0: never).
		keysAgo time.Duration
	}{
		{"fresh, poller runs", "daemon", st("a", fleet.StateOK, 30*time.Second), false, 0},
		{"older than two intervals", "daemon", st("a", fleet.StateOK, 61*time.Second), true, 0},
		{"no poller, probed just now", "", st("a", fleet.StateOK, time.Second), false, 0},
		{"no poller, old probe", "", st("a", fleet.StateOK, 61*time.Second), true, 0},
		{"never probed", "daemon", fleet.HostStatus{Name: "a", State: fleet.StateNew}, true, 0},
		// The poller just tried and failed: no snapshot, no probe now.
		{"unreachable, never answered, poller tried", "daemon", down(10 * time.Second), false, 0},
		{"unreachable, poller backing off", "daemon", down(100 * time.Second), false, 0},
		{"unreachable, poller overdue", "daemon", down(3 * time.Minute), true, 0},
		{"unreachable, no poller, old probe", "", down(61 * time.Second), true, 0},
		{"untrusted waits for a person", "", st("a", fleet.StateUntrusted, time.Hour), false, 0},
		{"refused waits for a person", "", st("a", fleet.StateRefused, time.Hour), false, 0},
		{"untrusted, a key trusted since", "", st("a", fleet.StateUntrusted, time.Hour), true, 10 * time.Minute},
		{"refused, the old key removed since", "daemon", st("a", fleet.StateRefused, time.Hour), true, time.Minute},
		{"untrusted, keys changed before the probe", "", st("a", fleet.StateUntrusted, time.Minute), false, time.Hour},
		{"denied is tried again: a key may have been given", "daemon", st("a", fleet.StateDenied, time.Second), true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeFleetView{list: []fleet.HostStatus{tc.host}, role: tc.role}
			if tc.keysAgo > 0 {
				f.keysAt = now.Add(-tc.keysAgo)
			}
			r := hostsReader{fleet: func(context.Context) (fleetView, error) { return f, nil },
				interval: func(string) time.Duration { return 30 * time.Second }, timeout: time.Second,
				now: func() time.Time { return now }}
			got, err := r.HostHealth(context.Background(), []string{"a"})
			if err != nil {
				t.Fatal(err)
			}
			if (len(f.probed) == 1) != tc.probed || (tc.probed && got[0].Why != "fresh") {
				t.Fatalf("probed %v, got %+v", f.probed, got)
			}
		})
	}
	// A probe that fails keeps what the store had, saying why.
	f := &fakeFleetView{list: []fleet.HostStatus{st("down", fleet.StateOK, time.Hour)}}
	r := hostsReader{fleet: func(context.Context) (fleetView, error) { return f, nil },
		interval: func(string) time.Duration { return time.Minute }, timeout: time.Second, now: func() time.Time { return now }}
	got, err := r.HostHealth(context.Background(), []string{"down"})
	if err != nil || got[0].State != fleet.StateOK || got[0].Why != "; a probe now failed: connection refused" && got[0].Why != "a probe now failed: connection refused" {
		t.Fatalf("%+v %v", got, err)
	}
	names, _ := r.HostNames(context.Background())
	if !slices.Equal(names, []string{"down"}) {
		t.Errorf("names %v", names)
	}
}

func TestHostsReaderUnitActive(t *testing.T) {
	dir := t.TempDir()
	writeFake(t, dir, "systemctl", `case "$3" in nginx.service) echo active ;; *) echo inactive; exit 3 ;; esac`)
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	r := hostsReader{transport: func(string) (hosts.Transport, error) { return hosts.Local{}, nil }, timeout: 5 * time.Second}
	for unit, want := range map[string]string{"nginx.service": "active", "redis.service": "inactive"} {
		got, err := r.UnitActive(context.Background(), "local", unit)
		if err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", unit, got, err, want)
		}
	}
}

// writeFake writes an executable shell script name into dir.
func writeFake(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

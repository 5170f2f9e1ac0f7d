package skills

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
)

type fakeFleet struct {
	names  []string
	status map[string]fleet.HostStatus
	units  map[string]string // host/unit → is-active answer
	asked  []string          // units asked, as host/unit
}

func (f *fakeFleet) HostNames(context.Context) ([]string, error) { return f.names, nil }

func (f *fakeFleet) HostHealth(_ context.Context, names []string) ([]fleet.HostStatus, error) {
	var out []fleet.HostStatus
	for _, n := range names {
		out = append(out, f.status[n])
	}
	return out, nil
}

func (f *fakeFleet) UnitActive(_ context.Context, host, unit string) (string, error) {
	f.asked = append(f.asked, host+"/"+unit)
	if s, ok := f.units[host+"/"+unit]; ok {
		return s, nil
	}
	return "", errors.New("dial tcp: connection refused")
}

func healthy(name string, seen time.Time) fleet.HostStatus {
	return fleet.HostStatus{
		Name: name, State: fleet.StateOK, LastSeen: seen, HasSnapshot: true,
		Load1: 0.5, CPUPercent: 12, MemPercent: 50, DiskPercent: 93, Alerts: 1,
		Snapshot: probe.Snapshot{
			Uptime: probe.Field[time.Duration]{Value: 76 * time.Hour, OK: true},
			Load:   probe.Field[probe.Load]{Value: probe.Load{One: 0.5, Five: 0.4, Fifteen: 0.3}, OK: true},
			Cores:  probe.Field[int]{Value: 4, OK: true},
			Memory: probe.Field[probe.Memory]{Value: probe.Memory{Total: 8 << 30, Available: 4 << 30}, OK: true},
			Disks: probe.Field[[]probe.Disk]{OK: true, Value: []probe.Disk{
				{Mount: "/", Size: 100 << 30, Used: 93 << 30, Avail: 7 << 30},
				{Mount: "/srv\x1b[2J", Size: 10 << 30, Used: 1 << 30, Avail: 9 << 30},
			}},
			FailedUnits: probe.Field[[]string]{OK: true, Value: []string{"nginx.service"}},
			GPUs: probe.Field[[]probe.GPU]{OK: true, Value: []probe.GPU{{Name: "RTX\x1b]0;x\x07 4090",
				Temp: probe.Field[float64]{Value: 71, OK: true}}}},
		},
	}
}

func TestHostsSkill(t *testing.T) {
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	f := &fakeFleet{
		names: []string{"local", "web1", "web2"},
		status: map[string]fleet.HostStatus{
			"local": {Name: "local", State: fleet.StateOK, HasSnapshot: true, Load1: math.NaN(), CPUPercent: math.NaN(),
				MemPercent: math.NaN(), DiskPercent: math.NaN(), Snapshot: probe.Snapshot{FailedUnits: probe.Field[[]string]{OK: true}}},
			"web1": healthy("web1", now.Add(-3*time.Minute)),
			"web2": {Name: "web2", State: fleet.StateUnreachable, Why: "connection refused"},
		},
		units: map[string]string{"web2/nginx.service": "inactive", "local/nginx.service": "active\n"},
	}
	s := HostsSkill{Fleet: f, Now: func() time.Time { return now }}
	in := func(action string, args ...string) Intent {
		m := map[string]string{}
		for i := 0; i+1 < len(args); i += 2 {
			m[args[i]] = args[i+1]
		}
		return Intent{Skill: Hosts, Action: action, Args: m}
	}
	cases := []struct {
		name    string
		in      Intent
		ok      bool
		miss    bool
		want    []string
		notWant []string
	}{
		{"disk", in("disk", "host", "web1"), true, false,
			[]string{"web1 (as of 3 minutes ago):", "/      93% of 100 GiB, 7.0 GiB free", "/srv   10% of 10.0 GiB"}, []string{"\x1b"}},
		{"memory", in("memory", "host", "web1"), true, false, []string{"memory 50% used (4.0 GiB of 8.0 GiB, 4.0 GiB available); no swap"}, nil},
		{"load all", in("load", "all", "1"), true, false,
			[]string{"web1 (as of 3 minutes ago): load 0.50 0.40 0.30 on 4 cores; CPU 12% busy", "web2: unreachable (connection refused)", "local: load not measured"}, nil},
		{"uptime", in("uptime", "host", "web1"), true, false, []string{"up 3 days 4 hours"}, nil},
		{"failed all", in("failed", "all", "1"), true, false, []string{"web1 (as of 3 minutes ago): nginx.service failed", "web2: unreachable"}, []string{"local"}},
		{"failed none", in("failed", "host", "local"), true, false, []string{"local: no failed units"}, nil},
		{"gpu", in("gpu", "all", "1"), true, false, []string{"web1 (as of 3 minutes ago): RTX 4090, 71 °C"}, []string{"\x07", "local"}},
		{"status", in("status", "host", "web1"), true, false, []string{"web1: ok; load 0.50, CPU 12%, memory 50%, disk 93%; 1 alert firing"}, nil},
		{"unknown host", in("disk", "host", "web9"), false, false, []string{"no host named web9; hosts: local, web1, web2"}, nil},
		{"unknown host, weak", in("disk", "host", "photos", "weak", "1"), false, true, []string{"no host named photos"}, nil},
		{"hostile name", in("disk", "host", "web\x1b[31m9"), false, false, []string{"no host named web9;"}, []string{"\x1b"}},
		{"service inactive", in("service", "host", "web2", "unit", "nginx"), true, false, []string{"nginx.service is not running on web2 (inactive)"}, nil},
		{"service active", in("service", "host", "local", "unit", "nginx"), true, false, []string{"nginx.service is running on local"}, nil},
		{"service bad unit", in("service", "host", "local", "unit", "a;b"), false, false, []string{"not a unit name"}, nil},
		{"service error", in("service", "host", "web1", "unit", "nginx"), false, false, []string{"web1: could not ask whether nginx.service runs: dial tcp"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Run(context.Background(), tc.in)
			text := r.Output + r.Error
			if r.Success != tc.ok || r.Miss != tc.miss {
				t.Fatalf("success %v miss %v, want %v %v: %q", r.Success, r.Miss, tc.ok, tc.miss, text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("answer %q lacks %q", text, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("answer %q holds %q", text, w)
				}
			}
		})
	}
	if len(f.asked) == 0 || f.asked[0] != "web2/nginx.service" {
		t.Errorf("units asked %v", f.asked)
	}
}

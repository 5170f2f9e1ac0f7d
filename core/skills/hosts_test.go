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
		{"gpu", in("gpu", "all", "1"), true, false, []string{"web1 (as of 3 minutes ago): RTX 4090, 71 °C\nno GPU on local; web2 unreachable"}, []string{"\x07"}},
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

// A host whose last probe did not answer says so first, and what it last
// said only as that, with its time; a question nothing current answers
// fails, one some host answers does not.
func TestHostsSkillDownHosts(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 0, 0, 0, time.Local)
	seen := time.Date(2026, 1, 2, 14, 58, 0, 0, time.Local)
	down := func(name string, state fleet.State, why string, snapshot bool) fleet.HostStatus {
		st := fleet.HostStatus{Name: name, State: state, Why: why}
		if snapshot {
			h := healthy(name, seen)
			h.Snapshot.Memory.Value.Available = h.Snapshot.Memory.Value.Total * 97 / 100
			st.Snapshot, st.HasSnapshot, st.LastSeen = h.Snapshot, true, seen
			st.Load1, st.CPUPercent, st.MemPercent, st.DiskPercent = h.Load1, h.CPUPercent, 3, h.DiskPercent
		}
		return st
	}
	f := &fakeFleet{
		names: []string{"local", "web1", "web2", "web3", "web4", "hang", "dead"},
		status: map[string]fleet.HostStatus{
			"local": healthy("local", now),
			"web1":  healthy("web1", now),
			"web2":  down("web2", fleet.StateUnreachable, "unreachable since 14:58: connection refused; next try 15:03:12", true),
			"web3":  down("web3", fleet.StateUntrusted, "host key not trusted yet (ssh-ed25519 SHA256:abc)", false),
			"web4":  down("web4", fleet.StateDenied, "login refused: log in to web4:22 as ops: no key was accepted", true),
			"hang":  down("hang", fleet.StateUnreachable, "unreachable since 14:50: i/o timeout", false),
			"dead":  down("dead", fleet.StateUnreachable, "unreachable since 14:40: no route to host", false),
		},
	}
	for _, n := range []string{"local", "web1"} {
		st := f.status[n]
		st.Snapshot.GPUs = probe.Field[[]probe.GPU]{OK: true}
		f.status[n] = st
	}
	s := HostsSkill{Fleet: f, Now: func() time.Time { return now }}
	cases := []struct {
		name    string
		in      Intent
		ok      bool
		want    []string
		notWant []string
	}{
		{"memory on an unreachable host", Intent{Action: "memory", Args: map[string]string{"host": "web2"}}, false,
			[]string{"web2: unreachable since 14:58 (connection refused; next try 15:03:12); last known at 14:58: memory 3% used", "nothing current from web2 (unreachable)"},
			[]string{"as of"}},
		{"status of an unreachable host", Intent{Action: "status", Args: map[string]string{"host": "web2"}}, false,
			[]string{"web2: unreachable since 14:58 (connection refused; next try 15:03:12); last known at 14:58: load 0.50, CPU 12%, memory 3%, disk 93%"},
			[]string{"alert", "ok"}},
		{"memory on an untrusted host", Intent{Action: "memory", Args: map[string]string{"host": "web3"}}, false,
			[]string{"web3: untrusted: host key not trusted yet (ssh-ed25519 SHA256:abc); check its key and trust it first with macroa hosts trust web3"},
			[]string{"memory"}},
		{"disk on a host that refused the login", Intent{Action: "disk", Args: map[string]string{"host": "web4"}}, false,
			[]string{"web4: denied: login refused: log in to web4:22 as ops: no key was accepted; give it a key it accepts first", "; last known at 14:58:\n  /  "},
			nil},
		{"uptime of all hosts", Intent{Action: "uptime", Args: map[string]string{"all": "1"}}, true,
			[]string{"local: up 3 days 4 hours", "web2: unreachable since 14:58 (connection refused; next try 15:03:12); last known at 14:58: up 3 days 4 hours", "hang: unreachable since 14:50 (i/o timeout)\n"},
			[]string{"as of"}},
		{"gpu of all hosts", Intent{Action: "gpu", Args: map[string]string{"all": "1"}}, true,
			[]string{"web2: unreachable since 14:58 (connection refused; next try 15:03:12); last known at 14:58: RTX 4090, 71 °C", "web3: untrusted", "no GPU on local, web1; hang, dead unreachable"},
			[]string{"\x07"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Run(context.Background(), tc.in)
			text := r.Output + "\n" + r.Error
			if r.Success != tc.ok {
				t.Fatalf("success %v, want %v: %q", r.Success, tc.ok, text)
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
}

package app

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/prom"
	"github.com/macroa/macroa/hosts/prom/promtest"
)

// promApp is a cockpit App whose config.toml has a [[prometheus]] source
// "lab" and a host "node1" read through the same server, with extra
// settings appended.
func promApp(t *testing.T, srv *promtest.Server, extra string) *App {
	t.Helper()
	dir := t.TempDir()
	toml := fmt.Sprintf(`[[prometheus]]
name = "lab"
url = %q
interval = "1s"

[[hosts]]
name = "node1"
address = "127.0.0.1"
prometheus = %q
instance = %q

[monitor]
interval = "1s"
timeout = "5s"

[alerts]
consecutive = 1
load_per_core = 1000
%s`, srv.URL, srv.URL, srv.Instance, extra)
	a := configApp(t, dir, toml)
	a.SetRole(fleet.RoleCockpit)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// A real node_exporter scraped by a real Prometheus, named in config.toml
// twice: as a target of [[prometheus]] "lab" and as the host node1 with
// its own prometheus URL. Both are listed with their numbers, calm under
// the default thresholds, and the same rules fire on them (a disk
// threshold of 1%).
func TestPrometheusHostsEndToEnd(t *testing.T) {
	srv := promtest.Start(t, promtest.Options{})
	target := prom.HostPart(srv.Instance) // 127.0.0.1
	ctx := context.Background()
	cases := []struct {
		name  string
		extra string
		want  fleet.State
	}{
		{"default thresholds", "", fleet.StateOK},
		{"disk over 1%", "disk_percent = 1\n", fleet.StateAlert},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := promApp(t, srv, c.extra)
			find := func() map[string]fleet.HostStatus {
				list, err := a.HostsList(ctx)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]fleet.HostStatus{}
				for _, h := range list {
					out[h.Name] = h
				}
				return out
			}
			var hosts map[string]fleet.HostStatus
			eventually(t, "both read through Prometheus", func() bool {
				hosts = find()
				return hosts[target].HasSnapshot && hosts["node1"].HasSnapshot
			})
			for _, name := range []string{target, "node1"} {
				h := hosts[name]
				if h.Source != fleet.SourcePrometheus || h.State != c.want {
					t.Errorf("%s: %s from %s (%s), want %s from prometheus", name, h.State, h.Source, h.Why, c.want)
				}
				if math.IsNaN(h.Load1) || math.IsNaN(h.MemPercent) || math.IsNaN(h.DiskPercent) || !h.Snapshot.Kernel.OK {
					t.Errorf("%s: load %v, memory %v%%, disk %v%%, kernel %+v: want them measured",
						name, h.Load1, h.MemPercent, h.DiskPercent, h.Snapshot.Kernel)
				}
			}
			if g := hosts[target].Groups; len(g) != 1 || g[0] != "lab" {
				t.Errorf("%s in groups %v, want lab", target, g)
			}
			if c.want != fleet.StateAlert {
				return
			}
			alerts, err := a.HostAlerts(ctx, target, false, 10)
			if err != nil || len(alerts) == 0 || alerts[0].Rule != fleet.RuleDisk {
				t.Errorf("alerts of %s: %+v, %v; want the disk rule firing", target, alerts, err)
			}
		})
	}
}

package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/prom/promtest"
)

// A [[prometheus]] source's targets become hosts of its group, read from
// the server, with the same states and history; a source whose server
// does not answer is one unreachable host under its own name.
func TestPrometheusSourceHosts(t *testing.T) {
	srv := promtest.Start(t, promtest.Options{})
	dir := t.TempDir()
	toml := fmt.Sprintf("[[prometheus]]\nname = \"dc1\"\nurl = %q\ninterval = \"1s\"\n\n[[prometheus]]\nname = \"gone\"\nurl = \"http://user:secret@127.0.0.1:1\"\n\n"+
		"[[hosts]]\nname = \"db2\"\naddress = \"127.0.0.1\"\nprometheus = %q\ninstance = %q\n\n[monitor]\ninterval = \"1s\"\ntimeout = \"30s\"\n",
		srv.URL, srv.URL, srv.Instance)
	a := configApp(t, dir, toml)
	a.SetRole(fleet.RoleCockpit)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	find := func(name string) (fleet.HostStatus, bool) {
		list, err := a.HostsList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range list {
			if h.Name == name {
				return h, true
			}
		}
		return fleet.HostStatus{}, false
	}
	eventually(t, "the target polled through Prometheus", func() bool {
		h, ok := find("127.0.0.1")
		return ok && h.HasSnapshot
	})
	h, _ := find("127.0.0.1")
	if h.Source != fleet.SourcePrometheus || len(h.Groups) != 1 || h.Groups[0] != "dc1" || !h.Snapshot.Load.OK || h.State == fleet.StateUnreachable {
		t.Errorf("target: %s %q source %s groups %v", h.State, h.Why, h.Source, h.Groups)
	}
	eventually(t, "the [[hosts]] entry read from Prometheus", func() bool {
		h, ok := find("db2")
		return ok && h.HasSnapshot && h.Source == fleet.SourcePrometheus
	})
	if _, ok := find("dc1"); ok {
		t.Error("a listed source still shows as a host of its own")
	}
	eventually(t, "the source that does not answer", func() bool {
		g, ok := find("gone")
		return ok && g.State == fleet.StateUnreachable
	})
	g, _ := find("gone")
	if strings.Contains(g.Why, "secret") || strings.Contains(g.Address, "secret") {
		t.Errorf("credentials shown: %q %q", g.Why, g.Address)
	}
}

func TestTargetName(t *testing.T) {
	taken := map[string]bool{"local": true, "web1": true}
	for _, c := range []struct{ instance, want string }{
		{"10.0.0.7:9100", "10.0.0.7"},
		{"10.0.0.7:9200", "10.0.0.7-9200"},
		{"10.0.0.7:9200", "10.0.0.7-9200-2"},
		{"web1:9100", "web1-9100"},
		{"\x1b[31mEvil\x1b[0m:9100", "31mevil-0m-9100"},
		{"[::1]:9100", "1"},
	} {
		got := targetName(c.instance, taken)
		taken[got] = true
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.instance, got, c.want)
		}
	}
}

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/macroa/macroa/core/fleet"
)

// fakeProm is a Prometheus API listing one node_exporter target, or
// refusing every query while down is set.
func fakeProm(t *testing.T, down *atomic.Bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"unavailable","error":"starting"}`))
			return
		}
		_ = r.ParseForm()
		res := []any{}
		if strings.HasPrefix(r.Form.Get("query"), "up") {
			res = append(res, map[string]any{"metric": map[string]string{"__name__": "up", "instance": "10.9.9.9:9100", "job": "node"},
				"value": []any{float64(time.Now().Unix()), "1"}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": res}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// promSourceApp is an App over dir whose config.toml has the source dc1
// at url, alerting at the first probe over.
func promSourceApp(t *testing.T, dir, url string) *App {
	t.Helper()
	toml := fmt.Sprintf("[[prometheus]]\nname = \"dc1\"\nurl = %q\ninterval = \"1s\"\n\n[monitor]\ninterval = \"1s\"\ntimeout = \"5s\"\n\n[alerts]\nconsecutive = 1\n", url)
	a := configApp(t, dir, toml)
	return a
}

func hostNames(t *testing.T, a *App) map[string]fleet.HostStatus {
	t.Helper()
	list, err := a.HostsList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]fleet.HostStatus{}
	for _, h := range list {
		out[h.Name] = h
	}
	return out
}

// Every process knows a source's targets from its first look at the
// hosts, not only the one that polls: a command names them at once, and
// the source that answered is no host of its own.
func TestPrometheusTargetsKnownOnFirstUse(t *testing.T) {
	var down atomic.Bool
	srv := fakeProm(t, &down)
	dir := t.TempDir()
	for i := range 2 { // two processes, one after the other
		a := promSourceApp(t, dir, srv.URL)
		hosts := hostNames(t, a)
		if _, ok := hosts["10.9.9.9"]; !ok {
			t.Fatalf("process %d: the source's target is no host: %v", i, hosts)
		}
		if _, ok := hosts["dc1"]; ok {
			t.Errorf("process %d: a source that answered is a host of its own", i)
		}
		// The fake has no series of it: read, and found missing.
		st, err := a.ProbeHost(context.Background(), "10.9.9.9")
		if err != nil || !strings.Contains(st.Why, "no recent series") {
			t.Errorf("process %d: the target: %s %q, %v", i, st.State, st.Why, err)
		}
	}
}

// A source that did not answer is one unreachable host under its own
// name, alerting; once it answers, that host is gone, its alert clears,
// and it is never recorded unreachable for having answered.
func TestPrometheusSourceThatComesBack(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	srv := fakeProm(t, &down)
	a := promSourceApp(t, t.TempDir(), srv.URL)
	a.SetRole(fleet.RoleCockpit)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the source that does not answer alerting", func() bool {
		h, ok := hostNames(t, a)["dc1"]
		alerts, err := a.HostAlerts(ctx, "dc1", false, 10)
		return ok && h.State == fleet.StateAlert || ok && h.State == fleet.StateUnreachable && err == nil && len(alerts) == 1
	})
	down.Store(false)
	eventually(t, "the target listed and the source's own entry gone", func() bool {
		hosts := hostNames(t, a)
		_, source := hosts["dc1"]
		_, target := hosts["10.9.9.9"]
		return target && !source
	})
	eventually(t, "the source's alert cleared", func() bool {
		alerts, err := a.HostAlerts(ctx, "dc1", false, 10)
		return err == nil && len(alerts) == 0
	})
	all, err := a.HostAlerts(ctx, "dc1", true, 10)
	if err != nil || len(all) != 1 || all[0].Rule != fleet.RuleUnreachable || all[0].Firing() {
		t.Fatalf("the source's alerts: %+v, %v; want the one unreachable alert, resolved", all, err)
	}
	if strings.Contains(all[0].Message, "answered") {
		t.Errorf("an alert says the source answered: %q", all[0].Message)
	}
}

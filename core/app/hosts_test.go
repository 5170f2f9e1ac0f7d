package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/sshdtest"
	"github.com/macroa/macroa/notify"
	"github.com/macroa/macroa/store"
)

// hostsApp is an App whose config.toml lists web1, the sshd of the test.
func hostsApp(t *testing.T, srv *sshdtest.Server) *App {
	t.Helper()
	dir := t.TempDir()
	toml := fmt.Sprintf("[[hosts]]\nname = \"web1\"\naddress = \"127.0.0.1\"\nport = %d\nuser = %q\nidentity_file = %q\n\n[monitor]\ninterval = \"1s\"\ntimeout = \"30s\"\n",
		srv.Port, srv.User, srv.ClientKeyFile)
	a := configApp(t, dir, toml)
	return a
}

// configApp is a real App over the data dir dir, whose config.toml is
// written first; it shuts down when the test ends.
func configApp(t *testing.T, dir, toml string) *App {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return a
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A cockpit polls this machine and web1; web1's unknown key leaves it
// untrusted until a person checks its fingerprint and trusts it; Shutdown
// releases the hosts lease.
func TestHostsPolledAndTrusted(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{})
	a := hostsApp(t, srv)
	ctx := context.Background()
	a.SetRole(fleet.RoleCockpit)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	state := func(name string) fleet.HostStatus {
		list, err := a.HostsList(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "local" {
			t.Fatalf("list: %+v %v", list, err)
		}
		for _, h := range list {
			if h.Name == name {
				return h
			}
		}
		return fleet.HostStatus{}
	}
	eventually(t, "both hosts probed", func() bool {
		return state("local").HasSnapshot && state("web1").State == fleet.StateUntrusted
	})
	web1 := state("web1")
	h, err := a.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	key, err := h.ScanKey(ctx, "web1")
	if err != nil || key.Known || key.Changed || key.Fingerprint != web1.Fingerprint {
		t.Fatalf("scan: %+v %v (status says %s)", key, err, web1.Fingerprint)
	}
	if err := h.Trust(ctx, "web1", "SHA256:not-what-it-shows"); !errors.Is(err, ErrKeyNotChecked) {
		t.Fatalf("trust of another fingerprint: %v", err)
	}
	if err := h.Trust(ctx, "web1", key.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if key, err := h.ScanKey(ctx, "web1"); err != nil || !key.Known {
		t.Fatalf("after trust: %+v %v", key, err)
	}
	st, err := a.ProbeHost(ctx, "web1")
	if err != nil || st.State == fleet.StateUntrusted || st.State == fleet.StateUnreachable || !st.HasSnapshot {
		t.Fatalf("probe after trust: %s %q %v", st.State, st.Why, err)
	}
	if hist, err := a.HostHistory(ctx, "web1", time.Time{}); err != nil || len(hist) < 2 {
		t.Errorf("history: %d %v", len(hist), err)
	}
	if _, err := a.HostAlerts(ctx, "", true, 10); err != nil {
		t.Error(err)
	}
	if !h.Holding() {
		t.Error("the cockpit does not hold the hosts lease")
	}
	db, _ := a.store(ctx)
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	_ = db // closed: read the lease from a fresh handle
	other, err := store.Open(ctx, filepath.Join(filepath.Dir(a.cfg.FilePath), "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, ok, err := other.GetLease(ctx, store.HostsLease); ok || err != nil {
		t.Errorf("the lease outlived Shutdown (%v)", err)
	}
}

// A CLI process reads and probes, never polls.
func TestHostsWithoutRoleDoNotPoll(t *testing.T) {
	a, _ := newApp(t)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := a.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	if h.Holding() {
		t.Fatal("a process without a role polls")
	}
	list, err := a.HostsList(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "local" || list[0].State != fleet.StateNew {
		t.Fatalf("list %+v %v", list, err)
	}
}

func TestHostMessage(t *testing.T) {
	for _, c := range []struct {
		e        events.Event
		ok       bool
		priority notify.Priority
		title    string
	}{
		{events.HostAlert{Host: "web1", Rule: "disk", Subject: "/", Message: "disk / at 93% (threshold 90%)", Firing: true}, true, notify.High, "Alert on web1: disk / at 93%"},
		{events.HostAlert{Host: "web1", Rule: "disk", Subject: "/", Message: "disk / at 93% (threshold 90%)"}, true, notify.Default, "Resolved on web1"},
		{events.HostProbed{Host: "web1", State: "ok"}, false, 0, ""},
	} {
		m, ok := messageOf(c.e)
		if ok != c.ok || (ok && (m.Priority != c.priority || !strings.HasPrefix(m.Title, c.title) || !strings.Contains(m.Body, "host: web1"))) {
			t.Errorf("%+v: %+v %v", c.e, m, ok)
		}
	}
}

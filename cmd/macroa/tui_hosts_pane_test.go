package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/store"
	hostspane "github.com/macroa/macroa/ui/tui/panes/hosts"
)

// TestHostsPaneService: the hosts pane's service over the real core
// lists this machine, says nobody polls until a cockpit starts polling
// (then this one), and hands a shell command to the approval queue as
// the person's.
func TestHostsPaneService(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	ctx := context.Background()
	a.SetRole(fleet.RoleCockpit) // as the cockpit does, before the service is built
	svc := newHostsPane(a)
	if svc == nil {
		t.Fatal("no service")
	}
	hs, err := svc.List(ctx)
	if err != nil || len(hs) != 1 || hs[0].Source != fleet.SourceLocal {
		t.Fatalf("List = %+v, %v; want this machine", hs, err)
	}
	if pl, err := svc.Polling(ctx); err != nil || pl != (hostspane.Polling{}) {
		t.Fatalf("Polling before any poller = %+v, %v", pl, err)
	}
	e, err := svc.RunShell(ctx, hs[0].Name, "echo hi")
	if err != nil || e.Kind != "command.run" || e.Host != "" || e.Proposer != "person" || e.State != store.ApprovalPending {
		t.Fatalf("RunShell = %+v, %v", e, err)
	}

	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		pl, err := svc.Polling(ctx)
		if err == nil && pl.Self && pl.By == fleet.RoleCockpit {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Polling after Start = %+v, %v; want this cockpit", pl, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHostsPaneKnownAt: the changed key's warning names the file and
// line of the key known for the address; an address no file knows has
// none.
func TestHostsPaneKnownAt(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(cfg.Home, "known_hosts")
	body := "# known hosts\n" + knownhosts.Line([]string{"127.0.0.1:2201"}, key) + "\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := newHostsPane(a).(hostsPane)
	for _, tc := range []struct {
		address string
		want    []string
	}{
		{"127.0.0.1:2201", []string{file + ":2"}},
		{"127.0.0.1:2202", nil},
	} {
		if got := svc.KnownAt(tc.address); !slices.Equal(got, tc.want) {
			t.Errorf("KnownAt(%s) = %q, want %q", tc.address, got, tc.want)
		}
	}
}

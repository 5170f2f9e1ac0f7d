package main

import (
	"context"
	"os"
	"testing"
	"time"

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

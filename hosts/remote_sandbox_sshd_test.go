package hosts

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts/sshdtest"
)

// TestRemoteSandboxOverSSH: the probe over a real sshd reads a host
// without a running systemd (this container) as offering nothing, and the
// answer is kept for the transport's life: a systemctl that says
// "running" afterwards changes nothing until a new transport asks.
func TestRemoteSandboxOverSSH(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{})
	bin := filepath.Join(srv.Dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// bash reads ~/.bashrc for a command sent over SSH.
	if err := os.WriteFile(filepath.Join(srv.Home, ".bashrc"), []byte(fmt.Sprintf("export PATH=%s:$PATH\n", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Whatever is installed here, the fake decides: a systemd-run, and
	// a systemctl that says no manager runs.
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(bin, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("systemd-run", "#!/bin/sh\necho 'systemd 252 (252-fake)'\n")
	write("systemctl", "#!/bin/sh\necho offline\nexit 1\n")
	keys := knownHostsFor(t, srv)
	h := sshdHost(t, srv, keys)
	h.Sudo = config.SudoAsk
	ctx, cancel := context.WithTimeout(context.Background(), sshdTimeout)
	defer cancel()
	s, err := ProbeSandbox(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	if s.Run != filepath.Join(bin, "systemd-run") {
		t.Skipf("the sshd sessions do not read ~/.bashrc, so their PATH cannot be set: %+v", s)
	}
	if s.Offered() || !strings.Contains(s.Why, "no running systemd manager") || s.Home != srv.Home || s.Systemd != 252 {
		t.Fatalf("got %+v, want nothing offered for want of a running manager", s)
	}
	write("systemctl", "#!/bin/sh\necho running\n")
	if again, err := h.Sandbox(ctx); err != nil || again != s {
		t.Errorf("asked again: %+v, %v; want the kept %+v", again, err, s)
	}
	fresh := sshdHost(t, srv, keys)
	if now, err := fresh.Sandbox(ctx); err != nil || !now.Offered() || now.Manager != SandboxSystem {
		t.Errorf("a new transport: %+v, %v; want the system manager", now, err)
	}
}

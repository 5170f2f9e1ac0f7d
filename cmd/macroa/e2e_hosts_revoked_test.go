package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// TestHostsRevokedKeyRefused: a host presenting a key ~/.ssh/known_hosts
// marks @revoked is refused, saying the key is revoked and where, not
// unreachable and retried.
func TestHostsRevokedKeyRefused(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{})
	s := newSandbox(t)
	file := filepath.Join(s.home, ".ssh", "known_hosts")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	line := "@revoked * " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(srv.HostKey))) + "\n"
	if err := os.WriteFile(file, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	expect(t, s.macroa("hosts", "add", "web1", "--address", "127.0.0.1", "--port", strconv.Itoa(srv.Port),
		"--user", srv.User, "--identity-file", srv.ClientKeyFile), 0, "")
	r := s.macroa("hosts", "status", "web1", "--probe")
	if r.code != 1 || !strings.Contains(r.stdout, "refused") || !strings.Contains(r.stdout, "REVOKED") ||
		!strings.Contains(r.stdout, file+":1") || strings.Contains(r.stdout, "unreachable") {
		t.Errorf("status of a host whose key is revoked: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// No remedy of a changed key: removing a line and trusting the key
	// again would not help.
	if strings.Contains(r.stdout, "ssh-keygen -R") || !strings.Contains(r.stdout, "never trusted") {
		t.Errorf("a revoked key's remedy:\n%s", r.stdout)
	}
}

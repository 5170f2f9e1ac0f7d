package sshdtest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/hosts/sshdtest"
)

func transport(t *testing.T, s *sshdtest.Server) *hosts.SSHHost {
	t.Helper()
	own := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(own, []byte(s.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := &hosts.SSHHost{Label: "sshd", Address: s.Addr, User: s.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeys(s.ClientSigner)},
		Keys: hosts.HostKeys{Own: own}, DialTimeout: 5 * time.Second}
	t.Cleanup(func() { h.Close() })
	return h
}

// Commands run through the real sshd in the user's login shell.
func TestServerRunsCommands(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := transport(t, s)
	ctx := context.Background()
	tests := []struct {
		name string
		argv []string
		want string
	}{
		{"true", []string{"true"}, ""},
		{"home", []string{"sh", "-c", `printf '%s' "$HOME"`}, s.Home},
	}
	for _, tc := range tests {
		out, err := h.Run(ctx, hosts.Command{Argv: tc.argv}, 10*time.Second)
		if err != nil || out.ExitCode != 0 || out.Stdout != tc.want {
			t.Fatalf("%s: %+v, %v", tc.name, out, err)
		}
	}
	if fi, err := os.Stat(s.ClientKeyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("client key file: %v, %v", fi, err)
	}
}

// Restart keeps the port and the key; RotateHostKey keeps the port only.
func TestServerRestartAndRotate(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{MaxSessions: 2})
	port, key := s.Port, string(s.HostKey.Marshal())
	s.Restart()
	if s.Port != port || string(s.HostKey.Marshal()) != key {
		t.Fatal("Restart changed the port or the key")
	}
	h := transport(t, s)
	if out, err := h.Run(context.Background(), hosts.Command{Argv: []string{"true"}}, 10*time.Second); err != nil || out.ExitCode != 0 {
		t.Fatalf("after Restart: %+v, %v", out, err)
	}
	h.Close()
	s.RotateHostKey()
	if s.Port != port || string(s.HostKey.Marshal()) == key {
		t.Fatal("RotateHostKey kept the key or moved the port")
	}
	if _, err := h.Run(context.Background(), hosts.Command{Argv: []string{"true"}}, 10*time.Second); err == nil {
		t.Fatal("a rotated host key was accepted")
	}
}

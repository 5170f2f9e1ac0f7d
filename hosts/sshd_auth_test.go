package hosts

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// startAgent runs a real ssh-agent on a socket of its own, holding the
// given private key, and returns the socket.
func startAgent(t *testing.T, keyFile string) string {
	t.Helper()
	bin, err := exec.LookPath("ssh-agent")
	if err != nil {
		t.Skip("ssh-agent not installed: apt-get install openssh-client")
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	cmd := exec.Command(bin, "-D", "-a", sock)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var conn net.Conn
	deadline := time.Now().Add(10 * time.Second)
	for conn == nil {
		if conn, err = net.Dial("unix", sock); err != nil {
			if time.Now().After(deadline) {
				t.Fatalf("ssh-agent did not listen: %v", err)
			}
			time.Sleep(10 * time.Millisecond) // polling for the socket, within the deadline
		}
	}
	defer conn.Close()
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ssh.ParseRawPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := agent.NewClient(conn).Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	return sock
}

// Logins use the agent's keys, the configured key files, or the default
// ones; an encrypted file with no agent is named when nothing logs in.
func TestSSHDAuth(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	keys := knownHostsFor(t, s)
	sock := startAgent(t, s.ClientKeyFile)

	raw, err := os.ReadFile(s.ClientKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ssh.ParseRawPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	keyDir := t.TempDir()
	encrypted := filepath.Join(keyDir, "id_encrypted")
	writeKey(t, encrypted, pem.EncodeToMemory(block))
	homeWithDefault := t.TempDir()
	writeKey(t, filepath.Join(homeWithDefault, ".ssh", "id_ed25519"), raw)
	emptyHome := t.TempDir()

	tests := []struct {
		name    string
		files   []string
		env     []string
		failing string // in the error; "" logs in
	}{
		{"agent", nil, []string{"SSH_AUTH_SOCK=" + sock, "HOME=" + emptyHome}, ""},
		{"encrypted file held by the agent", []string{encrypted}, []string{"SSH_AUTH_SOCK=" + sock, "HOME=" + emptyHome}, ""},
		{"key file", []string{s.ClientKeyFile}, []string{"HOME=" + emptyHome}, ""},
		{"default key file", nil, []string{"HOME=" + homeWithDefault}, ""},
		{"encrypted file, no agent", []string{encrypted}, []string{"HOME=" + emptyHome}, encrypted + " is encrypted"},
		{"nothing at all", nil, []string{"HOME=" + emptyHome}, "no ssh-agent and no key file"},
		{"missing file", []string{filepath.Join(keyDir, "absent")}, []string{"HOME=" + emptyHome}, "absent: no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			host := hostOf("web1", s)
			host.IdentityFiles = tc.files
			p := NewPool(PoolOptions{Keys: keys, Env: tc.env})
			t.Cleanup(func() { p.Close() })
			tr, _ := p.Transport(host)
			out, err := tr.Run(context.Background(), Command{Argv: []string{"echo", "in"}}, sshdTimeout)
			if tc.failing == "" {
				if err != nil || out.Stdout != "in\n" {
					t.Fatalf("login: %+v, %v", out, err)
				}
				return
			}
			var ae *AuthError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.failing) {
				t.Fatalf("got %v, want an AuthError saying %q", err, tc.failing)
			}
			if _, down := tr.(*SSHHost).Unreachable(); down {
				t.Fatal("a refused login marked the host unreachable")
			}
		})
	}
}

func writeKey(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

package hosts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// A host presenting a key marked @revoked is refused like a changed key:
// typed, naming the file and line, every time, with no backoff.
func TestSSHDRevokedHostKey(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	dir := t.TempDir()
	file := filepath.Join(dir, "known_hosts")
	line := "@revoked * " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.HostKey)))
	// The key is also trusted by address: the revocation wins.
	if err := os.WriteFile(file, []byte(s.KnownHostsLine()+"\n"+line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := NewPool(PoolOptions{Keys: HostKeys{Files: []string{file}, Own: filepath.Join(dir, "own")}, Env: []string{}})
	t.Cleanup(func() { p.Close() })
	tr, err := p.Transport(hostOf("web1", s))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := tr.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
		var revoked *HostKeyRevokedError
		if !errors.As(err, &revoked) || revoked.Fingerprint != ssh.FingerprintSHA256(s.HostKey) || revoked.Name != "web1" {
			t.Fatalf("a revoked key: %v", err)
		}
		for _, want := range []string{"REVOKED", file + ":2", "web1"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the error does not say %q: %v", want, err)
			}
		}
		if errors.As(err, new(*UnreachableError)) {
			t.Fatalf("a revoked key was taken for a host down: %v", err)
		}
	}
	if _, down := tr.(*SSHHost).Unreachable(); down {
		t.Fatal("a revoked key marked the host unreachable (retried after a backoff)")
	}
	keys := HostKeys{Files: []string{file}}
	if at, ok := keys.RevokedAt(ssh.FingerprintSHA256(s.HostKey)); !ok || at != (KnownKey{File: file, Line: 2}) {
		t.Errorf("RevokedAt: %v %v, want %s:2", at, ok, file)
	}
	if at, ok := keys.RevokedAt("SHA256:other"); ok {
		t.Errorf("another key revoked at %v", at)
	}
}

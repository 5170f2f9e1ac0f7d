package hosts

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// An unknown host is refused with its fingerprint, every time and with
// no backoff, until a person trusts it; then it works.
func TestSSHDUnknownHostThenTrust(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	keys := HostKeys{Files: []string{filepath.Join(t.TempDir(), "absent")}, Own: filepath.Join(t.TempDir(), "known_hosts")}
	p := NewPool(PoolOptions{Keys: keys, Env: []string{}})
	t.Cleanup(func() { p.Close() })
	host := hostOf("web1", s)
	tr, err := p.Transport(host)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := tr.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
		var unknown *UnknownHostError
		if !errors.As(err, &unknown) || unknown.Fingerprint != ssh.FingerprintSHA256(s.HostKey) ||
			!strings.Contains(err.Error(), "macroa hosts trust web1") {
			t.Fatalf("unknown host: %v", err)
		}
		if errors.As(err, new(*UnreachableError)) {
			t.Fatalf("an unknown key was taken for a host down: %v", err)
		}
	}
	if _, down := tr.(*SSHHost).Unreachable(); down {
		t.Fatal("an unknown key marked the host unreachable")
	}
	key, err := p.ScanKey(context.Background(), host)
	if err != nil || ssh.FingerprintSHA256(key) != ssh.FingerprintSHA256(s.HostKey) {
		t.Fatalf("ScanKey: %v, %v", key, err)
	}
	if err := keys.Trust(s.Addr, key); err != nil {
		t.Fatal(err)
	}
	out, err := tr.Run(context.Background(), Command{Argv: []string{"echo", "ok"}}, sshdTimeout)
	if err != nil || out.Stdout != "ok\n" {
		t.Fatalf("after trust: %+v, %v", out, err)
	}
}

// A host whose key changed is refused, every time, and no known_hosts
// file is touched.
func TestSSHDRotatedHostKey(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	personal := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(personal, []byte("# the person's file\n"+s.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := HostKeys{Files: []string{personal}, Own: filepath.Join(t.TempDir(), "macroa_known_hosts")}
	if err := os.WriteFile(keys.Own, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := sshdHost(t, s, keys)
	if out, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout); err != nil || out.ExitCode != 0 {
		t.Fatalf("before the change: %+v, %v", out, err)
	}
	before := [][]byte{read(t, personal), read(t, keys.Own)}
	h.Close()
	s.RotateHostKey()
	for range 2 {
		_, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
		var changed *HostKeyChangedError
		if !errors.As(err, &changed) || changed.Fingerprint != ssh.FingerprintSHA256(s.HostKey) {
			t.Fatalf("changed key: %v", err)
		}
		// Where the old key is, and the commands to paste when the
		// change is expected.
		want := "The old key is at " + personal + ":2. If the change is expected, remove it: ssh-keygen -R '" +
			knownhosts.Normalize(s.Addr) + "' -f " + personal + ", then: macroa hosts trust web1"
		if changed.Remedy() != want || !strings.Contains(err.Error(), want) {
			t.Fatalf("remedy %q\nerror %v\nwant %q", changed.Remedy(), err, want)
		}
	}
	if at, err := keys.KnownAt(s.Addr); err != nil || len(at) != 1 || at[0] != (KnownKey{File: personal, Line: 2}) {
		t.Fatalf("KnownAt = %v, %v", at, err)
	}
	if err := keys.Trust(s.Addr, s.HostKey); !errors.As(err, new(*HostKeyChangedError)) {
		t.Fatalf("Trust of the changed key: %v", err)
	}
	if _, down := h.Unreachable(); down {
		t.Fatal("a changed key marked the host unreachable")
	}
	for i, f := range []string{personal, keys.Own} {
		if !bytes.Equal(read(t, f), before[i]) {
			t.Fatalf("%s was changed", f)
		}
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

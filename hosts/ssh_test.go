package hosts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func sshHost(t *testing.T, s *testServer, keys HostKeys) *SSHHost {
	h := &SSHHost{Label: "web1", Address: s.addr, User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(s.client)},
		Keys: keys, DialTimeout: 5 * time.Second}
	t.Cleanup(func() { h.Close() })
	return h
}

func echoCmd() Command { return Command{Argv: []string{"echo", "ok"}} }

// An unknown host is refused until a person trusts its key; then it works.
func TestSSHUnknownHostThenTrusted(t *testing.T) {
	s := startServer(t, newSigner(t), false)
	keys := HostKeys{Files: []string{filepath.Join(t.TempDir(), "absent")}, Own: filepath.Join(t.TempDir(), "known_hosts")}
	h := sshHost(t, s, keys)
	ctx := context.Background()
	_, err := h.Run(ctx, echoCmd(), 5*time.Second)
	var unknown *UnknownHostError
	if !errors.As(err, &unknown) || unknown.Fingerprint != ssh.FingerprintSHA256(s.hostKey.PublicKey()) {
		t.Fatalf("first contact: %v", err)
	}
	key, err := h.ScanKey(ctx)
	if err != nil || ssh.FingerprintSHA256(key) != unknown.Fingerprint {
		t.Fatalf("ScanKey: %v, %v", key, err)
	}
	if err := keys.Trust(s.addr, key); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keys.Own); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("own known_hosts: %v, %v", fi, err)
	}
	out, err := h.Run(ctx, echoCmd(), 5*time.Second)
	if err != nil || out.Stdout != "ok\n" || out.ExitCode != 0 {
		t.Fatalf("after trust: %+v, %v", out, err)
	}
}

// A changed key is refused loudly, Trust will not record it, and the file
// holding the old key is left as it was.
func TestSSHChangedKeyRefused(t *testing.T) {
	old, now := newSigner(t), newSigner(t)
	s := startServer(t, now, false)
	own := filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(s.addr)}, old.PublicKey()) + "\n"
	if err := os.WriteFile(own, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := HostKeys{Own: own}
	h := sshHost(t, s, keys)
	_, err := h.Run(context.Background(), echoCmd(), 5*time.Second)
	var changed *HostKeyChangedError
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), "CHANGED") {
		t.Fatalf("changed key: %v", err)
	}
	if err := keys.Trust(s.addr, now.PublicKey()); !errors.As(err, &changed) {
		t.Fatalf("Trust of a changed key: %v", err)
	}
	if b, _ := os.ReadFile(own); string(b) != line {
		t.Fatalf("known_hosts was changed:\n%s", b)
	}
}

// Arguments reach the remote program exactly as given: nothing is split,
// expanded or run by the remote shell.
func TestSSHHostileQuoting(t *testing.T) {
	s := startServer(t, newSigner(t), false)
	keys := HostKeys{Own: filepath.Join(t.TempDir(), "known_hosts")}
	if err := keys.Trust(s.addr, s.hostKey.PublicKey()); err != nil {
		t.Fatal(err)
	}
	h := sshHost(t, s, keys)
	canary := filepath.Join(t.TempDir(), "canary")
	args := []string{"a'b", `"double"`, "$(touch " + canary + ")", "`touch " + canary + "`", "new\nline", "*", "; touch " + canary, "$HOME", "back\\slash", ""}
	cmd := Command{Argv: append([]string{"printf", "[%s]\n"}, args...)}
	out, err := h.Run(context.Background(), cmd, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, a := range args {
		want.WriteString("[" + a + "]\n")
	}
	if out.Stdout != want.String() {
		t.Fatalf("stdout = %q, want %q", out.Stdout, want.String())
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the remote shell ran an argument")
	}
	if _, err := RemoteLine(Command{Argv: []string{"echo", "nul\x00byte"}}); err == nil {
		t.Fatal("a NUL byte was accepted")
	}
	code, err := h.Run(context.Background(), Command{Argv: []string{"sh", "-c", "exit 3"}}, 5*time.Second)
	if err != nil || code.ExitCode != 3 {
		t.Fatalf("exit code: %+v, %v", code, err)
	}
}

// A host that stops answering mid-command costs the timeout, never a
// hang; the connection is dropped and the next command dials again.
func TestSSHServerStopsAnswering(t *testing.T) {
	s := startServer(t, newSigner(t), true)
	keys := HostKeys{Own: filepath.Join(t.TempDir(), "known_hosts")}
	if err := keys.Trust(s.addr, s.hostKey.PublicKey()); err != nil {
		t.Fatal(err)
	}
	h := sshHost(t, s, keys)
	start := time.Now()
	out, err := h.Run(context.Background(), echoCmd(), 300*time.Millisecond)
	if err != nil || !out.TimedOut || out.ExitCode != ExitCodeTimeout {
		t.Fatalf("hung command: %+v, %v", out, err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the timeout took %v", took)
	}
	// A dead address is an error within the dial timeout.
	dead := &SSHHost{Label: "gone", Address: "127.0.0.1:1", User: "root", Keys: keys, DialTimeout: time.Second}
	if _, err := dead.Run(context.Background(), echoCmd(), time.Second); err == nil {
		t.Fatal("a closed port answered")
	}
}

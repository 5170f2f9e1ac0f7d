package hosts

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSSHConfigHostileIncludes: a hostile ~/.ssh/config must neither hang
// Macroa nor echo the content of a file it includes (a password hash, a
// token) into an error that reaches a terminal or a log.
func TestSSHConfigHostileIncludes(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "shadow")
	if err := os.WriteFile(secret, []byte("root:$6$salt$SECRETHASHVALUE:20228:0:99999:7:::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() {
		// Unblock a reader left waiting on the FIFO, so no goroutine is stuck.
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	})
	tests := []struct {
		name, include, mustNotSay string
	}{
		{"a secret file's line is not echoed", secret, "SECRETHASHVALUE"},
		{"a FIFO does not hang the load", fifo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "config")
			text := "Include " + tt.include + "\nHost web1\n  HostName 127.0.0.1\n"
			if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := LoadSSHConfig(cfg)
				done <- err
			}()
			select {
			case err := <-done:
				if tt.mustNotSay != "" && err != nil && strings.Contains(err.Error(), tt.mustNotSay) {
					t.Errorf("the error shows the included file's content: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("LoadSSHConfig with Include %s did not return in 5s", tt.include)
			}
		})
	}
}

// TestSSHConfigNeverRuns: ProxyCommand, LocalCommand, KnownHostsCommand
// and Match exec are never run by reading the configuration or resolving
// an alias (Macroa dials itself; it runs nothing from ssh_config).
func TestSSHConfigNeverRuns(t *testing.T) {
	dir := t.TempDir()
	canary := filepath.Join(dir, "canary")
	cfg := filepath.Join(dir, "config")
	text := "Match exec \"touch " + canary + "-match\"\n  User root\n" +
		"Host web1\n  HostName 127.0.0.1\n  ProxyCommand touch " + canary + "-proxy\n" +
		"  PermitLocalCommand yes\n  LocalCommand touch " + canary + "-local\n" +
		"  KnownHostsCommand /usr/bin/touch " + canary + "-khc\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadSSHConfig(cfg)
	if err != nil {
		t.Fatalf("LoadSSHConfig: %v", err)
	}
	for _, key := range []string{"HostName", "User", "Port", "IdentityFile", "ProxyJump", "ProxyCommand", "LocalCommand"} {
		_ = c.Get("web1", key)
	}
	if got := c.Get("web1", "User"); got == "root" {
		t.Errorf("a Match exec block applied without being judged: User %q", got)
	}
	matches, _ := filepath.Glob(canary + "*")
	if len(matches) > 0 {
		t.Fatalf("something from ssh_config ran: %v", matches)
	}
}

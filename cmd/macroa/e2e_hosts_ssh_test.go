package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// TestHostsOverSSH drives the acceptance path against a real sshd on
// loopback: add a host, trust its key only once its fingerprint is
// checked, read its health and ask about it with no model call, run an
// argument list there, and refuse it loudly once its key changed.
func TestHostsOverSSH(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{})
	s, models, env := modelSandbox(t)
	fp := ssh.FingerprintSHA256(srv.HostKey)
	known := filepath.Join(s.data, "known_hosts")

	expect(t, s.run("", env, "hosts", "add", "web1", "--address", "127.0.0.1", "--port", strconv.Itoa(srv.Port),
		"--user", srv.User, "--identity-file", srv.ClientKeyFile, "--tag", "prod"), 0, "macroa hosts trust web1")

	// Untrusted: nothing runs, and the state says what to do.
	r := s.run("", env, "hosts", "exec", "web1", "--", "true")
	if r.code == 0 || !strings.Contains(r.stderr, "not known") || !strings.Contains(r.stderr, "macroa hosts trust web1") {
		t.Fatalf("exec on an untrusted host: exit %d, %s", r.code, r.stderr)
	}

	r = s.run("", env, "hosts", "status", "web1", "--probe")
	if r.code != 1 || !strings.Contains(r.stdout, "untrusted") || !strings.Contains(r.stdout, fp) {
		t.Fatalf("status of an untrusted host: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Nothing current from an untrusted host is a failure, saying what to do.
	expect(t, s.run("", env, "run", "disk usage on web1"), 1, "macroa hosts trust web1")

	// Without a terminal, trust refuses unless the fingerprint is named.
	r = s.run("", env, "hosts", "trust", "web1")
	if r.code != 2 || !strings.Contains(r.stdout, fp) || !strings.Contains(r.stderr, "--fingerprint "+fp) {
		t.Fatalf("trust without a terminal: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = s.run("", env, "hosts", "trust", "web1", "--fingerprint", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if r.code != 1 || !strings.Contains(r.stderr, "not trusted") {
		t.Fatalf("trust with another fingerprint: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(known); err == nil {
		t.Fatal("known_hosts written before the fingerprint matched")
	}
	if _, err := exec.LookPath("tmux"); err == nil {
		// On a terminal it shows the key and asks: n trusts nothing, y does.
		ts := startInTerminalEnv(t, s, env, "hosts", "trust", "web1")
		ts.waitText("Trust this key? [y/N]")
		if scr := ts.screen(); !strings.Contains(scr, fp) || !strings.Contains(scr, "127.0.0.1:"+strconv.Itoa(srv.Port)) || !strings.Contains(scr, "ssh-ed25519") {
			t.Fatalf("the question does not show the key:\n%s", scr)
		}
		ts.typeLine("n")
		ts.waitText("exit 1")
		if _, err := os.Stat(known); err == nil {
			t.Fatal("known_hosts written after n")
		}
		ts = startInTerminalEnv(t, s, env, "hosts", "trust", "web1")
		ts.waitText("Trust this key? [y/N]")
		ts.typeLine("y")
		ts.waitText("exit 0")
		if !strings.Contains(ts.screen(), "Trusted the ssh-ed25519 key of web1: written to "+known) {
			t.Fatalf("answering y:\n%s", ts.screen())
		}
	} else {
		expect(t, s.run("", env, "hosts", "trust", "web1", "--fingerprint", fp), 0, "Trusted the ssh-ed25519 key of web1: written to "+known)
	}
	if b, err := os.ReadFile(known); err != nil || !strings.Contains(string(b), strings.TrimSpace(srv.KnownHostsLine())) {
		t.Fatalf("known_hosts %q %v, want %q", b, err, srv.KnownHostsLine())
	}
	expect(t, s.run("", env, "hosts", "trust", "web1", "--fingerprint", fp), 0, "trusted already")
	// A fingerprint that is not the key presented fails, trusted or not.
	wrong := "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	r = s.run("", env, "hosts", "trust", "web1", "--fingerprint", wrong)
	if r.code != 1 || !strings.Contains(r.stderr, fp) || !strings.Contains(r.stderr, wrong) {
		t.Fatalf("a trusted host with another fingerprint: exit %d, %s", r.code, r.stderr)
	}
	// Another name for the same address: its key is trusted already.
	r = s.run("", env, "hosts", "add", "web1b", "--address", "127.0.0.1", "--port", strconv.Itoa(srv.Port),
		"--user", srv.User, "--identity-file", srv.ClientKeyFile)
	if r.code != 0 || !strings.Contains(r.stdout, "trusted already ("+known+":1)") || strings.Contains(r.stdout, "macroa hosts trust") {
		t.Fatalf("add of a trusted address: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Several hosts by name; the limit of a command named when it is hit.
	r = s.run("", env, "hosts", "exec", "web1", "local", "web1b", "--", "echo", "hi")
	if r.code != 0 || !strings.Contains(r.stdout, "web1  | hi") || !strings.Contains(r.stdout, "local | hi") || !strings.Contains(r.stdout, "web1b | hi") {
		t.Fatalf("exec on several hosts: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = s.run("", env, "hosts", "exec", "web1", "--timeout", "1s", "--", "sleep", "30")
	if r.code != 255 || !strings.Contains(r.stderr, "did not finish in 1s") {
		t.Fatalf("exec over its time: exit %d\n%s", r.code, r.stderr)
	}

	// Each word reaches the remote program whole; nothing is read by a shell.
	canary := filepath.Join(t.TempDir(), "canary")
	r = s.run("", env, "hosts", "exec", "@prod", "--", "printf", "[%s]\\n", "a;b", "$(touch "+canary+")", "`touch "+canary+"`")
	if r.code != 0 || !strings.Contains(r.stdout, "web1 | [a;b]") || !strings.Contains(r.stdout, "web1 | [$(touch "+canary+")]") {
		t.Fatalf("exec: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = s.run("", env, "hosts", "exec", "web1", "--", "a;b", "$(touch "+canary+")")
	if r.code != 127 {
		t.Errorf("a program named a;b: exit %d, want 127: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the canary exists: an argument was run by the remote shell")
	}
	// What the host prints reaches the terminal cleaned.
	r = s.run("", env, "hosts", "exec", "web1", "--", "printf", "\\033]0;owned\\007\\033[31mred\\033[0m\\n")
	if r.code != 0 || strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") || !strings.Contains(r.stdout, "web1 | red") {
		t.Fatalf("escape sequences: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	// Health, from a probe now and from the store.
	expect(t, s.run("", env, "hosts", "status", "web1", "--probe"), 0, "memory")
	expect(t, s.run("", env, "run", "disk usage on web1"), 0, "web1")
	expect(t, s.run("", env, "run", "uptime of all hosts"), 0, "web1")

	if n := len(models.Requests()); n != 0 {
		t.Fatalf("%d model requests, want 0", n)
	}

	// A changed key is refused loudly, and known_hosts is left as it was.
	before, _ := os.ReadFile(known)
	srv.RotateHostKey()
	// Everywhere: where the old key is, and the commands to paste.
	remedy := "The old key is at " + known + ":1. If the change is expected, remove it: ssh-keygen -R '[127.0.0.1]:" +
		strconv.Itoa(srv.Port) + "' -f " + known + ", then: macroa hosts trust web1"
	r = s.run("", env, "hosts", "trust", "web1", "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, "CHANGED") || !strings.Contains(r.stderr, "nothing was overwritten") ||
		!strings.Contains(r.stderr, remedy) {
		t.Fatalf("trust after the key changed: exit %d, %s", r.code, r.stderr)
	}
	r = s.run("", env, "hosts", "status", "web1", "--probe")
	if r.code != 1 || !strings.Contains(r.stdout, "refused") || !strings.Contains(r.stdout, remedy) ||
		strings.Contains(r.stdout, "(check it, then") {
		t.Fatalf("status after the key changed: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = s.run("", env, "hosts", "status", "web1", "--json")
	var reports []statusReport
	if err := json.Unmarshal([]byte(r.stdout), &reports); err != nil || len(reports) != 1 || reports[0].Remedy != remedy {
		t.Fatalf("status --json after the key changed: %v\n%s", err, r.stdout)
	}
	r = s.run("", env, "hosts", "exec", "web1", "--", "true")
	if r.code == 0 || !strings.Contains(r.stderr, "CHANGED") || !strings.Contains(r.stderr, remedy) {
		t.Fatalf("exec after the key changed: exit %d, %s", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(known); string(after) != string(before) {
		t.Fatalf("known_hosts changed:\n%s\nwas\n%s", after, before)
	}
}

// startInTerminalEnv is startInTerminal with more environment.
func startInTerminalEnv(t *testing.T, s *sandbox, env []string, args ...string) *tmuxSession {
	t.Helper()
	withEnv := *s
	withEnv.env = append(append([]string(nil), s.env...), env...)
	return startInTerminal(t, &withEnv, args...)
}

package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// TestHostsJumpHostKeyNamed: behind a jump host whose key is not known,
// the host's status names the jump host to trust and shows no key as its
// own, and trusting the host says to trust the jump host first.
func TestHostsJumpHostKeyNamed(t *testing.T) {
	jump := sshdtest.Start(t, sshdtest.Options{})
	target := sshdtest.Start(t, sshdtest.Options{})
	s := newSandbox(t)
	expect(t, s.macroa("hosts", "add", "evil", "--address", "127.0.0.1", "--port", strconv.Itoa(jump.Port),
		"--user", jump.User, "--identity-file", jump.ClientKeyFile), 0, "")
	expect(t, s.macroa("hosts", "add", "j1", "--address", "127.0.0.1", "--port", strconv.Itoa(target.Port),
		"--user", target.User, "--identity-file", target.ClientKeyFile, "--proxy-jump", "evil"), 0, "")
	const want = "through evil: evil's key is not known: macroa hosts trust evil"
	r := s.macroa("hosts", "status", "j1", "--probe")
	if !strings.Contains(r.stdout, want) || strings.Contains(r.stdout, "macroa hosts trust j1") ||
		strings.Contains(r.stdout, "SHA256:") {
		t.Errorf("status behind an unknown jump host: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tr := s.macroa("hosts", "trust", "j1", "--yes")
	if tr.code == 0 || !strings.Contains(tr.stderr, "macroa hosts trust evil") {
		t.Errorf("trust behind an unknown jump host: exit %d\n%s%s", tr.code, tr.stdout, tr.stderr)
	}
	expect(t, s.macroa("hosts", "trust", "evil", "--yes"), 0, "Trusted")
	if r := s.macroa("hosts", "status", "j1", "--probe"); strings.Contains(r.stdout, "evil's key") {
		t.Errorf("still blamed on the jump host once trusted:\n%s", r.stdout)
	}
}

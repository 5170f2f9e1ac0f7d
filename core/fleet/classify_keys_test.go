package fleet

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts"
)

// A key error is the probed host's own only when it names that host: a
// jump host's unknown or changed key leaves the host behind it waiting
// with the jump host named and no fingerprint of its own; a revoked key
// is refused, saying so.
func TestClassifyKeyErrors(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	fp := ssh.FingerprintSHA256(key)
	unknown := func(name string) error {
		return &hosts.UnknownHostError{Host: "10.0.0.9:22", Name: name, Key: key, Fingerprint: fp}
	}
	changed := &hosts.HostKeyChangedError{Host: "10.0.0.9:22", Name: "evil", Key: key, Fingerprint: fp}
	cases := []struct {
		name  string
		err   error
		state State
		fp    string // the fingerprint recorded as j1's
		why   []string
		notIn string
	}{
		{"own unknown", fmt.Errorf("j1: %w", unknown("j1")), StateUntrusted, fp, []string{fp}, ""},
		{"jump unknown", fmt.Errorf("j1: %w", &hosts.JumpKeyError{Jump: "evil", Err: fmt.Errorf("evil: %w", unknown("evil"))}),
			StateUntrusted, "", []string{"through evil: evil's key is not known: macroa hosts trust evil"}, "trust j1"},
		{"jump changed", fmt.Errorf("j1: %w", &hosts.JumpKeyError{Jump: "evil", Err: changed}),
			StateRefused, "", []string{"through evil", "evil (10.0.0.9:22) CHANGED"}, "trust j1"},
		{"revoked", fmt.Errorf("j1: %w", &hosts.HostKeyRevokedError{Host: "10.0.0.9:22", Name: "j1", Key: key, Fingerprint: fp,
			At: hosts.KnownKey{File: "/home/u/.ssh/known_hosts", Line: 3}}),
			StateRefused, fp, []string{"REVOKED", "/home/u/.ssh/known_hosts:3"}, "unreachable"},
	}
	s := New(Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := result{entry: HostEntry{Name: "j1", Address: "10.0.0.9"}, err: c.err, sent: time.Now()}
			r.classify()
			state, why := s.decide(r, Outcome{}, time.Time{}, time.Time{})
			if state != c.state || r.fingerprint != c.fp {
				t.Errorf("%s with fingerprint %q (%s), want %s with %q", state, r.fingerprint, why, c.state, c.fp)
			}
			for _, w := range c.why {
				if !strings.Contains(why, w) {
					t.Errorf("why %q does not say %q", why, w)
				}
			}
			if c.notIn != "" && strings.Contains(why, c.notIn) {
				t.Errorf("why %q says %q", why, c.notIn)
			}
		})
	}
}

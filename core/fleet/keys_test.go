package fleet

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts"
)

func testKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// An unknown key makes the host untrusted, a changed one refused (with
// its alert at once) and a login no key got through denied (with the
// unreachable alert at once, "login refused"); the key states record the
// key presented, and the poller waits for a person instead of trying
// again.
func TestUntrustedAndRefused(t *testing.T) {
	key := testKey(t)
	fp := ssh.FingerprintSHA256(key)
	for _, c := range []struct {
		name   string
		err    error
		state  State
		alerts int
		rule   Rule
		why    string // in the status's Why
		key    bool   // the key presented is recorded
	}{
		{"unknown key", &hosts.UnknownHostError{Host: "10.0.0.5:22", Key: key, Fingerprint: fp}, StateUntrusted, 0, "", fp, true},
		{"changed key", &hosts.HostKeyChangedError{Host: "10.0.0.5:22", Key: key, Fingerprint: fp, Known: []string{"known_hosts:3"}}, StateRefused, 1, RuleHostKey, fp, true},
		{"login refused", &hosts.AuthError{Address: "10.0.0.5:22", User: "ops", Notes: []string{"~/.ssh/id_rsa: encrypted"}, Err: errors.New("ssh: unable to authenticate")},
			StateDenied, 1, RuleUnreachable, "login refused: log in to 10.0.0.5:22 as ops: no key was accepted; left out: ~/.ssh/id_rsa: encrypted", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			p := newScripted(fixture(t))
			p.set(nil, c.err)
			db := openStore(t, "")
			rec := &recorder{}
			o := testOptions(db, p, rec)
			quietLocal(&o, newScripted(fixture(t)))
			o.Hosts = func() []HostEntry { return []HostEntry{{Name: "web1", Prober: p, Interval: 10 * time.Millisecond}} }
			waits := make(chan time.Duration, 10)
			o.onWait = func(h string, d time.Duration) {
				if h == "web1" {
					waits <- d
				}
			}
			s := startService(t, o)
			if w := <-waits; w != 0 {
				t.Fatalf("first wait %v", w)
			}
			if w := <-waits; w != -1 {
				t.Fatalf("after the probe the poller waits %v, want -1 (for a person)", w)
			}
			st, err := s.Status(ctx, "web1")
			if err != nil || st.State != c.state || !strings.Contains(st.Why, c.why) {
				t.Fatalf("status: %s %q %v", st.State, st.Why, err)
			}
			if c.key && (st.Fingerprint != fp || st.KeyType != "ssh-ed25519") {
				t.Errorf("key recorded: %q %q", st.Fingerprint, st.KeyType)
			}
			if st.Alerts != c.alerts {
				t.Errorf("%d alerts, want %d", st.Alerts, c.alerts)
			}
			if c.alerts > 0 {
				ev := rec.alerts()
				if len(ev) != 1 || ev[0].Rule != string(c.rule) || !ev[0].Firing {
					t.Errorf("events %+v", ev)
				} else if c.state == StateDenied && !strings.HasPrefix(ev[0].Message, "login refused: ") {
					t.Errorf("alert %q does not say the login was refused", ev[0].Message)
				}
			}
			// A person trusted it: ProbeNow answers and the poller goes
			// back to its interval.
			p.set(nil, nil)
			st, err = s.ProbeNow(ctx, "web1")
			if err != nil || st.State != StateOK || st.Alerts != 0 {
				t.Fatalf("after trust: %s %q %d %v", st.State, st.Why, st.Alerts, err)
			}
			if w := <-waits; w != 10*time.Millisecond {
				t.Errorf("after trust the poller waits %v", w)
			}
		})
	}
}

// Errors that are not about keys are unreachable.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err  error
		want State
	}{
		{nil, ""},
		{errors.New("connect: no route to host"), StateUnreachable},
		{context.DeadlineExceeded, StateUnreachable},
		{&hosts.UnreachableError{Host: "web1", Err: errors.New("connection refused")}, StateUnreachable},
		{fmt.Errorf("dial web1: %w", &hosts.AuthError{Address: "web1:22", User: "ops"}), StateDenied},
		{&hosts.UnknownHostError{Host: "h", Key: testKey(t), Fingerprint: "SHA256:x"}, StateUntrusted},
		{errors.Join(errors.New("dial"), &hosts.HostKeyChangedError{Host: "h", Key: testKey(t), Fingerprint: "SHA256:y"}), StateRefused},
	} {
		r := result{err: c.err}
		r.classify()
		if r.state != c.want {
			t.Errorf("%v: %s, want %s", c.err, r.state, c.want)
		}
		if strings.Count(r.failure, "unreachable since") > 0 {
			t.Errorf("%v: the failure repeats since when: %q", c.err, r.failure)
		}
		if c.want == StateUnreachable && (strings.HasPrefix(r.failure, "web1") || strings.HasPrefix(r.failure, "unreachable")) {
			t.Errorf("%v: the failure repeats the host or the state: %q", c.err, r.failure)
		}
	}
}

// A person trusting the key in another process moves the key stamp: the
// waiting poller probes again at its next lease renewal.
func TestTrustElsewhereRetries(t *testing.T) {
	key := testKey(t)
	p := newScripted(fixture(t))
	p.set(nil, &hosts.UnknownHostError{Host: "10.0.0.5:22", Key: key, Fingerprint: ssh.FingerprintSHA256(key)})
	db := openStore(t, "")
	o := testOptions(db, p, nil)
	quietLocal(&o, newScripted(fixture(t)))
	var stamp atomic.Value
	stamp.Store("before")
	o.KeyStamp = func() string { return stamp.Load().(string) }
	s := startService(t, o)
	ctx := context.Background()
	waitFor(t, "untrusted", func() bool { st, _ := s.Status(ctx, "web1"); return st.State == StateUntrusted })
	p.set(nil, nil)
	stamp.Store("after")
	waitFor(t, "the host probed again", func() bool { st, _ := s.Status(ctx, "web1"); return st.State == StateOK })
	if n := p.calls.Load(); n != 2 {
		t.Errorf("%d probes, want 2", n)
	}
}

package hosts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// A host behind a jump host is reached through the jump host's own
// connection, and both hosts' keys are checked.
func TestSSHDProxyJump(t *testing.T) {
	jump := sshdtest.Start(t, sshdtest.Options{})
	target := sshdtest.Start(t, sshdtest.Options{})
	bastion := hostOf("bastion", jump)
	inner := hostOf("inner", target)
	inner.ProxyJump = "bastion"
	lookup := func(name string) (Host, bool) { return bastion, name == "bastion" }

	tests := []struct {
		name    string
		known   []*sshdtest.Server
		unknown *sshdtest.Server // whose key the error must name; nil: runs
	}{
		{"both known", []*sshdtest.Server{jump, target}, nil},
		{"jump host unknown", []*sshdtest.Server{target}, jump},
		{"target unknown", []*sshdtest.Server{jump}, target},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPool(PoolOptions{Keys: knownHostsFor(t, tc.known...), Env: []string{}, Lookup: lookup})
			t.Cleanup(func() { p.Close() })
			tr, err := p.Transport(inner)
			if err != nil {
				t.Fatal(err)
			}
			out, err := tr.Run(context.Background(), Command{Argv: []string{"echo", "inside"}}, sshdTimeout)
			if tc.unknown != nil {
				var unknown *UnknownHostError
				if !errors.As(err, &unknown) || unknown.Fingerprint != ssh.FingerprintSHA256(tc.unknown.HostKey) {
					t.Fatalf("want the unknown key of %s: %v", tc.unknown.Addr, err)
				}
				return
			}
			if err != nil || out.Stdout != "inside\n" {
				t.Fatalf("through the jump host: %+v, %v", out, err)
			}
			j, _ := p.SSH(bastion)
			j.mu.Lock()
			up := j.cur != nil
			j.mu.Unlock()
			if tr.(*SSHHost).Jump != j || !up {
				t.Fatal("the command did not go through the jump host's connection")
			}
		})
	}
}

// A jump host going down makes the host behind it unreachable, said
// once; both come back after their backoff.
func TestSSHDProxyJumpHostDown(t *testing.T) {
	jump := sshdtest.Start(t, sshdtest.Options{})
	target := sshdtest.Start(t, sshdtest.Options{})
	bastion := hostOf("bastion", jump)
	inner := hostOf("inner", target)
	inner.ProxyJump = "bastion"
	p := NewPool(PoolOptions{Keys: knownHostsFor(t, jump, target), Env: []string{}, Keepalive: -1,
		Lookup: func(name string) (Host, bool) { return bastion, name == "bastion" }})
	t.Cleanup(func() { p.Close() })
	tr, _ := p.Transport(inner)
	run := func() error {
		_, err := tr.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
		return err
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}
	jump.Stop()
	var ue *UnreachableError
	err := run()
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "through bastion: connect to "+jump.Addr+": connection refused") ||
		strings.Count(err.Error(), "unreachable since") != 1 {
		t.Fatalf("with the jump host down: %v", err)
	}
	jump.Restart()
	deadline := time.Now().Add(sshdTimeout)
	for {
		err := run()
		if err == nil {
			break
		}
		if !errors.As(err, &ue) || time.Now().After(deadline) {
			t.Fatalf("after the jump host came back: %v", err)
		}
		time.Sleep(time.Until(ue.RetryAt)) // the backoff, as the error says
	}
}

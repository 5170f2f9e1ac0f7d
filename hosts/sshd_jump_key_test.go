package hosts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// A jump host whose key is unknown or changed is named as the host whose
// key to check, never the host behind it: the error says which, and
// trusting the host behind it is not what it asks.
func TestSSHDProxyJumpKeyNamesTheJumpHost(t *testing.T) {
	jump := sshdtest.Start(t, sshdtest.Options{})
	target := sshdtest.Start(t, sshdtest.Options{})
	bastion := hostOf("bastion", jump)
	inner := hostOf("inner", target)
	inner.ProxyJump = "bastion"
	lookup := func(name string) (Host, bool) { return bastion, name == "bastion" }
	cases := []struct {
		name   string
		rotate bool // the jump host's key changed since it was trusted
		want   string
	}{
		{"unknown", false, "through bastion: bastion's key is not known: macroa hosts trust bastion"},
		{"changed", true, "through bastion: WARNING: the host key of bastion (" + jump.Addr + ") CHANGED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			known := []*sshdtest.Server{target}
			if c.rotate {
				known = append(known, jump)
			}
			keys := knownHostsFor(t, known...)
			if c.rotate {
				jump.RotateHostKey()
			}
			p := NewPool(PoolOptions{Keys: keys, Env: []string{}, Lookup: lookup})
			t.Cleanup(func() { p.Close() })
			tr, err := p.Transport(inner)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tr.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
			var jk *JumpKeyError
			if !errors.As(err, &jk) || jk.Jump != "bastion" || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q: %v", c.want, err)
			}
			if strings.Contains(err.Error(), "trust inner") {
				t.Errorf("asks to trust the host behind the jump host: %v", err)
			}
			if _, down := tr.(*SSHHost).Unreachable(); down {
				t.Error("a jump host's key marked the host behind it unreachable")
			}
			_, err = p.ScanKey(context.Background(), inner)
			if !errors.As(err, &jk) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("scanning the key of the host behind: want %q: %v", c.want, err)
			}
		})
	}
}

package hosts

import (
	"strings"
	"sync"
	"testing"

	"github.com/macroa/macroa/config"
)

func TestPoolKeepsAndRebuilds(t *testing.T) {
	inventory := map[string]Host{
		"bastion": {Name: "bastion", HostName: "192.0.2.1", Port: 22, User: "ops", Origin: OriginConfig},
		"inner":   {Name: "inner", HostName: "192.0.2.2", Port: 22, User: "ops", ProxyJump: "bastion", Origin: OriginConfig},
		"loop1":   {Name: "loop1", HostName: "192.0.2.3", Port: 22, User: "ops", ProxyJump: "loop2", Origin: OriginConfig},
		"loop2":   {Name: "loop2", HostName: "192.0.2.4", Port: 22, User: "ops", ProxyJump: "loop1", Origin: OriginConfig},
	}
	p := NewPool(PoolOptions{Env: []string{}, Lookup: func(n string) (Host, bool) { h, ok := inventory[n]; return h, ok }})
	t.Cleanup(func() { p.Close() })

	local, err := p.Transport(LocalHost(config.SudoAsk))
	if l, ok := local.(Local); err != nil || !ok || l.Sudo != config.SudoAsk || local.Name() != LocalName {
		t.Fatalf("local: %#v, %v", local, err)
	}

	web := Host{Name: "web1", HostName: "192.0.2.10", Port: 22, User: "deploy", Sudo: config.SudoAsk, Origin: OriginConfig}
	a, _ := p.SSH(web)
	b, _ := p.SSH(web)
	if a != b || a.Name() != "web1" || a.Address != "192.0.2.10:22" || a.Sudo != config.SudoAsk {
		t.Fatalf("the same host twice: %p %p %+v", a, b, a)
	}
	web.Port = 2222
	c, _ := p.SSH(web)
	if c == a || c.Address != "192.0.2.10:2222" {
		t.Fatalf("a changed port kept the old transport: %+v", c)
	}

	// An inventory jump host and a chain given as a list.
	inner, err := p.SSH(inventory["inner"])
	if err != nil || inner.Jump == nil || inner.Jump.Label != "bastion" || inner.Jump.Address != "192.0.2.1:22" {
		t.Fatalf("inner: %+v, %v", inner, err)
	}
	if bastion, _ := p.SSH(inventory["bastion"]); bastion != inner.Jump {
		t.Fatal("the jump host is not shared with its inventory entry")
	}
	chain := Host{Name: "deep", HostName: "10.0.0.9", Port: 22, User: "ops", ProxyJump: "bastion, admin@10.0.0.1:2200", Origin: OriginConfig}
	deep, err := p.SSH(chain)
	if err != nil || deep.Jump.Address != "10.0.0.1:2200" || deep.Jump.User != "admin" ||
		deep.Jump.Jump == nil || deep.Jump.Jump.Label != "bastion" {
		t.Fatalf("chain: %+v, %v", deep, err)
	}
	if _, err := p.SSH(inventory["loop1"]); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("a ProxyJump loop: %v", err)
	}
	self := Host{Name: "self", HostName: "192.0.2.5", Port: 22, User: "ops", ProxyJump: "self", Origin: OriginSSHConfig}
	if _, err := p.SSH(self); err == nil || !strings.Contains(err.Error(), "names the host itself") {
		t.Fatalf("a host jumping through itself: %v", err)
	}
}

func TestParseJump(t *testing.T) {
	tests := []struct {
		spec, user, host string
		port             int
		bad              bool
	}{
		{"bastion.example", localUser(), "bastion.example", 22, false},
		{"ops@10.0.0.1", "ops", "10.0.0.1", 22, false},
		{"ops@10.0.0.1:2200", "ops", "10.0.0.1", 2200, false},
		{"[2001:db8::1]:2222", localUser(), "2001:db8::1", 2222, false},
		{"ops@host:port", "", "", 0, true},
		{"@host", "", "", 0, true},
		{"ops@", "", "", 0, true},
	}
	for _, tc := range tests {
		h, err := parseJump(tc.spec)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %+v", tc.spec, h)
			}
			continue
		}
		if err != nil || h.User != tc.user || h.HostName != tc.host || h.Port != tc.port || h.Origin != OriginJump {
			t.Errorf("%q: %+v, %v", tc.spec, h, err)
		}
	}
}

// Many goroutines asking for the same hosts get one transport each.
func TestPoolConcurrent(t *testing.T) {
	p := NewPool(PoolOptions{Env: []string{}})
	t.Cleanup(func() { p.Close() })
	hosts := []Host{
		{Name: "a", HostName: "192.0.2.1", Port: 22, User: "ops", Origin: OriginConfig},
		{Name: "b", HostName: "192.0.2.2", Port: 22, User: "ops", ProxyJump: "ops@192.0.2.1", Origin: OriginConfig},
	}
	got := make([][]Transport, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			for _, h := range hosts {
				tr, err := p.Transport(h)
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = append(got[i], tr)
			}
		})
	}
	wg.Wait()
	for i := range got {
		for j := range hosts {
			if got[i][j] != got[0][j] {
				t.Fatalf("goroutine %d got another transport for %s", i, hosts[j].Name)
			}
		}
	}
	p.Forget("a")
	if tr, _ := p.Transport(hosts[0]); tr == got[0][0] {
		t.Fatal("Forget kept the transport")
	}
}

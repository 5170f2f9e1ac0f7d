package hosts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
)

// An alias whose ssh_config settings Macroa cannot honour (a
// ProxyCommand, an option-like or malformed HostName or User) is
// refused, and a host resolved through it is never dialled directly.
func TestCheckAliasRefusesWhatCannotBeHonoured(t *testing.T) {
	home := t.TempDir()
	text := `Host web1
  HostName 10.0.0.5
  ProxyCommand ssh -W %h:%p bastion
Host opt
  HostName -oProxyCommand=touch /tmp/owned
Host spaced
  HostName 127.0.0.1 -oProxyCommand=x
Host baduser
  HostName 10.0.0.6
  User -oProxyCommand=x
Host fine
  HostName 10.0.0.8
  User deploy
  Port 2222
Host nocmd
  HostName 10.0.0.9
  ProxyCommand none
`
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := LoadSSHConfig(filepath.Join(home, ".ssh", "config"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		alias, want string // "": usable
	}{
		{"web1", "web1 uses ProxyCommand, which Macroa does not run; use ProxyJump"},
		{"opt", "HostName \"-oProxyCommand=touch /tmp/owned\" in ssh_config is not a host name or IP address"},
		{"spaced", "is not a host name or IP address"},
		{"baduser", "User \"-oProxyCommand=x\" in ssh_config is not a user name"},
		{"fine", ""},
		{"nocmd", ""},
	}
	p := NewPool(PoolOptions{Keys: HostKeys{Own: filepath.Join(home, "known_hosts")}, Env: []string{}})
	t.Cleanup(func() { p.Close() })
	for _, c := range cases {
		t.Run(c.alias, func(t *testing.T) {
			err := sc.CheckAlias(c.alias)
			if c.want == "" {
				if err != nil {
					t.Fatalf("a usable alias refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q: %v", c.want, err)
			}
			h := Resolve(config.Host{Name: "h-" + c.alias, Address: c.alias}, sc)
			if _, err := p.Transport(h); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("a host through %s is dialled anyway (want %q): %v", c.alias, c.want, err)
			}
		})
	}
}

package hosts

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
)

// sshFixture writes an ~/.ssh tree under a new $HOME and returns the home.
func sshFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for name, text := range files {
		p := filepath.Join(home, ".ssh", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

const fixtureConfig = `# the person's ~/.ssh/config
Include conf.d/*.conf

Host web1
    HostName 10.0.0.1
    User deploy
    Port 2201
    IdentityFile ~/.ssh/web_key

Host *.internal !bastion.internal
    ProxyJump bastion.internal
    User ops

Host bastion.internal
    HostName=192.0.2.10

Host db?
    Port 2222

Host special
    Include special.conf

Host web1
    User ignored

Match host web2,web3
    User matched

Match exec "test -e /etc/passwd"
    User never

Host *
    User fallback
    IdentityFile %d/.ssh/id_%h
`

func loadFixture(t *testing.T) (*SSHConfig, string) {
	t.Helper()
	home := sshFixture(t, map[string]string{
		"config":             fixtureConfig,
		"conf.d/10-a.conf":   "Host included\n    HostName 10.9.9.9\n",
		"conf.d/20-b.conf":   "Host included\n    HostName 10.8.8.8\n    User inc\n",
		"conf.d/ignored.txt": "Host nope\n",
		"special.conf":       "User sp\nProxyJump none\n",
	})
	c, err := LoadSSHConfig(filepath.Join(home, ".ssh", "config"))
	if err != nil {
		t.Fatal(err)
	}
	return c, home
}

func TestSSHConfigResolvesAliases(t *testing.T) {
	c, home := loadFixture(t)
	key := func(name string) string { return filepath.Join(home, ".ssh", name) }
	tests := []struct {
		alias, hostName string
		port            int
		user, jump      string
		keys            []string
	}{
		{"web1", "10.0.0.1", 2201, "deploy", "", []string{key("web_key"), key("id_web1")}},
		{"app.internal", "app.internal", 22, "ops", "bastion.internal", []string{key("id_app.internal")}},
		{"bastion.internal", "192.0.2.10", 22, "fallback", "", []string{key("id_bastion.internal")}},
		{"db1", "db1", 2222, "fallback", "", []string{key("id_db1")}},
		{"db12", "db12", 22, "fallback", "", []string{key("id_db12")}},
		{"included", "10.9.9.9", 22, "inc", "", []string{key("id_included")}},
		{"db1.conf", "db1.conf", 22, "fallback", "", []string{key("id_db1.conf")}},
		{"special", "special", 22, "sp", "", []string{key("id_special")}},
		{"web2", "web2", 22, "matched", "", []string{key("id_web2")}},
		{"other", "other", 22, "fallback", "", []string{key("id_other")}},
	}
	if h := ResolveAlias("WEB1", c); h.HostName != "10.0.0.1" || h.User != "deploy" {
		t.Fatalf("an alias in capitals: %+v", h)
	}
	for _, tc := range tests {
		t.Run(tc.alias, func(t *testing.T) {
			h := ResolveAlias(tc.alias, c)
			if h.HostName != tc.hostName || h.Port != tc.port || h.User != tc.user || h.ProxyJump != tc.jump ||
				!slices.Equal(h.IdentityFiles, tc.keys) || h.Origin != OriginSSHConfig || h.Name != tc.alias {
				t.Fatalf("got %+v\nwant %+v", h, tc)
			}
		})
	}
	want := []string{"included", "web1", "bastion.internal", "special"}
	if got := c.Aliases(); !slices.Equal(got, want) {
		t.Fatalf("Aliases = %q, want %q", got, want)
	}
}

func TestResolveConfigWins(t *testing.T) {
	c, home := loadFixture(t)
	tests := []struct {
		name string
		cfg  config.Host
		want Host
	}{
		{"ssh_config fills the gaps", config.Host{Name: "w", Address: "web1", Tags: []string{"prod"}},
			Host{Name: "w", Address: "web1", HostName: "10.0.0.1", Port: 2201, User: "deploy",
				IdentityFiles: []string{filepath.Join(home, ".ssh/web_key"), filepath.Join(home, ".ssh/id_web1")},
				Tags:          []string{"prod"}, Sudo: config.SudoNever, Origin: OriginConfig}},
		{"config.toml wins", config.Host{Name: "w", Address: "web1", Port: 2022, PortSet: true, User: "root",
			IdentityFile: "~/k", ProxyJump: "jump", Sudo: config.SudoAsk, Prometheus: "http://p:9090"},
			Host{Name: "w", Address: "web1", HostName: "10.0.0.1", Port: 2022, User: "root",
				IdentityFiles: []string{filepath.Join(home, "k")}, ProxyJump: "jump", Sudo: config.SudoAsk,
				Prometheus: "http://p:9090", Instance: "web1:9100", Origin: OriginConfig}},
		{"a port not given is not 22 from the file", config.Host{Name: "d", Address: "db1", Port: 22},
			Host{Name: "d", Address: "db1", HostName: "db1", Port: 2222, User: "fallback",
				IdentityFiles: []string{filepath.Join(home, ".ssh/id_db1")}, Sudo: config.SudoNever, Origin: OriginConfig}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Resolve(tc.cfg, c); !equalHost(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// Without an ssh_config: the address, port 22, this user.
	got := Resolve(config.Host{Name: "x", Address: "10.1.1.1"}, nil)
	if got.HostName != "10.1.1.1" || got.Port != 22 || got.User != localUser() || got.IdentityFiles != nil {
		t.Fatalf("defaults: %+v", got)
	}
}

func equalHost(a, b Host) bool {
	return a.Name == b.Name && a.Address == b.Address && a.HostName == b.HostName && a.Port == b.Port &&
		a.User == b.User && slices.Equal(a.IdentityFiles, b.IdentityFiles) && a.ProxyJump == b.ProxyJump &&
		slices.Equal(a.Tags, b.Tags) && slices.Equal(a.Groups, b.Groups) && a.Sudo == b.Sudo &&
		a.Interval == b.Interval && a.Prometheus == b.Prometheus && a.Instance == b.Instance && a.Origin == b.Origin
}

func TestLoadSSHConfigErrors(t *testing.T) {
	home := sshFixture(t, map[string]string{
		"bad-port": "Host a\n    User x\n    Port twenty\n",
		"loop":     "Include loop\n",
		"no-value": "Host a\n    User\n",
		"quote":    "Host a\n    IdentityFile \"~/my key\n",
		"no-host":  "# hosts\nHost\n",
		"garbage":  "Host a\n  [section]\n",
	})
	if c, err := LoadSSHConfig(filepath.Join(home, ".ssh", "absent")); err != nil || len(c.Aliases()) != 0 {
		t.Fatalf("a missing file: %v, %v", c, err)
	}
	tests := []struct{ file, want string }{
		{"bad-port", "bad-port: line 3: Port \"twenty\""},
		{"loop", "Include nested more than 16 deep"},
		{"no-value", "no-value: line 2: User has no value"},
		{"quote", "quote: line 2: IdentityFile: a quote is not closed"},
		{"no-host", "no-host: line 2: Host has no value"},
		{"garbage", "garbage: line 2: it does not start with a keyword"},
	}
	for _, tc := range tests {
		_, err := LoadSSHConfig(filepath.Join(home, ".ssh", tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: %v, want %q", tc.file, err, tc.want)
		}
	}
}

package main

import (
	"strings"
	"testing"
)

// TestHostsImportRefusesWhatSSHConfigCannotGive: an alias whose HostName
// or User reads as an option, or that needs a ProxyCommand, is not
// imported: named, it is a usage error; importing every alias skips it,
// saying why; and a host whose address is such an alias is never
// dialled directly.
func TestHostsImportRefusesWhatSSHConfigCannotGive(t *testing.T) {
	s := newSandbox(t)
	s.writeSSHConfig(`Host opt
  HostName -oProxyCommand=touch /tmp/owned
Host spaced
  HostName 127.0.0.1 -oProxyCommand=x
Host baduser
  HostName 127.0.0.1
  User -oProxyCommand=x
Host web1
  HostName 127.0.0.1
  ProxyCommand nc %h %p
Host ok
  HostName 127.0.0.1
`)
	for _, c := range []struct{ alias, want string }{
		{"opt", "is not a host name or IP address"},
		{"spaced", "is not a host name or IP address"},
		{"baduser", "is not a user name"},
		{"web1", "web1 uses ProxyCommand, which Macroa does not run; use ProxyJump"},
	} {
		r := s.macroa("hosts", "add", "--from-ssh-config", c.alias)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("import %s: exit %d, want 2 saying %q: %s%s", c.alias, r.code, c.want, r.stdout, r.stderr)
		}
		if strings.Contains(s.configText(), c.alias) {
			t.Fatalf("config.toml has %s: %q", c.alias, s.configText())
		}
	}
	r := s.macroa("hosts", "add", "--from-ssh-config")
	if r.code != 0 || !strings.Contains(r.stdout, "Added ok") || !strings.Contains(r.stdout, "web1 uses ProxyCommand") {
		t.Fatalf("import all: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, bad := range []string{"opt", "spaced", "baduser", "web1"} {
		if strings.Contains(s.configText(), `"`+bad+`"`) {
			t.Errorf("config.toml has %s: %q", bad, s.configText())
		}
	}
	// Added by hand, the alias's route is not bypassed.
	expect(t, s.macroa("hosts", "add", "w1", "--address", "web1"), 0, "")
	st := s.macroa("hosts", "status", "w1", "--probe")
	if st.code == 0 || !strings.Contains(st.stdout+st.stderr, "web1 uses ProxyCommand, which Macroa does not run; use ProxyJump") {
		t.Errorf("status of a host behind a ProxyCommand: exit %d %q %q", st.code, st.stdout, st.stderr)
	}
}

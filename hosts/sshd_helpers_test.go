package hosts

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// sshdTimeout bounds one command against the real sshd. The login shell
// there reads the user's startup files, which may be slow.
const sshdTimeout = 60 * time.Second

// knownHostsFor writes a known_hosts file trusting the servers' keys.
func knownHostsFor(t *testing.T, servers ...*sshdtest.Server) HostKeys {
	t.Helper()
	own := filepath.Join(t.TempDir(), "known_hosts")
	var text string
	for _, s := range servers {
		text += s.KnownHostsLine() + "\n"
	}
	if err := os.WriteFile(own, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return HostKeys{Own: own}
}

// hostOf is the inventory entry of a test server, logging in with its
// client key file.
func hostOf(name string, s *sshdtest.Server) Host {
	return Host{Name: name, Address: "127.0.0.1", HostName: "127.0.0.1", Port: s.Port, User: s.User,
		IdentityFiles: []string{s.ClientKeyFile}, Origin: OriginConfig}
}

// sshdHost is a transport to s built as the pool builds one.
func sshdHost(t *testing.T, s *sshdtest.Server, keys HostKeys) *SSHHost {
	t.Helper()
	auth := AuthFor(hostOf("web1", s), []string{})
	h := &SSHHost{Label: "web1", Address: s.Addr, User: s.User, Auth: auth.Methods, AuthNotes: auth.Notes,
		Keys: keys, DialTimeout: 10 * time.Second}
	t.Cleanup(func() { h.Close() })
	return h
}

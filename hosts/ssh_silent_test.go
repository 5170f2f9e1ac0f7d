package hosts

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// A host that takes the connection and never answers costs the dial
// timeout, directly and through a jump host, and counts as unreachable.
func TestSSHSilentHostBounded(t *testing.T) {
	silent := sshdtest.Mute(t).String()
	keys := HostKeys{Own: filepath.Join(t.TempDir(), "known_hosts")}
	direct := &SSHHost{Label: "mute", Address: silent, User: "root", Keys: keys, DialTimeout: 300 * time.Millisecond}
	t.Cleanup(func() { direct.Close() })

	jumpServer := sshdtest.Start(t, sshdtest.Options{})
	jump := sshdHost(t, jumpServer, knownHostsFor(t, jumpServer))
	if _, err := jump.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout); err != nil {
		t.Fatal(err) // the jump host's connection is up: the time below is the silent host's
	}
	behind := &SSHHost{Label: "mute", Address: silent, User: "root", Keys: keys, Jump: jump, DialTimeout: 300 * time.Millisecond}
	t.Cleanup(func() { behind.Close() })

	for name, h := range map[string]*SSHHost{"direct": direct, "through a jump host": behind} {
		start := time.Now()
		_, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
		var ue *UnreachableError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "no answer in time") {
			t.Fatalf("%s: %v", name, err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("%s: a silent host took %v with a dial timeout of 300ms", name, took)
		}
	}
}

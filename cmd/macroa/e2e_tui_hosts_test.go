package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// paneHostRow is a host's row in the hosts pane, its box borders cut, "" when
// none shows; selected says the row has the cursor.
func paneHostRow(screen, name string) (row string, selected bool) {
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.ReplaceAll(l, "│", " "))
		sel := len(f) > 0 && f[0] == "›"
		if sel {
			f = f[1:]
		}
		if len(f) > 1 && f[1] == name {
			return strings.Join(f, " "), sel
		}
	}
	return "", false
}

// paneSelectedHost is the name of the host row with the cursor, "" when none.
func paneSelectedHost(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.ReplaceAll(l, "│", " "))
		if len(f) > 2 && f[0] == "›" {
			return f[2]
		}
	}
	return ""
}

// paneHostState is the state word of a host's row: its first field.
func paneHostState(screen, name string) string {
	row, _ := paneHostRow(screen, name)
	if f := strings.Fields(row); len(f) > 0 {
		return f[0]
	}
	return ""
}

// paneMeasured says a host's row shows numbers: CPU, memory and disk in
// percent.
func paneMeasured(screen, name string) bool {
	row, _ := paneHostRow(screen, name)
	return strings.Count(row, "%") >= 3
}

// TestE2ETUIHosts: two real sshd hosts polled every second by the open
// cockpit. One's key is trusted ahead; the other's is trusted through
// the hosts pane's t dialog, after it showed the fingerprint. Both show
// ok with numbers. When one sshd stops, its row turns unreachable within
// two intervals, an alert toast says so, and the cockpit keeps answering
// keys while the host is down.
func TestE2ETUIHosts(t *testing.T) {
	alpha := sshdtest.Start(t, sshdtest.Options{})
	beta := sshdtest.Start(t, sshdtest.Options{})
	s := newSandbox(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	const interval = time.Second
	host := func(name string, srv *sshdtest.Server) string {
		return fmt.Sprintf("[[hosts]]\nname = %q\naddress = \"127.0.0.1\"\nport = %d\nuser = %q\nidentity_file = %q\n\n",
			name, srv.Port, srv.User, srv.ClientKeyFile)
	}
	// Both hosts are this machine, whose load a busy test run drives up:
	// only a host that stops answering may raise an alert here.
	config := fmt.Sprintf("[monitor]\ninterval = %q\ntimeout = \"5s\"\n\n[alerts]\nload_per_core = 1000\ndisk_percent = 100\ninodes_percent = 100\nmemory_percent = 100\n\n",
		interval.String()) + host("alpha", alpha) + host("beta", beta)
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	// alpha's key is known ahead; beta's is not.
	if err := os.WriteFile(filepath.Join(s.data, "known_hosts"), []byte(alpha.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	ts := startTUI(t, s, nil, 200, 50)
	ts.waitText("6 hosts")
	ts.keysThen("the hosts pane zoomed", func(sc string) bool {
		return paneHostState(sc, "alpha") != "" && !strings.Contains(sc, "1 chat")
	}, "M-6", "M-z")
	ts.waitFor("alpha ok with numbers", func(sc string) bool { return paneHostState(sc, "alpha") == "ok" && paneMeasured(sc, "alpha") })
	ts.waitFor("beta's key to trust", func(sc string) bool { return paneHostState(sc, "beta") == "untrusted" })
	ts.waitText("polled by this cockpit")

	// The filter narrows the rows to beta, under the cursor; then t: the
	// dialog shows beta's key.
	ts.keys("/")
	ts.keys("-l", "beta")
	ts.keysThen("the cursor on beta", func(sc string) bool {
		other, _ := paneHostRow(sc, "alpha")
		return paneSelectedHost(sc) == "beta" && other == "" && strings.Contains(sc, "esc clears")
	}, "Enter")
	fp := ssh.FingerprintSHA256(beta.HostKey)
	sc := ts.keysThen("the trust question", shows("Trust this key?"), "t")
	for _, want := range []string{fp, beta.HostKey.Type(), "127.0.0.1"} {
		if !strings.Contains(sc, want) {
			t.Fatalf("the trust dialog lacks %q:\n%s", want, sc)
		}
	}
	ts.keysThen("beta trusted and ok with numbers", func(sc string) bool {
		return paneHostState(sc, "beta") == "ok" && paneMeasured(sc, "beta")
	}, "y")
	ts.keysThen("the filter cleared", func(sc string) bool { return paneHostState(sc, "alpha") == "ok" }, "Escape")
	known, err := os.ReadFile(filepath.Join(s.data, "known_hosts"))
	if err != nil || !strings.Contains(string(known), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(beta.HostKey)))) {
		t.Fatalf("beta's key is not in known_hosts (%v):\n%s", err, known)
	}

	// alpha goes down: its row says so within two intervals (and the
	// probe's connect, refused at once), and an alert toast follows.
	stopped := time.Now()
	alpha.Stop()
	ts.waitFor("alpha unreachable", func(sc string) bool { return paneHostState(sc, "alpha") == "unreachable" })
	took := time.Since(stopped)
	if took > 2*interval+time.Second {
		t.Errorf("alpha showed unreachable after %v, over two intervals", took.Round(time.Millisecond))
	}
	t.Logf("alpha showed unreachable %v after its sshd stopped", took.Round(time.Millisecond))
	ts.waitText("alert on alpha")

	// The cockpit answers keys while alpha is down: the cursor moves,
	// down and back up.
	for _, key := range []string{"j", "k"} {
		from := paneSelectedHost(ts.screen())
		ts.keysThen("the cursor to move from "+from, func(sc string) bool {
			h := paneSelectedHost(sc)
			return h != "" && h != from
		}, key)
		if paneHostState(ts.screen(), "alpha") != "unreachable" {
			t.Fatalf("alpha came back while its sshd is stopped:\n%s", ts.screen())
		}
	}
	ts.quit()
}

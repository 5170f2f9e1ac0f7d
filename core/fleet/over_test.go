package fleet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/hosts/sshdtest"
)

// The probe runs on this machine through hosts.Local and parses.
func TestProbeOverLocal(t *testing.T) {
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		t.Skip("no procfs here")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := ProbeOver(hosts.Local{}).Probe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Load.OK || !s.Memory.OK || !s.Cores.OK || !s.Clock.OK {
		t.Fatalf("fields not measured: load %v memory %v cores %v clock %v", s.Load, s.Memory.Why, s.Cores.Why, s.Clock.Why)
	}
}

// bigOutput is this machine answering with more than a probe may print.
type bigOutput struct{ hosts.Local }

func (b bigOutput) Stream(ctx context.Context, _ hosts.Command, timeout time.Duration, on func(hosts.Line)) (hosts.Output, error) {
	return b.Local.Stream(ctx, hosts.Command{Argv: []string{"sh", "-c", "head -c 70000 /dev/zero | tr '\\0' x"}}, timeout, on)
}

// endless is a host printing without end: the probe stops it at the
// limit, long before its time is up.
type endless struct{ hosts.Local }

func (b endless) Stream(ctx context.Context, _ hosts.Command, timeout time.Duration, on func(hosts.Line)) (hosts.Output, error) {
	return b.Local.Stream(ctx, hosts.Command{Argv: []string{"yes", "@@macroa:load"}}, timeout, on)
}

// slowAnswer is this machine answering after the probe's time is up.
type slowAnswer struct{ hosts.Local }

func (b slowAnswer) Stream(ctx context.Context, _ hosts.Command, timeout time.Duration, on func(hosts.Line)) (hosts.Output, error) {
	return b.Local.Stream(ctx, hosts.Command{Argv: []string{"sleep", "5"}}, timeout, on)
}

func TestProbeOverRefuses(t *testing.T) {
	for _, c := range []struct {
		name    string
		t       hosts.Transport
		timeout time.Duration
		want    string
	}{
		{"output over the limit", bigOutput{hosts.Local{MaxOutput: probe.MaxOutput * 2}}, 30 * time.Second, "more than"},
		{"output cut by the transport", bigOutput{}, 30 * time.Second, "more than"},
		{"output without end", endless{}, time.Hour, "more than 64 KB"},
		{"no answer in time", slowAnswer{}, 300 * time.Millisecond, "did not finish in 300ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			defer cancel()
			_, err := ProbeOver(c.t).Probe(ctx)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

// A host polled over SSH from a real sshd is ok, and unreachable within
// two intervals once sshd is stopped.
func TestPollRealSSHD(t *testing.T) {
	srv := sshdtest.Start(t, sshdtest.Options{})
	known := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(known, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tr := &hosts.SSHHost{Label: "web1", Address: srv.Addr, User: srv.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeys(srv.ClientSigner)}, Keys: hosts.HostKeys{Own: known},
		DialTimeout: 2 * time.Second}
	t.Cleanup(func() { tr.Close() })
	db := openStore(t, "")
	o := testOptions(db, nil, nil)
	quietLocal(&o, newScripted(fixture(t)))
	interval := time.Second
	o.Hosts = func() []HostEntry {
		return []HostEntry{{Name: "web1", Address: srv.Addr, Source: SourceSSH, Transport: tr, Interval: interval}}
	}
	o.Monitor.Timeout = configDuration(5 * time.Second)
	s := startService(t, o)
	ctx := context.Background()
	waitFor(t, "the host to answer over SSH", func() bool {
		st, _ := s.Status(ctx, "web1")
		return st.State != StateNew && st.HasSnapshot
	})
	st, _ := s.Status(ctx, "web1")
	if st.State == StateUnreachable || !st.Snapshot.Load.OK {
		t.Fatalf("over SSH: %s %q", st.State, st.Why)
	}
	srv.Stop()
	stopped := time.Now()
	waitFor(t, "unreachable", func() bool {
		st, _ := s.Status(ctx, "web1")
		return st.State == StateUnreachable
	})
	d := time.Since(stopped)
	t.Logf("unreachable %v after sshd stopped (interval %v)", d, interval)
	if d > 2*interval+2*time.Second { // two intervals, and a loaded machine's slack
		t.Errorf("unreachable %v after sshd stopped, want within two intervals", d)
	}
}

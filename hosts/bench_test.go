package hosts

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/hosts/probe"
)

// benchProbeTime is how long the probe runs on a host. The in-process
// servers wait this long before answering, without using this machine's
// CPU, as 50 remote hosts each doing their own work would.
const benchProbeTime = 100 * time.Millisecond

// BenchmarkPoll50: one poll (the probe run and parsed) of 1 host and of
// 50 hosts at once, over connections kept open. Reported: the wall time
// of each and their ratio; the target is 50 hosts under 2x one host.
func BenchmarkPoll50(b *testing.B) {
	out, err := os.ReadFile("probe/testdata/debian.txt")
	if err != nil {
		b.Fatal(err)
	}
	keys := HostKeys{Own: filepath.Join(b.TempDir(), "known_hosts")}
	hosts := make([]*SSHHost, 50)
	for i := range hosts {
		s := startCanned(b, out, benchProbeTime)
		if err := keys.Trust(s.addr, s.hostKey.PublicKey()); err != nil {
			b.Fatal(err)
		}
		hosts[i] = &SSHHost{Label: "bench", Address: s.addr, User: "root", Keys: keys,
			Auth: []ssh.AuthMethod{ssh.PublicKeys(s.client)}, Keepalive: -1}
		b.Cleanup(func() { hosts[i].Close() })
	}
	cmd := Command{Argv: []string{"sh", "-c", probe.Script}}
	poll := func(hs []*SSHHost) {
		errs := make([]error, len(hs))
		var wg sync.WaitGroup
		for i, h := range hs {
			wg.Go(func() {
				res, err := h.Run(context.Background(), cmd, 10*time.Second)
				if err == nil {
					var snap probe.Snapshot
					snap, err = probe.Parse([]byte(res.Stdout))
					if err == nil && !snap.Kernel.OK {
						err = os.ErrInvalid
					}
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	poll(hosts) // connect: polls reuse the connections
	var one, all time.Duration
	for b.Loop() {
		start := time.Now()
		poll(hosts[:1])
		one += time.Since(start)
		start = time.Now()
		poll(hosts)
		all += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(one.Microseconds())/1000/n, "ms/1host")
	b.ReportMetric(float64(all.Microseconds())/1000/n, "ms/50hosts")
	b.ReportMetric(float64(all)/float64(one), "50/1")
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/sshdtest"
)

func (s *sandbox) appendConfig(text string) {
	s.t.Helper()
	f, err := os.OpenFile(filepath.Join(s.data, "config.toml"), os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		s.t.Fatal(err)
	}
}

// TestHostsTimeouts: connecting is bounded by [monitor] timeout for trust
// and exec as for a probe, a command's limit is named when it is hit,
// and no Go error text reaches a person.
func TestHostsTimeouts(t *testing.T) {
	s := newSandbox(t)
	mute := sshdtest.Mute(t).Port
	// A login that never ends, and ends itself once its session is gone:
	// its next write fails (SIGPIPE), so nothing outlives the test.
	srv := sshdtest.Start(t, sshdtest.Options{ExtraConfig: "ForceCommand i=0; while [ $i -lt 100 ]; do sleep 0.2; echo . >&2; i=$((i+1)); done\n"})
	expect(t, s.macroa("hosts", "add", "mute", "--address", "127.0.0.1", "--port", strconv.Itoa(mute), "--user", "nobody"), 0, "Added mute")
	expect(t, s.macroa("hosts", "add", "slow", "--address", "127.0.0.1", "--port", strconv.Itoa(srv.Port),
		"--user", srv.User, "--identity-file", srv.ClientKeyFile), 0, "Added slow")
	s.appendConfig("\n[monitor]\ntimeout = \"2s\"\n")
	if err := os.WriteFile(filepath.Join(s.data, "known_hosts"), []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const within = 8 * time.Second // well under the 10s default dial bound

	for _, args := range [][]string{
		{"hosts", "trust", "mute", "--yes"},
		{"hosts", "exec", "mute", "--", "true"},
		{"hosts", "status", "mute", "--probe"},
	} {
		r := s.macroa(args...)
		if r.code == 0 || r.elapsed > within || !strings.Contains(r.stdout+r.stderr, "no answer in time") ||
			strings.Contains(r.stdout+r.stderr, "context deadline") {
			t.Errorf("%v to a host that never answers: exit %d after %v\n%s\n%s", args, r.code, r.elapsed, r.stdout, r.stderr)
		}
	}

	// Logged in, but the login hangs: the probe's bound and the
	// command's own limit are said in words.
	r := s.macroa("hosts", "status", "slow", "--probe")
	if r.code != 1 || r.elapsed > within || !strings.Contains(r.stdout, "did not finish") ||
		strings.Contains(r.stdout+r.stderr, "context deadline") {
		t.Errorf("status of a host whose login hangs: exit %d after %v\n%s\n%s", r.code, r.elapsed, r.stdout, r.stderr)
	}
	r = s.macroa("hosts", "exec", "slow", "--timeout", "1s", "--", "true")
	if r.code != 255 || r.elapsed > within || !strings.Contains(r.stderr, "slow | macroa: did not finish in 1s (the limit: --timeout)") {
		t.Errorf("exec on a host whose login hangs: exit %d after %v\n%s", r.code, r.elapsed, r.stderr)
	}
	r = s.macroa("hosts", "exec", "slow", "--timeout", "1s", "--json", "--", "true")
	var runs []execJSON
	if err := json.Unmarshal([]byte(r.stdout), &runs); err != nil || r.code != 255 || len(runs) != 1 ||
		runs[0].ExitCode != 255 || !strings.Contains(runs[0].Error, "did not finish in 1s") {
		t.Errorf("exec --json on a host whose login hangs: exit %d, %v\n%s", r.code, err, r.stdout)
	}
}

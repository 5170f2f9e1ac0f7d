package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/policy"
)

// listed is one entry of `macroa approvals list --json`.
type listed struct {
	ID, State, Kind, Summary, Risk, Proposer, Verdict, Protected string
	RiskLevel                                                    int `json:"risk_level"`
}

func listApprovals(t *testing.T, s *sandbox, env []string, args ...string) []listed {
	t.Helper()
	r := s.run("", env, append([]string{"approvals", "list", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("approvals list: exit %d: %s", r.code, r.stderr)
	}
	var out []listed
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("approvals list --json: %v\n%s", err, r.stdout)
	}
	return out
}

// shown is `macroa approvals show --json`.
type shown struct {
	listed
	Command, Note, Error, Output string
	DecidedBy                    string `json:"decided_by"`
	DecidedWhere                 string `json:"decided_where"`
	ExitCode                     int    `json:"exit_code"`
}

func showApproval(t *testing.T, s *sandbox, env []string, id string) shown {
	t.Helper()
	r := s.run("", env, "approvals", "show", "--json", id)
	if r.code != 0 {
		t.Fatalf("approvals show %s: exit %d: %s", id, r.code, r.stderr)
	}
	var out shown
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("approvals show --json: %v\n%s", err, r.stdout)
	}
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Two processes approve the same entry at once: it runs exactly once, and
// the loser is told it was already decided.
func TestE2EApprovalRaceRunsOnce(t *testing.T) {
	s := newSandbox(t)
	counter := filepath.Join(s.home, "counter")
	id := string(seedProposals(t, s, commandProposal("echo ran >> "+counter, "count"))[0].ID)

	type proc struct {
		cmd      *exec.Cmd
		out, err bytes.Buffer
	}
	procs := make([]*proc, 2)
	for i := range procs {
		p := &proc{cmd: exec.Command(binPath, "approvals", "approve", "--yes", id)}
		p.cmd.Dir, p.cmd.Env = s.home, s.env
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.err
		procs[i] = p
	}
	for _, p := range procs {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	codes := map[int]int{}
	var loser *proc
	for _, p := range procs {
		err := p.cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		codes[code]++
		if code == 1 {
			loser = p
		}
	}
	if codes[0] != 1 || codes[1] != 1 {
		t.Fatalf("want one winner (0) and one loser (1); got %v\nA: %s%s\nB: %s%s", codes,
			procs[0].out.String(), procs[0].err.String(), procs[1].out.String(), procs[1].err.String())
	}
	if !strings.Contains(loser.err.String(), "already") || strings.Contains(loser.out.String(), "Approved") {
		t.Fatalf("the loser should be told it was already decided, never that it approved:\nstdout: %s\nstderr: %s", loser.out.String(), loser.err.String())
	}
	b, _ := os.ReadFile(counter)
	if got := strings.Count(string(b), "ran\n"); got != 1 {
		t.Fatalf("the action ran %d times, want exactly once", got)
	}
}

// kill -9 of the process running an approved action: the next process
// shows it interrupted, and it never runs again.
func TestE2EApprovalKilledRunnerInterrupted(t *testing.T) {
	s := newSandbox(t)
	var env []string
	runs := filepath.Join(s.home, "runs")
	// The command records its process group (its own pid: hosts starts it
	// as a group leader) and sleeps, so it is killed while it runs.
	id := string(seedProposals(t, s, commandProposal("echo $$ >> "+runs+"; sleep 60; echo finished >> "+runs, "wait"))[0].ID)

	cmd := exec.Command(binPath, "approvals", "approve", "--yes", id)
	cmd.Dir, cmd.Env = s.home, s.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the action to start", 20*time.Second, func() bool {
		b, _ := os.ReadFile(runs)
		return bytes.HasSuffix(b, []byte("\n"))
	})
	b, _ := os.ReadFile(runs)
	pgid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("the command's pid: %q", b)
	}
	// The orphaned command is the test's to end, whatever happens.
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // reaped: its pid names no live process
	_ = syscall.Kill(-pgid, syscall.SIGKILL)

	got := showApproval(t, s, env, id)
	if got.State != "interrupted" || got.Error == "" {
		t.Fatalf("after kill -9: want interrupted with the reason; got %+v", got)
	}
	all := s.run("", env, "approvals", "list", "--all")
	expect(t, all, 0, "interrupted")

	r := s.run("", env, "approvals", "approve", "--yes", id)
	if r.code != 1 || !strings.Contains(r.stderr, "interrupted") {
		t.Fatalf("approving an interrupted entry: want exit 1 saying so; exit %d: %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(runs); strings.Count(string(b), "\n") != 1 {
		t.Fatalf("the action ran again or finished after its runner died: %q", b)
	}
}

// A rejection keeps its note; show prints it; nothing runs; approving it
// afterwards says who rejected it.
func TestE2EApprovalRejectWithNote(t *testing.T) {
	s := newSandbox(t)
	var env []string
	canary := filepath.Join(s.home, "canary")
	id := string(seedProposals(t, s, commandProposal("touch "+canary, "make a canary"))[0].ID)

	r := s.run("", env, "approvals", "reject", id, "--note", "not on a Friday\x1b[2J")
	expect(t, r, 0, "Rejected "+id)
	if strings.Contains(r.stdout, "\x1b") {
		t.Fatalf("reject printed an escape sequence: %q", r.stdout)
	}
	show := s.run("", env, "approvals", "show", id)
	expect(t, show, 0, "not on a Friday")
	if !strings.Contains(show.stdout, "rejected by person:") || strings.Contains(show.stdout, "\x1b") {
		t.Fatalf("show should say who rejected it, cleanly:\n%s", show.stdout)
	}
	if got := showApproval(t, s, env, id); got.State != "rejected" || !strings.HasPrefix(got.Note, "not on a Friday") {
		t.Fatalf("show --json after reject: %+v", got)
	}
	r = s.run("", env, "approvals", "approve", "--yes", id)
	if r.code != 1 || !strings.Contains(r.stderr, "already rejected by person:") {
		t.Fatalf("approve after reject: want exit 1 naming the rejection; exit %d: %s", r.code, r.stderr)
	}
	if exists(canary) {
		t.Fatal("a rejected proposal ran")
	}
}

// Ids and flags a person gets wrong: one sentence, the right exit code.
func TestE2EApprovalsUsage(t *testing.T) {
	s := newSandbox(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"approvals", "show", "zz-not-hex"}, 2, "not an approval id"},
		{[]string{"approvals", "show", "abcdef"}, 1, "no approval abcdef"},
		{[]string{"approvals", "approve", "abcdef", "--remember", "forever"}, 2, "--remember must be"},
		{[]string{"approvals", "list", "--state", "bogus"}, 2, "not a state"},
		{[]string{"approvals", "list", "--limit", "0"}, 2, "--limit"},
		{[]string{"approvals", "rules", "revoke", "x"}, 2, "not a rule id"},
		{[]string{"approvals", "rules", "revoke", "42"}, 1, "no rule 42"},
		{[]string{"approvals", "show"}, 2, "an approval id"},
	}
	for _, tc := range tests {
		r := s.macroa(tc.args...)
		assertNoCrash(t, r)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
			t.Errorf("%v: want exit %d and %q; got exit %d: %s", tc.args, tc.code, tc.want, r.code, r.stderr)
		}
	}
	expect(t, s.macroa("approvals", "list"), 0, "No approvals waiting")
	expect(t, s.macroa("approvals", "list", "--all"), 0, "empty")
	expect(t, s.macroa("approvals", "rules"), 0, "No remembered approvals")
	r := s.macroa("approvals", "list", "--json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("an empty list in JSON is []: exit %d %q", r.code, r.stdout)
	}
}

// approve prints the action's output as it comes, not when it ends; and
// ctrl+c stops the action, which is recorded failed, never left running.
func TestE2EApprovalStreamsAndInterruptStops(t *testing.T) {
	s := newSandbox(t)
	gate, runs := filepath.Join(s.home, "gate"), filepath.Join(s.home, "runs")
	seeded := seedProposals(t, s,
		commandProposal("echo first; while [ ! -e "+gate+" ]; do sleep 0.05; done; echo second", "stream"),
		commandProposal("echo $$ >> "+runs+"; echo started; sleep 60; echo finished >> "+runs, "stop me"))

	var out lockedBuffer
	cmd := exec.Command(binPath, "approvals", "approve", "--yes", string(seeded[0].ID))
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = s.home, s.env, &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first line shows while the command still waits for the gate.
	waitFor(t, "the first line of output", 20*time.Second, func() bool { return strings.Contains(out.String(), "first\n") })
	if strings.Contains(out.String(), "\nsecond\n") {
		t.Fatalf("the second line came before the gate opened: %s", out.String())
	}
	// Another process meanwhile sees it running, and leaves it be: its
	// runner is alive.
	expect(t, s.macroa("approvals", "list"), 0, "1 approved and running")
	if got := showApproval(t, s, nil, string(seeded[0].ID)); got.State != "running" {
		t.Fatalf("while it runs another process sees it %s", got.State)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil || !strings.Contains(out.String(), "\nsecond\n") || !strings.Contains(out.String(), "succeeded") {
		t.Fatalf("after the gate: %v\n%s", err, out.String())
	}

	id := string(seeded[1].ID)
	var out2 lockedBuffer
	cmd = exec.Command(binPath, "approvals", "approve", "--yes", id)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = s.home, s.env, &out2, &out2
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the action to start", 20*time.Second, func() bool { return strings.Contains(out2.String(), "started\n") })
	b, _ := os.ReadFile(runs)
	pgid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("the command's pid: %q", b)
	}
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(out2.String(), "failed") {
		t.Fatalf("ctrl+c: want exit 1 saying it failed; %v\n%s", err, out2.String())
	}
	if got := showApproval(t, s, nil, id); got.State != "failed" {
		t.Fatalf("after ctrl+c the entry is %s, want failed", got.State)
	}
	// The command's process group is gone: it never writes its last line.
	if err := syscall.Kill(-pgid, 0); err == nil {
		waitFor(t, "the command's process group to end", 10*time.Second, func() bool { return syscall.Kill(-pgid, 0) != nil })
	}
}

// A pending entry past its expiry cannot be approved: it says so.
func TestE2EApprovalExpired(t *testing.T) {
	s := newSandbox(t)
	canary := filepath.Join(s.home, "canary")
	seeded := seedWith(t, s, approvals.Config{Level: policy.Suggest, Expiry: time.Millisecond},
		commandProposal("touch "+canary, "too late"))
	id := string(seeded[0].ID)
	waitFor(t, "the entry's expiry", 5*time.Second, func() bool { return time.Now().After(seeded[0].ExpiresAt) })
	r := s.macroa("approvals", "approve", "--yes", id)
	if r.code != 1 || !strings.Contains(r.stderr, "expired") || !strings.Contains(r.stderr, "nothing ran") {
		t.Fatalf("approve after expiry: want exit 1 saying it expired; exit %d: %s", r.code, r.stderr)
	}
	if exists(canary) {
		t.Fatal("an expired entry ran")
	}
	if got := showApproval(t, s, nil, id); got.State != "expired" {
		t.Fatalf("the entry is %s, want expired", got.State)
	}
}

// lockedBuffer is a bytes.Buffer a process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A reader that goes away mid-run (`| head -1`) does not stop the action:
// it finishes, is recorded, and keeps all its output.
func TestE2EApprovalClosedStdoutFinishes(t *testing.T) {
	s := newSandbox(t)
	gate := filepath.Join(s.home, "gate")
	seeded := seedProposals(t, s, commandProposal("echo first; while [ ! -e "+gate+" ]; do sleep 0.05; done; seq 1 2000; echo last", "pipe"))
	id := string(seeded[0].ID)
	cmd := exec.Command(binPath, "approvals", "approve", "--yes", id)
	cmd.Dir, cmd.Env = s.home, s.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	if _, err := stdout.Read(buf); err != nil {
		t.Fatal(err)
	}
	stdout.Close()
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 0 {
			t.Fatalf("approve with its reader gone: %v", err)
		}
	}
	got := showApproval(t, s, nil, id)
	if got.State != "succeeded" || !strings.HasSuffix(got.Output, "last\n") {
		t.Fatalf("want succeeded with all its output; got %s, output ends %q", got.State, got.Output[max(0, len(got.Output)-20):])
	}
}

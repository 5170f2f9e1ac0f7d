package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestE2ESessions(t *testing.T) {
	s := newSandbox(t)
	expect(t, s.macroa("run", "--session", "work", "!echo first"), 0, "first")
	expect(t, s.macroa("run", "-s", "work", "remember my editor is helix"), 0, "Remembered")
	expect(t, s.macroa("sessions", "show", "work"), 0, "!echo first")
	expect(t, s.macroa("sessions", "show", "work"), 0, "Remembered: editor = helix")
	expect(t, s.macroa("sessions", "list"), 0, "work")

	// Anonymous runs leave no session rows behind.
	expect(t, s.macroa("run", "!echo anon"), 0, "anon")
	r := s.macroa("sessions", "list", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 1 || rows[0]["name"] != "work" || rows[0]["turns"] != 2.0 {
		t.Fatalf("want exactly the work session with 2 turns, got %s (%v)", r.stdout, err)
	}
	expect(t, s.macroa("sessions", "rename", "work", "job"), 0, "renamed")
	expect(t, s.macroa("sessions", "delete", "job"), 0, "deleted")
	expect(t, s.macroa("sessions", "list"), 0, "No named sessions")
}

func TestE2EREPLKeepsGoingAfterFailure(t *testing.T) {
	s := newSandbox(t)
	r := s.run("!false\n\nhelp\n!echo after\ndebug\n!echo dbg\nexit\n!echo never\n", nil, "repl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Error: command failed with exit code 1", "Built-ins", "after\n", "Debug mode on.", "route=shell-prefix"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "never") {
		t.Errorf("kept reading after exit:\n%s", r.stdout)
	}
	// Plain `macroa` with piped input is the same REPL; EOF ends it cleanly.
	r = s.run("!echo piped\n", nil)
	expect(t, r, 0, "piped")
}

func TestE2EAuditVerifyDetectsTampering(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed: skipping the other-client tamper test (.ci/run installs it)")
	}
	s := newSandbox(t)
	for i := range 4 {
		expect(t, s.macroa("run", fmt.Sprintf("!echo %d", i)), 0, fmt.Sprint(i))
	}
	expect(t, s.macroa("audit", "verify"), 0, "intact: 4 entries")
	db := filepath.Join(s.data, "macroa.db")
	out, err := exec.Command(sqlite, db, "UPDATE audit_log SET input = '!echo tampered' WHERE id = 2;").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	r := s.macroa("audit", "verify")
	if r.code != 1 || !strings.Contains(r.stdout, "entry 2") {
		t.Fatalf("want exit 1 naming entry 2, got %d:\n%s", r.code, r.stdout)
	}
}

func TestE2ESchemaTooNew(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed (.ci/run installs it)")
	}
	s := newSandbox(t)
	expect(t, s.macroa("run", "!true"), 0, "")
	db := filepath.Join(s.data, "macroa.db")
	if out, err := exec.Command(sqlite, db, "PRAGMA user_version = 999;").CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	r := s.macroa("run", "!true")
	if r.code != 1 || !strings.Contains(r.stderr, "newer") {
		t.Fatalf("want a refusal naming the newer schema, got %d: %s", r.code, r.stderr)
	}
}

// Two processes writing memory and audit entries flat out: no "database is
// locked", no lost row, and the audit chain still verifies.
func TestE2EConcurrentWriters(t *testing.T) {
	s := newSandbox(t)
	expect(t, s.macroa("run", "!true"), 0, "")
	const writers = 2
	run := 3 * time.Second
	if v := os.Getenv("MACROA_STRESS_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("MACROA_STRESS_SECONDS=%q: want a whole number of seconds", v)
		}
		run = time.Duration(n) * time.Second
	}
	deadline := time.Now().Add(run)
	var wg sync.WaitGroup
	counts := make([]int, writers)
	failures := make(chan string, 100)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				r := s.macroa("run", fmt.Sprintf("remember my key %d %d is value %d", w, i, i))
				if r.code != 0 {
					failures <- r.stderr
					return
				}
				counts[w]++
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Fatalf("a writer failed: %s", f)
	}
	total := counts[0] + counts[1]
	r := s.macroa("memory", "list", "--json")
	var facts []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &facts); err != nil {
		t.Fatal(err)
	}
	if len(facts) != total {
		t.Fatalf("%d facts stored, want %d", len(facts), total)
	}
	// Each remember commits its start record with the fact, then its outcome.
	expect(t, s.macroa("audit", "verify"), 0, fmt.Sprintf("intact: %d entries", 2*total+1))
}

func TestE2EConfig(t *testing.T) {
	s := newSandbox(t)
	secret := "sk-or-v1-0123456789abcdefSECRETMIDDLE9876"
	r := s.run("", []string{"OPENROUTER_API_KEY=" + secret, "MACROA_SHELL_TIMEOUT=5s"}, "config")
	expect(t, r, 0, "MACROA_SHELL_TIMEOUT")
	if strings.Contains(r.stdout, "SECRETMIDDLE") {
		t.Fatalf("config printed a secret:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "environment") || !strings.Contains(r.stdout, "default") {
		t.Fatalf("config does not say where settings came from:\n%s", r.stdout)
	}
	expect(t, s.macroa("config", "set", "MACROA_USER_NAME", "Ann"), 0, "Saved MACROA_USER_NAME")
	st, err := os.Stat(filepath.Join(s.data, ".env"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf(".env mode = %v (%v), want 0600", st.Mode().Perm(), err)
	}
	r = s.macroa("config")
	if !strings.Contains(r.stdout, "Ann") {
		t.Fatalf("saved setting not shown:\n%s", r.stdout)
	}
	r = s.macroa("config", "set", "MACROA_NOPE", "x")
	if r.code != 2 {
		t.Fatalf("unknown setting: exit %d, want 2", r.code)
	}
}

func TestE2ECompletion(t *testing.T) {
	s := newSandbox(t)
	expect(t, s.macroa("run", "--session", "work", "!true"), 0, "")
	expect(t, s.macroa("completion", "bash"), 0, "bash completion")
	r := s.macroa("__complete", "run", "--session", "")
	if r.code != 0 || !strings.Contains(r.stdout, "work\n") {
		t.Fatalf("session names not offered: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = s.macroa("__complete", "sessions", "delete", "")
	if !strings.Contains(r.stdout, "work\n") {
		t.Fatalf("sessions delete does not complete names:\n%s", r.stdout)
	}
}

func TestE2ELogs(t *testing.T) {
	s := newSandbox(t)
	expect(t, s.macroa("logs"), 0, "No log yet")
	logPath := filepath.Join(s.data, "logs", "macroa.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	if err := os.WriteFile(logPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := s.macroa("logs", "-n", "3")
	if r.code != 0 || r.stdout != "line 147\nline 148\nline 149\n" {
		t.Fatalf("logs -n 3: exit %d, %q", r.code, r.stdout)
	}
	r = s.macroa("logs")
	if strings.Count(r.stdout, "\n") != 100 || !strings.HasPrefix(r.stdout, "line 50\n") {
		t.Fatalf("logs shows the last 100 lines by default, got %d lines starting %q", strings.Count(r.stdout, "\n"), r.stdout[:10])
	}
}

func TestE2ETUIRefusesWithoutTerminal(t *testing.T) {
	s := newSandbox(t)
	r := s.macroa("tui")
	if r.code != 2 || !strings.Contains(r.stderr, "needs a terminal") {
		t.Fatalf("want exit 2 saying a terminal is needed, got %d: %s", r.code, r.stderr)
	}
}

func TestE2ELogsFollow(t *testing.T) {
	s := newSandbox(t)
	logPath := filepath.Join(s.data, "logs", "macroa.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logPath, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binPath, "logs", "-f")
	cmd.Env, cmd.Dir = s.env, s.home
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatal("logs -f printed nothing")
			return ""
		}
	}
	if l := next(); l != "first" {
		t.Fatalf("got %q", l)
	}
	f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "appended later")
	f.Close()
	if l := next(); l != "appended later" {
		t.Fatalf("got %q", l)
	}
}

// TestE2EBadSessionFlag: a --session name no session may have is the same
// usage error (exit 2, the reason on stderr) from run, the REPL and the
// cockpit, before anything runs: no audit entry, no session row.
func TestE2EBadSessionFlag(t *testing.T) {
	s := newSandbox(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "--session", "bad\x01name", "!echo ran"}},
		{"repl", []string{"repl", "--session", "bad\x01name"}},
		{"tui", []string{"tui", "--session", "bad\x01name"}},
		{"run, too long", []string{"run", "-s", strings.Repeat("n", 500), "!echo ran"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.run("!echo ran\n", nil, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, "session") || strings.Contains(r.stdout, "ran") {
				t.Fatalf("want exit 2 naming the session and nothing run; got exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			assertNoCrash(t, r)
		})
	}
	expect(t, s.macroa("sessions", "list"), 0, "No named sessions")
	if r := s.macroa("audit", "recent", "--json"); strings.Contains(r.stdout, "echo ran") {
		t.Fatalf("a refused run left an audit entry: %s", r.stdout)
	}
}

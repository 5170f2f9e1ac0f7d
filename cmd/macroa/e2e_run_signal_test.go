package main

import (
	"bufio"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2ERunEndedMidStream: a `macroa run` whose reader goes away (`|
// head -c1`) or that is told to stop (SIGTERM from `timeout`, SIGHUP from
// a closed terminal) while an answer streams still saves the partial
// answer as cancelled and writes the run's audit entry: no run goes
// unrecorded because its process was ended.
func TestE2ERunEndedMidStream(t *testing.T) {
	s, srv, env := modelSandbox(t)
	answerAsChat(srv, manyWords)
	for _, c := range []struct {
		name string
		end  func(cmd *exec.Cmd, out *bufio.Reader)
	}{
		{"closed-pipe", func(cmd *exec.Cmd, _ *bufio.Reader) {}}, // the reader is closed below
		{"sigterm", func(cmd *exec.Cmd, _ *bufio.Reader) { _ = cmd.Process.Signal(syscall.SIGTERM) }},
		{"sighup", func(cmd *exec.Cmd, _ *bufio.Reader) { _ = cmd.Process.Signal(syscall.SIGHUP) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(binPath, "run", "--session", c.name, "count for a long time")
			cmd.Dir = s.home
			cmd.Env = append(append([]string{}, s.env...), env...)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			out := bufio.NewReader(stdout)
			if _, err := out.ReadString(' '); err != nil { // the answer streams
				t.Fatal(err)
			}
			c.end(cmd, out)
			_ = stdout.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("macroa run did not end")
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit code %d (%v), want 1: the run was cut short", code, cmd.ProcessState)
			}
			expect(t, s.run("", env, "sessions", "show", c.name), 0, "[cancelled]")
			r := s.run("", env, "audit", "recent", "-n", "1")
			if !strings.Contains(r.stdout, c.name) {
				t.Errorf("no audit entry for the run:\n%s", r.stdout)
			}
		})
	}
	expect(t, s.run("", env, "audit", "verify"), 0, "intact")
}

// TestE2EREPLEndedMidStream: the same for the line session: a hangup or
// SIGTERM while an answer streams saves it as cancelled, audits the run,
// and ends the session.
func TestE2EREPLEndedMidStream(t *testing.T) {
	s, srv, env := modelSandbox(t)
	answerAsChat(srv, manyWords)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		name := "repl-" + strings.ToLower(sig.String()[:4])
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(binPath, "repl", "--session", name)
			cmd.Dir = s.home
			cmd.Env = append(append([]string{}, s.env...), env...)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer stdin.Close() // open until the end: the session must not end by EOF
			if _, err := stdin.Write([]byte("count for a long time\n")); err != nil {
				t.Fatal(err)
			}
			if _, err := bufio.NewReader(stdout).ReadString(' '); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("macroa repl did not end")
			}
			expect(t, s.run("", env, "sessions", "show", name), 0, "[cancelled]")
			if r := s.run("", env, "audit", "recent", "-n", "1"); !strings.Contains(r.stdout, name) {
				t.Errorf("no audit entry for the run:\n%s", r.stdout)
			}
		})
	}
}

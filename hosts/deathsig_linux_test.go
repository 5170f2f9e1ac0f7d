package hosts

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The command's runner, this test binary started again, runs a command
// that writes its pid and sleeps.
func init() {
	if pidFile := os.Getenv("MACROA_HOSTS_DEATHSIG_HELPER"); pidFile != "" {
		_, _ = Local{}.Run(context.Background(), Command{Argv: []string{"sh", "-c", "echo $$ > " + pidFile + ".tmp && mv " + pidFile + ".tmp " + pidFile + " && exec sleep 120"}}, 0)
		os.Exit(0)
	}
}

// TestCommandDiesWithItsRunner: kill -9 of the process running a command
// kills the command too (Linux), so nothing goes on running unseen after
// its runner died.
func TestCommandDiesWithItsRunner(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	runner := exec.Command(exe, "-test.run=^$")
	runner.Env = append(os.Environ(), "MACROA_HOSTS_DEATHSIG_HELPER="+pidFile)
	if err := runner.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Process.Kill(); _ = runner.Wait() })
	var pid int
	deadline := time.Now().Add(20 * time.Second)
	for pid == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the command never started")
		}
		if b, err := os.ReadFile(pidFile); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		time.Sleep(10 * time.Millisecond) // polling a file another process writes
	}
	if !running(pid) {
		t.Fatalf("the command %d is not running before its runner is killed", pid)
	}
	if err := runner.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = runner.Wait()
	for running(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the command %d outlived its runner", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running reports whether pid is a live process (a zombie is not).
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

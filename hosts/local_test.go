package hosts

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sh(script string) Command { return ShellCommand("/bin/sh", script) }

func TestLocalRun(t *testing.T) {
	tests := []struct {
		name       string
		script     string
		wantOut    string
		wantErr    string
		wantCode   int
		wantTrunc  bool
		maxOutput  int
		outContain bool
	}{
		{name: "stdout", script: "echo hi", wantOut: "hi\n"},
		{name: "exit code", script: "echo oops >&2; exit 3", wantErr: "oops\n", wantCode: 3},
		{name: "ansi stripped", script: `printf '\033[31mred\033[0m \033]0;title\007\033[2Jok\n'`, wantOut: "red ok\n"},
		{name: "crlf folded", script: `printf 'a\r\nb\r\n'`, wantOut: "a\nb\n"},
		{name: "truncated", script: "yes x | head -c 100000", maxOutput: 10, wantOut: "x\nx\nx\nx\nx\n\n" + TruncationMarker(10), wantTrunc: true},
		{name: "killed by signal", script: "kill -9 $$", wantCode: 137},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Local{MaxOutput: tc.maxOutput}.Run(context.Background(), sh(tc.script), 10*time.Second)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if out.Stdout != tc.wantOut {
				t.Errorf("stdout = %q, want %q", out.Stdout, tc.wantOut)
			}
			if out.Stderr != tc.wantErr {
				t.Errorf("stderr = %q, want %q", out.Stderr, tc.wantErr)
			}
			if out.ExitCode != tc.wantCode {
				t.Errorf("exit code = %d, want %d", out.ExitCode, tc.wantCode)
			}
			if out.Truncated != tc.wantTrunc {
				t.Errorf("truncated = %v, want %v", out.Truncated, tc.wantTrunc)
			}
		})
	}
}

func TestLocalRunMissingProgram(t *testing.T) {
	_, err := Local{}.Run(context.Background(), Command{Argv: []string{"/no/such/program"}}, time.Second)
	if err == nil || !strings.Contains(err.Error(), "/no/such/program") {
		t.Fatalf("want an error naming the program, got %v", err)
	}
}

// TestLocalTimeoutKillsGroup checks that a timeout kills the shell and every
// child it started, not only the shell.
func TestLocalTimeoutKillsGroup(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pid")
	script := "sleep 60 & echo $! > " + marker + "; sleep 60"
	start := time.Now()
	out, err := Local{}.Run(context.Background(), sh(script), 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if !out.TimedOut || out.ExitCode != ExitCodeTimeout {
		t.Fatalf("want timeout with code %d, got %+v", ExitCodeTimeout, out)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	b, err := os.ReadFile(marker)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	waitGone(t, pid)
}

func TestLocalCancelKillsGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the command is running, not after a guessed delay.
	mark := filepath.Join(t.TempDir(), "started")
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(mark); err == nil {
				cancel()
				return
			}
			time.Sleep(2 * time.Millisecond) // poll interval, not a guess at timing
		}
	}()
	out, err := Local{}.Run(ctx, sh(": > "+mark+"; sleep 60"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Canceled || out.Duration > 3*time.Second {
		t.Fatalf("want a prompt cancel, got %+v", out)
	}
}

// A background child that keeps stdout open must not hold the command up.
func TestLocalBackgroundChildDoesNotBlock(t *testing.T) {
	out, err := Local{IODelay: 100 * time.Millisecond}.Run(context.Background(), sh("sleep 30 & echo started"), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if out.Stdout != "started\n" || out.ExitCode != 0 {
		t.Fatalf("got %+v", out)
	}
	if out.Duration > 3*time.Second {
		t.Fatalf("took %v: the background child held the pipe", out.Duration)
	}
}

func TestUserShell(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{nil, "/bin/sh"},
		{[]string{"SHELL=/bin/sh"}, "/bin/sh"},
		{[]string{"SHELL=/no/such/shell"}, "/bin/sh"},
		{[]string{"SHELL=bash"}, "/bin/sh"},
	}
	for _, tc := range tests {
		if got := UserShell(tc.env); got != tc.want {
			t.Errorf("UserShell(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// waitGone fails the test unless pid is gone (or a zombie) within 2 s.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("process %d is still alive", pid)
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

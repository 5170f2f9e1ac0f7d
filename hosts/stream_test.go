package hosts

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// collect runs script with Stream and returns the lines it handed on.
func collect(t *testing.T, l Local, script string) ([]Line, Output) {
	t.Helper()
	var (
		mu    sync.Mutex
		lines []Line
		busy  atomic.Int32
	)
	out, err := l.Stream(context.Background(), sh(script), 10*time.Second, func(ln Line) {
		if busy.Add(1) != 1 {
			t.Error("onLine called concurrently")
		}
		defer busy.Add(-1)
		mu.Lock()
		lines = append(lines, ln)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	return lines, out
}

// joined is what one stream handed on, in order.
func joined(lines []Line, s Stream) string {
	var b strings.Builder
	for _, l := range lines {
		if l.Stream == s {
			b.WriteString(l.Text)
		}
	}
	return b.String()
}

func TestLocalStreamLines(t *testing.T) {
	long := strings.Repeat("é", 3000) // 6000 bytes, no newline: handed on in pieces
	tests := []struct {
		name, script   string
		max            int
		stdout, stderr string
		minLines       int
	}{
		{name: "lines in order", script: "echo one; echo two", stdout: "one\ntwo\n", minLines: 2},
		{name: "both streams", script: "echo out; echo err >&2", stdout: "out\n", stderr: "err\n", minLines: 2},
		{name: "last line without newline", script: "printf 'a\\nb'", stdout: "a\nb", minLines: 2},
		{name: "escapes stripped", script: `printf '\033[31mred\033[0m \033]52;c;aGk=\007ok\r\n'`, stdout: "red ok\n"},
		{name: "invalid utf-8 replaced", script: `printf 'a\377b\n'`, stdout: "a\uFFFDb\n"},
		{name: "long line in whole characters", script: "printf '" + long + "'", stdout: long, minLines: 2},
		{name: "cut at the limit with the marker", script: "yes x | head -c 100000", max: 10,
			stdout: "x\nx\nx\nx\nx\n" + TruncationMarker(10) + "\n"},
		{name: "long line cut at the limit", script: "head -c 100000 /dev/zero | tr '\\0' y", max: 5000,
			stdout: strings.Repeat("y", 5000) + "\n" + TruncationMarker(5000) + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, out := collect(t, Local{MaxOutput: tc.max}, tc.script)
			if got := joined(lines, Stdout); got != tc.stdout {
				t.Errorf("stdout lines = %q, want %q", got, tc.stdout)
			}
			if got := joined(lines, Stderr); got != tc.stderr {
				t.Errorf("stderr lines = %q, want %q", got, tc.stderr)
			}
			if len(lines) < tc.minLines {
				t.Errorf("%d lines handed on, want at least %d", len(lines), tc.minLines)
			}
			for _, l := range lines {
				if !utf8.ValidString(l.Text) || strings.ContainsAny(l.Text, "\x1b\x07") {
					t.Errorf("a line is not clean: %q", l.Text)
				}
			}
			// The result is Run's, whoever watched.
			ran, err := Local{MaxOutput: tc.max}.Run(context.Background(), sh(tc.script), 10*time.Second)
			if err != nil || ran.Stdout != out.Stdout || ran.Stderr != out.Stderr || ran.Truncated != out.Truncated {
				t.Errorf("Stream's output %+v differs from Run's %+v (%v)", out, ran, err)
			}
		})
	}
}

// TestLocalStreamBeforeExit: a line reaches onLine while the command is
// still running (it waits on a FIFO the test writes only after the line
// was seen).
func TestLocalStreamBeforeExit(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "go")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	seen := make(chan string, 8)
	done := make(chan Output, 1)
	go func() {
		out, err := Local{}.Stream(context.Background(), sh("echo first; read x < "+fifo+"; echo second $x"), 20*time.Second,
			func(l Line) { seen <- l.Text })
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	select {
	case l := <-seen:
		if l != "first\n" {
			t.Fatalf("first line = %q", l)
		}
	case out := <-done:
		t.Fatalf("the command ended before its first line was handed on: %+v", out)
	case <-time.After(15 * time.Second):
		t.Fatal("no line while the command runs")
	}
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString("go\n")
	w.Close()
	out := <-done
	if l := <-seen; l != "second go\n" || out.Stdout != "first\nsecond go\n" {
		t.Fatalf("second line %q, output %q", l, out.Stdout)
	}
}

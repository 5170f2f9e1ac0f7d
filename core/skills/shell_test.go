package skills_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
)

func shellIntent(command string) skills.Intent {
	return skills.Intent{Skill: skills.Shell, Action: "run", Args: map[string]string{"command": command}}
}

func TestShellSkillOutput(t *testing.T) {
	tests := []struct {
		name       string
		command    string
		wantOutput string
		wantOK     bool
		wantCode   int
		wantErr    string // substring of Error; "" means Error must be empty
	}{
		{name: "stdout only", command: "echo hello; echo world",
			wantOutput: "hello\nworld", wantOK: true},
		{name: "stderr under its own line after stdout", command: "echo err >&2; echo out",
			wantOutput: "out\n[stderr]\nerr", wantOK: true},
		{name: "stderr only", command: "echo oops >&2",
			wantOutput: "[stderr]\noops", wantOK: true},
		{name: "silent success prints nothing", command: "true",
			wantOutput: "", wantOK: true},
		{name: "non-zero exit keeps the output", command: "echo partial; echo broken >&2; exit 3",
			wantOutput: "partial\n[stderr]\nbroken", wantCode: 3, wantErr: "exit code 3"},
		{name: "silent failure names the code", command: "exit 7",
			wantOutput: "(exited with code 7)", wantCode: 7, wantErr: "exit code 7"},
		{name: "output printed literally", command: `printf '[bold]x[/bold] *y*\n'`,
			wantOutput: "[bold]x[/bold] *y*", wantOK: true},
		{name: "empty command asks for one", command: "   ",
			wantOutput: skills.ShellHelp, wantOK: true},
		{name: "missing command", command: "definitely-not-a-command-xyz",
			wantCode: 127, wantErr: "exit code 127"},
	}
	sh := skills.ShellSkill{Shell: "/bin/sh", Timeout: 10 * time.Second}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := sh.Run(context.Background(), shellIntent(tc.command))
			if res.Success != tc.wantOK {
				t.Errorf("Success = %v, want %v (error %q)", res.Success, tc.wantOK, res.Error)
			}
			if res.ExitCode != tc.wantCode {
				t.Errorf("ExitCode = %d, want %d", res.ExitCode, tc.wantCode)
			}
			if tc.wantOutput != "" || tc.wantOK {
				if res.Output != tc.wantOutput {
					t.Errorf("Output = %q, want %q", res.Output, tc.wantOutput)
				}
			}
			switch {
			case tc.wantErr == "" && res.Error != "":
				t.Errorf("Error = %q, want none", res.Error)
			case tc.wantErr != "" && !strings.Contains(res.Error, tc.wantErr):
				t.Errorf("Error = %q, want it to mention %q", res.Error, tc.wantErr)
			}
		})
	}
}

func TestShellSkillStopped(t *testing.T) {
	tests := []struct {
		name         string
		timeout      time.Duration
		cancelOnMark bool // cancel the context once the command has printed
		wantErr      string
		wantCode     int // 0: not checked
	}{
		{name: "timeout kills the command", timeout: 300 * time.Millisecond,
			wantErr: "timed out", wantCode: hosts.ExitCodeTimeout},
		{name: "context cancel kills the command", timeout: time.Minute, cancelOnMark: true,
			wantErr: "cancelled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The command marks a file once it has printed, so the test
			// knows it started instead of assuming it did within some time.
			mark := filepath.Join(t.TempDir(), "started")
			if tc.cancelOnMark {
				go func() {
					waitForFile(ctx, mark)
					cancel()
				}()
			}
			sh := skills.ShellSkill{Shell: "/bin/sh", Timeout: tc.timeout}
			start := time.Now()
			res := sh.Run(ctx, shellIntent("echo started; : > "+mark+"; sleep 30"))
			took := time.Since(start)

			if res.Success {
				t.Fatalf("Success = true for a stopped command: %+v", res)
			}
			if !strings.Contains(res.Error, tc.wantErr) {
				t.Errorf("Error = %q, want it to say %q", res.Error, tc.wantErr)
			}
			if tc.wantCode != 0 && res.ExitCode != tc.wantCode {
				t.Errorf("ExitCode = %d, want %d", res.ExitCode, tc.wantCode)
			}
			// A timeout may stop a slow-starting shell before it prints; what
			// was printed before the stop must be kept whenever it printed.
			if _, err := os.Stat(mark); err == nil && !strings.Contains(res.Output, "started") {
				t.Errorf("Output = %q, want what was printed before the stop", res.Output)
			}
			// Far below the 30s sleep: the process group was killed, not waited for.
			if took > 20*time.Second {
				t.Errorf("Run took %s; the command was not killed", took)
			}
		})
	}
}

// waitForFile returns once path exists or ctx ends.
func waitForFile(ctx context.Context, path string) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func TestShellSkillDir(t *testing.T) {
	dir := t.TempDir()
	want, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "marker.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		command, want string
	}{
		{"pwd -P", want},
		{"ls", "marker.txt"},
	}
	sh := skills.ShellSkill{Shell: "/bin/sh", Timeout: 10 * time.Second, Dir: dir}
	for _, tc := range tests {
		t.Run(tc.command, func(t *testing.T) {
			res := sh.Run(context.Background(), shellIntent(tc.command))
			if !res.Success || res.Output != tc.want {
				t.Errorf("got success=%v output=%q error=%q, want output %q", res.Success, res.Output, res.Error, tc.want)
			}
		})
	}
}

// TestShellSkillStreaming: the lines reach the callback as printed, each
// with its stream (the order between two pipes is the scheduler's), while
// the result is the complete formatted output Run gives.
func TestShellSkillStreaming(t *testing.T) {
	tests := []struct {
		name, command, wantOut, wantErr, wantOutput string
		wantOK                                      bool
	}{
		{name: "stdout and stderr apart", command: "echo a; echo b >&2; echo c",
			wantOut: "a\nc\n", wantErr: "b\n", wantOutput: "a\nc\n[stderr]\nb", wantOK: true},
		{name: "a failure still streams", command: "echo partial; exit 4",
			wantOut: "partial\n", wantOutput: "partial"},
		{name: "escapes never reach the callback", command: `printf '\033]0;title\007\033[1mbold\033[0m\n'`,
			wantOut: "bold\n", wantOutput: "bold", wantOK: true},
		{name: "empty command runs nothing", command: " ", wantOutput: skills.ShellHelp, wantOK: true},
	}
	sh := skills.ShellSkill{Shell: "/bin/sh", Timeout: 10 * time.Second}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := map[hosts.Stream]*strings.Builder{hosts.Stdout: {}, hosts.Stderr: {}}
			res := sh.RunStreaming(context.Background(), shellIntent(tc.command), func(l hosts.Line) { got[l.Stream].WriteString(l.Text) })
			if got[hosts.Stdout].String() != tc.wantOut || got[hosts.Stderr].String() != tc.wantErr {
				t.Errorf("lines: stdout %q stderr %q, want %q and %q", got[hosts.Stdout], got[hosts.Stderr], tc.wantOut, tc.wantErr)
			}
			if res.Output != tc.wantOutput || res.Success != tc.wantOK {
				t.Errorf("result = %q success=%v, want %q success=%v", res.Output, res.Success, tc.wantOutput, tc.wantOK)
			}
			if plain := sh.Run(context.Background(), shellIntent(tc.command)); plain.Output != res.Output {
				t.Errorf("Run gave %q, RunStreaming %q", plain.Output, res.Output)
			}
		})
	}
}

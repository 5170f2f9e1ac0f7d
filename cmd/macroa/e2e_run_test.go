package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestE2ERunShell(t *testing.T) {
	s := newSandbox(t)
	tests := []struct {
		name        string
		input       string
		code        int
		stdout      string
		stderrHas   string
		exactStdout bool
	}{
		{name: "echo", input: "!echo hi", stdout: "hi\n", exactStdout: true},
		{name: "dollar form", input: "$ echo dollar", stdout: "dollar\n", exactStdout: true},
		{name: "exit code", input: "!exit 3", code: 1, stdout: "(exited with code 3)", stderrHas: "exit code 3"},
		{name: "failed output shown", input: "!echo out; echo err >&2; exit 2", code: 1, stdout: "out\n[stderr]\nerr\n", exactStdout: true, stderrHas: "exit code 2"},
		{name: "printed literally", input: "!echo '[red]x[/red] [/x] **b**'", stdout: "[red]x[/red] [/x] **b**\n", exactStdout: true},
		{name: "bare bang", input: "!", stdout: "What command would you like me to run?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.macroa("run", tc.input)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, tc.code, r.stderr)
			}
			if tc.exactStdout && r.stdout != tc.stdout || !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout = %q, want %q", r.stdout, tc.stdout)
			}
			if !strings.Contains(r.stderr, tc.stderrHas) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tc.stderrHas)
			}
			assertNoCrash(t, r)
		})
	}
}

// The shell timeout kills the command and everything it started, and the
// run returns at the timeout, not when the command would have finished.
func TestE2EShellTimeout(t *testing.T) {
	s := newSandbox(t)
	pidFile := filepath.Join(s.home, "pid")
	r := s.run("", []string{"MACROA_SHELL_TIMEOUT=2s"}, "run", "!sh -c 'echo $$ > "+pidFile+"; exec sleep 60'")
	if r.code != 1 || !strings.Contains(r.stderr, "timed out after 2s") {
		t.Fatalf("want exit 1 and a timeout message, got %d: %s", r.code, r.stderr)
	}
	if r.elapsed < 1900*time.Millisecond || r.elapsed > 6*time.Second {
		t.Fatalf("run took %v, want about 2s", r.elapsed)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(2 * time.Second)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("sleep (pid %d) outlived the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func processAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

// Memory works across processes, and neither process opens a network
// connection (checked with strace when it is installed).
func TestE2EMemoryAcrossProcesses(t *testing.T) {
	s := newSandbox(t)
	expect(t, s.macroa("run", "remember my server IP is 10.0.0.1"), 0, "Remembered: server_ip = 10.0.0.1")
	expect(t, s.macroa("run", "what is my server IP?"), 0, "10.0.0.1")
	expect(t, s.macroa("memory", "get", "server_ip"), 0, "10.0.0.1")
	expect(t, s.macroa("run", "forget my server IP"), 0, "Forgot: server_ip")
	r := s.macroa("memory", "get", "server_ip")
	if r.code != 1 {
		t.Fatalf("get after forget: exit %d, want 1", r.code)
	}

	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Log("strace not installed: skipping the no-network check (.ci/run installs it)")
		return
	}
	for _, input := range []string{"remember my server IP is 10.0.0.2", "what is my server IP?"} {
		trace := filepath.Join(t.TempDir(), "trace")
		cmd := exec.Command(strace, "-f", "-e", "trace=connect,sendto", "-o", trace, binPath, "run", input)
		cmd.Env, cmd.Dir = s.env, s.home
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("strace macroa run %q: %v\n%s", input, err, out)
		}
		b, _ := os.ReadFile(trace)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "AF_INET") {
				t.Fatalf("%q opened a network connection: %s", input, line)
			}
		}
	}
}

func TestE2ENoProvider(t *testing.T) {
	s := newSandbox(t)
	r := s.macroa("run", "tell me a joke")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	msg := strings.TrimSpace(r.stderr)
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "OPENROUTER_API_KEY") || !strings.Contains(msg, "MACROA_BASE_URL") {
		t.Fatalf("want one line on how to configure a provider, got %q", msg)
	}
	assertNoCrash(t, r)
}

func TestE2EJSON(t *testing.T) {
	s := newSandbox(t)
	r := s.macroa("run", "--json", "!echo think carefully")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, r.stdout)
	}
	for _, k := range []string{"output", "success", "error", "route", "skill", "tier", "model", "session", "llm_calls", "tokens", "cost_usd", "elapsed_ms"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing field %q in %s", k, r.stdout)
		}
	}
	if got["output"] != "think carefully" || got["skill"] != "shell" || got["tier"] != "sonnet" || got["llm_calls"] != 0.0 {
		t.Errorf("unexpected values: %s", r.stdout)
	}
	r = s.macroa("run", "--json", "!exit 4")
	if r.code != 1 || !strings.Contains(r.stdout, `"success":false`) || !strings.Contains(r.stdout, `"exit_code":1`) ||
		!strings.Contains(r.stdout, `"command_exit_code":4`) {
		t.Errorf("failed run as JSON: exit %d, %s", r.code, r.stdout)
	}
}

func TestE2EBadInput(t *testing.T) {
	s := newSandbox(t)
	fileNotDir := filepath.Join(s.home, "afile")
	if err := os.WriteFile(fileNotDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stderr string
	}{
		{name: "unknown subcommand", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"run", "--nope", "x"}, code: 2, stderr: "unknown flag"},
		{name: "empty input", args: []string{"run", "  "}, code: 2, stderr: "run needs an input"},
		{name: "no input", args: []string{"run"}, code: 2, stderr: "run needs an input"},
		{name: "unwritable data dir", env: []string{"MACROA_HOME=" + filepath.Join(fileNotDir, "sub")}, args: []string{"run", "!true"}, code: 1, stderr: "MACROA_HOME"},
		{name: "bad env value", env: []string{"MACROA_CONTEXT_WINDOW=abc"}, args: []string{"run", "!true"}, code: 1, stderr: "MACROA_CONTEXT_WINDOW"},
		{name: "bad session name", args: []string{"run", "--session", "a\nb", "!true"}, code: 2, stderr: "session name contains a control character"},
		{name: "outside root", args: []string{"run", "read file /etc/hostname"}, code: 1, stderr: "outside the allowed root"},
		{name: "missing session", args: []string{"sessions", "delete", "nope"}, code: 1, stderr: `no session named "nope"`},
		{name: "bad ttl", args: []string{"memory", "set", "k", "v", "--ttl", "soon"}, code: 2, stderr: "invalid argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.run("", tc.env, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("want exit %d and stderr containing %q; got exit %d, stderr %q", tc.code, tc.stderr, r.code, r.stderr)
			}
			assertNoCrash(t, r)
		})
	}
}

func TestE2EBrokenConfigFile(t *testing.T) {
	s := newSandbox(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	toml := "theme = \"dark\"\n\n[policy]\nautonomy = \"yolo\"\n"
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	r := s.macroa("run", "!echo hi")
	if r.code != 1 || !strings.Contains(r.stderr, "line 4") || !strings.Contains(r.stderr, "autonomy") {
		t.Fatalf("want exit 1 naming line 4 and the field; got %d: %s", r.code, r.stderr)
	}
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte("theme = \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = s.macroa("config")
	if r.code != 1 || !strings.Contains(r.stderr, "line 1") {
		t.Fatalf("syntax error: want exit 1 naming line 1; got %d: %s", r.code, r.stderr)
	}
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binPath is the macroa binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "macroa-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "macroa")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build macroa:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sandbox is a fresh HOME and MACROA_HOME for one test, with no provider
// settings leaking in from the machine running the tests.
type sandbox struct {
	t    *testing.T
	home string // HOME: the file skill's root
	data string // MACROA_HOME
	env  []string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	home := t.TempDir()
	s := &sandbox{t: t, home: home, data: filepath.Join(home, ".macroa")}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "MACROA_") || strings.HasPrefix(name, "OPENROUTER_") || strings.HasPrefix(name, "OPENAI_") ||
			name == "HOME" || name == "NO_COLOR" {
			continue
		}
		s.env = append(s.env, kv)
	}
	s.env = append(s.env, "HOME="+home, "MACROA_HOME="+s.data, "SHELL=/bin/sh")
	return s
}

// result is what one macroa process did.
type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

// run starts macroa with args in the sandbox's HOME, extra env appended.
func (s *sandbox) run(stdin string, extraEnv []string, args ...string) result {
	s.t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir = s.home
	cmd.Env = append(append([]string{}, s.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			s.t.Fatalf("macroa %v: %v", args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// macroa runs macroa with no stdin and no extra environment.
func (s *sandbox) macroa(args ...string) result {
	s.t.Helper()
	return s.run("", nil, args...)
}

// expect fails the test unless r exited with code and stdout holds want.
func expect(t *testing.T, r result, code int, want string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stdout, want) {
		t.Fatalf("want exit %d and stdout containing %q; got exit %d\nstdout: %s\nstderr: %s", code, want, r.code, r.stdout, r.stderr)
	}
	assertNoCrash(t, r)
}

// assertNoCrash fails on anything that looks like a Go panic or trace.
func assertNoCrash(t *testing.T, r result) {
	t.Helper()
	for _, s := range []string{"panic:", "goroutine ", "runtime error"} {
		if strings.Contains(r.stderr, s) || strings.Contains(r.stdout, s) {
			t.Fatalf("output looks like a crash:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
		}
	}
}

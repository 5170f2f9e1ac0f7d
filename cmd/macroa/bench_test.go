package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// benchProcess runs argv b.N times as a cold process and reports the median
// wall time and the largest peak RSS seen.
//
// Peak RSS comes from GNU time(1) when it is installed: Go starts children
// with CLONE_VM, so a child's own rusage counts the parent test process's
// memory until exec, and would report this benchmark's size, not macroa's.
func benchProcess(b *testing.B, env []string, dir string, argv ...string) {
	b.Helper()
	gnuTime, timeErr := exec.LookPath("/usr/bin/time")
	if timeErr != nil {
		b.Log("/usr/bin/time not installed: peak RSS includes the benchmark process (apt-get install time)")
	}
	times := make([]time.Duration, 0, b.N)
	var maxRSS int64
	for b.Loop() {
		args := argv
		if timeErr == nil {
			args = append([]string{gnuTime, "-f", "%M"}, argv...)
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env, cmd.Dir = env, dir
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%v: %v\n%s", argv, err, stderr.String())
		}
		times = append(times, time.Since(start))
		rss := int64(0)
		if timeErr == nil {
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			rss, _ = strconv.ParseInt(strings.TrimSpace(lines[len(lines)-1]), 10, 64)
		} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss
		}
		maxRSS = max(maxRSS, rss)
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MB")
}

func benchSandbox(b *testing.B) (env []string, home string) {
	home = b.TempDir()
	env = []string{"HOME=" + home, "MACROA_HOME=" + filepath.Join(home, ".macroa"), "PATH=" + os.Getenv("PATH"), "SHELL=/bin/sh"}
	return env, home
}

// BenchmarkColdRunTrue: a whole `macroa run '!true'` process. Target: faster
// than `python3 -c pass`, peak RSS under 40 MB.
func BenchmarkColdRunTrue(b *testing.B) {
	env, home := benchSandbox(b)
	benchProcess(b, env, home, binPath, "run", "!true")
}

// BenchmarkColdPython3Pass is the yardstick for BenchmarkColdRunTrue: every
// distinct python3 interpreter on the machine (the one on PATH, resolved
// past version-manager shims such as pyenv's, and /usr/bin/python3), so the
// comparison is with the fastest.
func BenchmarkColdPython3Pass(b *testing.B) {
	var interpreters []string
	if out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output(); err == nil {
		interpreters = append(interpreters, strings.TrimSpace(string(out)))
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil && !slices.Contains(interpreters, "/usr/bin/python3") {
		interpreters = append(interpreters, "/usr/bin/python3")
	}
	if len(interpreters) == 0 {
		b.Skip("python3 not installed")
	}
	for _, py := range interpreters {
		b.Run(strings.ReplaceAll(py, "/", "_"), func(b *testing.B) {
			benchProcess(b, os.Environ(), "", py, "-c", "pass")
		})
	}
}

// BenchmarkColdRecall100k: `macroa run 'what is my server IP?'` with 100,000
// facts stored. Target: under 25 ms.
func BenchmarkColdRecall100k(b *testing.B) {
	env, home := benchSandbox(b)
	if err := os.MkdirAll(filepath.Join(home, ".macroa"), 0o700); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(home, ".macroa", "macroa.db"))
	if err != nil {
		b.Fatal(err)
	}
	if err := store.SeedFacts(ctx, db, 100_000); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.ResetTimer()
	benchProcess(b, env, home, binPath, "run", "what is my server IP?")
}

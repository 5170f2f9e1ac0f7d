package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// benchProcess runs argv b.N times as a cold process and reports the median
// wall time and the largest peak RSS seen.
func benchProcess(b *testing.B, env []string, dir string, argv ...string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	var maxRSS int64
	for b.Loop() {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env, cmd.Dir = env, dir
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", argv, err, out)
		}
		times = append(times, time.Since(start))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
			maxRSS = ru.Maxrss
		}
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

// BenchmarkColdPython3Pass is the yardstick for BenchmarkColdRunTrue. It
// times the interpreter itself: a version manager's shim (pyenv) would add
// a shell script's start-up and flatter macroa.
func BenchmarkColdPython3Pass(b *testing.B) {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		b.Skip("python3 not installed")
	}
	py := strings.TrimSpace(string(out))
	b.Logf("python3 is %s", py)
	benchProcess(b, os.Environ(), "", py, "-c", "pass")
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

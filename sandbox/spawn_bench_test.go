package sandbox

import (
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/sandbox/support"
)

// BenchmarkSpawn starts `true` plainly and through the sandbox in turns,
// in one loop, so both medians see the same machine; added-ms is what
// confinement adds to a command's start and end (target: under 5 ms).
// The home is this process's, walked as a real one is; cold-ms is the
// first command of a Box, which builds the allow-list.
func BenchmarkSpawn(b *testing.B) {
	if s := support.Detect(); s.Level() != support.LevelFull {
		b.Skipf("this kernel cannot confine fully: %s", s.Describe())
	}
	home := homeDir(b)
	run := func(start func(*exec.Cmd) (func(), error)) time.Duration {
		t0 := time.Now()
		cmd := exec.Command("true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		release, err := start(cmd)
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		release()
		return time.Since(t0)
	}
	plain := func(c *exec.Cmd) (func(), error) { return func() {}, c.Start() }

	forgetOpened() // the first command walks and opens the allow-list
	cold := New(ModeBestEffort, home, nil)
	coldTook := run(cold.Start)

	box := New(ModeBestEffort, home, nil)
	var plainTook, boxTook []time.Duration
	for b.Loop() {
		plainTook = append(plainTook, run(plain))
		boxTook = append(boxTook, run(box.Start))
	}
	p, s := median(plainTook), median(boxTook)
	b.ReportMetric(ms(p), "plain-ms")
	b.ReportMetric(ms(s), "sandbox-ms")
	b.ReportMetric(ms(s-p), "added-ms")
	b.ReportMetric(ms(coldTook), "cold-ms")
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

package sandbox

import (
	"github.com/macroa/macroa/sandbox/support"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// BenchmarkSpawn runs `true` plainly and through the sandbox, side by side;
// the medians say what confinement adds to a command's start (target:
// under 5 ms).
func BenchmarkSpawn(b *testing.B) {
	if s := support.Detect(); s.Level() != support.LevelFull {
		b.Skipf("this kernel cannot confine fully: %s", s.Describe())
	}
	home, tmp := b.TempDir(), b.TempDir()
	cases := []struct {
		name string
		cmd  func() (*exec.Cmd, error)
	}{
		{"plain", func() (*exec.Cmd, error) { return exec.Command("true"), nil }},
		{"sandbox", func() (*exec.Cmd, error) {
			return Command(Spec{Argv: []string{"true"}, Home: home, TempDir: tmp, Require: support.LevelFull})
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				cmd, err := c.cmd()
				if err != nil {
					b.Fatal(err)
				}
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
		})
	}
}

package sandbox

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/sandbox/support"
)

// BenchmarkSeccompLoad installs the filter compiled at run time by the
// library (what every command paid before) and the precompiled one, side
// by side. Each load happens on a fresh locked thread that then exits, so
// no filter stays on a thread the test keeps; the medians time the load
// alone, ns/op includes the thread's start and end. The library's tables,
// built when the program starts, are not in these figures
// (GODEBUG=inittrace=1 shows them).
func BenchmarkSeccompLoad(b *testing.B) {
	if !support.Detect().Seccomp {
		b.Skipf("no seccomp here: %s", support.Detect().Describe())
	}
	cases := []struct {
		name string
		load func() error
	}{
		{"library", func() error {
			filter, err := compileFilter(runtime.GOARCH)
			if err != nil {
				return err
			}
			if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
				return err
			}
			return installFilter(filter)
		}},
		{"precompiled", loadSeccomp},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			type result struct {
				took time.Duration
				err  error
			}
			done := make(chan result)
			for b.Loop() {
				go func() {
					runtime.LockOSThread() // never unlocked: the thread exits, its filter with it
					start := time.Now()
					err := c.load()
					done <- result{time.Since(start), err}
				}()
				r := <-done
				if r.err != nil {
					b.Fatal(r.err)
				}
				took = append(took, r.took)
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds())/1000, "median-µs")
		})
	}
}

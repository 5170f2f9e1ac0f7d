package hosts

import (
	"math"
	"strings"

	"github.com/macroa/macroa/core/fleet"
)

// blocks are the sparkline's eight heights.
var blocks = []rune("▁▂▃▄▅▆▇█")

// metric picks one number of a sample.
type metric func(s *fleet.Sample) float64

func loadOf(s *fleet.Sample) float64 { return s.Load1 }
func cpuOf(s *fleet.Sample) float64  { return s.CPUPercent }
func memOf(s *fleet.Sample) float64  { return s.MemPercent }
func diskOf(s *fleet.Sample) float64 { return s.DiskPercent }

// spark draws the last width samples of a metric as a line of exactly
// width cells, the newest on the right: heights scaled from 0 to top (a
// percentage's 100), or to the largest value shown when top is 0 (a
// load). A sample that was not measured, or a probe that did not answer,
// is a gap (a space); missing history on the left is blank too.
func spark(samples []fleet.Sample, width int, pick metric, top float64) string {
	if width <= 0 {
		return ""
	}
	if len(samples) > width {
		samples = samples[len(samples)-width:]
	}
	if top <= 0 {
		for i := range samples {
			if v := pick(&samples[i]); samples[i].OK && !math.IsNaN(v) && v > top {
				top = v
			}
		}
		top = max(top, 1)
	}
	var b strings.Builder
	b.Grow(width * 3)
	b.WriteString(strings.Repeat(" ", width-len(samples)))
	for i := range samples {
		v := pick(&samples[i])
		if !samples[i].OK || math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteByte(' ')
			continue
		}
		n := int(math.Round(v / top * float64(len(blocks)-1)))
		b.WriteRune(blocks[max(0, min(n, len(blocks)-1))])
	}
	return b.String()
}

package hosts

import (
	"math"
	"testing"

	"github.com/macroa/macroa/core/fleet"
)

// TestSpark: the newest samples on the right, heights scaled to the
// top (or to the largest shown, for a load), gaps for what was not
// measured or did not answer, blank on the left without history.
func TestSpark(t *testing.T) {
	s := func(v float64) fleet.Sample { return fleet.Sample{OK: true, CPUPercent: v, Load1: v} }
	down := fleet.Sample{CPUPercent: 50, Load1: 50}
	for _, tc := range []struct {
		name    string
		samples []fleet.Sample
		width   int
		top     float64
		want    string
	}{
		{"percent", []fleet.Sample{s(0), s(50), s(100)}, 3, 100, "▁▅█"},
		{"short history", []fleet.Sample{s(100)}, 4, 100, "   █"},
		{"newest kept", []fleet.Sample{s(100), s(0), s(100)}, 2, 100, "▁█"},
		{"gaps", []fleet.Sample{s(100), s(math.NaN()), down, s(0)}, 4, 100, "█  ▁"},
		{"load to its largest", []fleet.Sample{s(0.5), s(1)}, 2, 0, "▅█"},
		{"load under one", []fleet.Sample{s(0.2), s(0.4)}, 2, 0, "▂▄"},
		{"over the top", []fleet.Sample{s(250)}, 1, 100, "█"},
		{"no width", []fleet.Sample{s(1)}, 0, 100, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := spark(tc.samples, tc.width, cpuOf, tc.top)
			if tc.top == 0 {
				got = spark(tc.samples, tc.width, loadOf, 0)
			}
			if got != tc.want {
				t.Fatalf("spark = %q, want %q", got, tc.want)
			}
		})
	}
}

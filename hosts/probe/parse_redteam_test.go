package probe

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestParseHostileNumbers feeds a probe answer a hostile host could print:
// NaN, infinities, negative and overflowing numbers. Every field that is
// measured must hold a finite, non-negative value, and the snapshot must
// still encode as JSON (the fleet stores it so): one bad number must not
// cost the whole snapshot, nor hide an alert behind a NaN.
func TestParseHostileNumbers(t *testing.T) {
	tests := []struct {
		name, part, body string
	}{
		{"load NaN", "load", "NaN NaN NaN 1/1 1"},
		{"load Inf", "load", "Inf +Inf 1e999 1/1 1"},
		{"uptime overflow", "uptime", "1e308 5"},
		{"uptime Inf", "uptime", "+Inf 5"},
		{"process NaN", "procs", "1 NaN NaN 100 evil"},
		{"process Inf", "procs", "1 Inf -Inf 100 evil"},
		{"process negative", "procs", "1 -5 -7 100 evil"},
		{"gpu NaN", "nvidia", "0, GPU, NaN, NaN, 1, 2, NaN"},
		{"gpu Inf", "nvidia", "0, GPU, Inf, -Inf, 1, 2, 1e999"},
		{"memory overflow", "memory", "MemTotal: 18014398509481984 kB\nMemAvailable: 1 kB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := "@@macroa:" + tt.part + "\n" + tt.body + "\n@@macroa:end\n"
			s, err := Parse([]byte(out))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if _, err := json.Marshal(s); err != nil {
				t.Errorf("the snapshot does not encode, so it is lost: %v", err)
			}
			var bad []string
			check := func(what string, ok bool, v float64) {
				if ok && (math.IsNaN(v) || math.IsInf(v, 0) || v < 0) {
					bad = append(bad, what)
				}
			}
			check("load", s.Load.OK, s.Load.Value.One)
			check("uptime", s.Uptime.OK, float64(s.Uptime.Value))
			for _, p := range s.TopProcesses.Value {
				check("process cpu", s.TopProcesses.OK, p.CPU)
				check("process mem", s.TopProcesses.OK, p.Mem)
			}
			for _, g := range s.GPUs.Value {
				check("gpu temp", g.Temp.OK, g.Temp.Value)
				check("gpu use", g.Use.OK, g.Use.Value)
				check("gpu power", g.Power.OK, g.Power.Value)
			}
			if s.Memory.OK && s.Memory.Value.Total < s.Memory.Value.Available {
				bad = append(bad, "memory total wrapped below available")
			}
			if len(bad) > 0 {
				t.Errorf("measured as if read: %s", strings.Join(bad, ", "))
			}
		})
	}
}

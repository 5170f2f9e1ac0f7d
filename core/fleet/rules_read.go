package fleet

import (
	"fmt"
	"math"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts/probe"
)

// reading is one rule's verdict on one value of one probe: over the
// threshold, under the clearing line, or between; near says it is within
// the margin of the threshold.
type reading struct {
	Finding
	over, clear, near bool
	// clearsUnder is the clearing line in words ("3.80", "85%"): said of
	// an alert still firing while its value is between the lines.
	clearsUnder string
	// fireAfter and clearAfter override Consecutive (0: keep it).
	fireAfter, clearAfter int
}

// percent judges a value against a threshold in percentage points (or
// degrees): it clears under threshold-margin.
func percent(k AlertKey, v, threshold, margin float64, unit, msg string) reading {
	return reading{
		Finding:     Finding{Key: k, Value: v, Threshold: threshold, Message: msg},
		over:        v >= threshold,
		clear:       v < threshold-margin,
		near:        v >= threshold-margin,
		clearsUnder: fmt.Sprintf("%.0f%s", threshold-margin, unit),
	}
}

// share judges a value whose margin is a share of the threshold (load,
// clock skew): it clears under threshold×(1-margin/100).
func share(k AlertKey, v, threshold, margin float64, format, msg string) reading {
	line := threshold * (1 - margin/100)
	return reading{
		Finding:     Finding{Key: k, Value: v, Threshold: threshold, Message: msg},
		over:        v >= threshold,
		clear:       v < line,
		near:        v >= line,
		clearsUnder: fmt.Sprintf(format, line),
	}
}

// flag judges a yes-or-no condition.
func flag(k AlertKey, on bool, msg string) reading {
	v := 0.0
	if on {
		v = 1
	}
	return reading{Finding: Finding{Key: k, Value: v, Threshold: 1, Message: msg}, over: on, clear: !on}
}

// readings are the verdicts of every rule one probe measured, and which
// rules it measured (so a subject missing from a measured list clears).
func readings(o Observation, th config.Alerts) ([]reading, map[Rule]bool) {
	measured := map[Rule]bool{}
	var out []reading
	unreach := AlertKey{Rule: RuleUnreachable}
	hostKey := AlertKey{Rule: RuleHostKey}
	switch {
	case o.KeyChanged:
		measured[RuleHostKey] = true
		r := flag(hostKey, true, "the host key is refused (changed, or revoked): nothing runs there until a person checks it")
		r.fireAfter = 1
		out = append(out, r)
		return out, measured
	case o.LoginRefused:
		// Not retried until a person acts: waiting for more would never fire.
		measured[RuleUnreachable] = true
		r := flag(unreach, true, "login refused: "+o.Failure)
		r.fireAfter = 1
		return append(out, r), measured
	case !o.Answered:
		measured[RuleUnreachable] = true
		why := o.Failure
		if why == "" {
			why = "no answer"
		}
		return append(out, flag(unreach, true, "unreachable: "+why)), measured
	}
	// An answer clears these at once.
	for _, k := range []AlertKey{unreach, hostKey} {
		measured[k.Rule] = true
		r := flag(k, false, "answers again")
		r.clearAfter = 1
		out = append(out, r)
	}
	s := o.Snapshot
	m := th.Margin
	if s.Disks.OK {
		measured[RuleDisk], measured[RuleInodes] = true, true
		for _, d := range s.Disks.Value {
			p := d.UsedPercent()
			out = append(out, percent(AlertKey{RuleDisk, d.Mount}, p, th.DiskPercent, m, "%",
				fmt.Sprintf("disk %s at %.0f%% (threshold %.0f%%)", d.Mount, p, th.DiskPercent)))
			if d.InodesKnown && d.Inodes > 0 {
				p := d.InodesPercent()
				out = append(out, percent(AlertKey{RuleInodes, d.Mount}, p, th.InodesPercent, m, "%",
					fmt.Sprintf("inodes of %s at %.0f%% (threshold %.0f%%)", d.Mount, p, th.InodesPercent)))
			}
		}
	}
	if s.Memory.OK && s.Memory.Value.Total > 0 {
		measured[RuleMemory] = true
		out = append(out, memoryReading(s.Memory.Value.UsedPercent(), swapPercent(s), th))
	}
	if s.Load.OK && s.Cores.OK && s.Cores.Value > 0 {
		measured[RuleLoad] = true
		limit := th.LoadPerCore * float64(s.Cores.Value)
		five := s.Load.Value.Five
		out = append(out, share(AlertKey{Rule: RuleLoad}, five, limit, m, "%.2f",
			fmt.Sprintf("5-minute load %.2f on %d cores (threshold %.2f)", five, s.Cores.Value, limit)))
	}
	if s.FailedUnits.OK {
		measured[RuleFailedUnit] = true
		for _, u := range s.FailedUnits.Value {
			out = append(out, flag(AlertKey{RuleFailedUnit, u}, true, "unit "+u+" failed"))
		}
	}
	if s.Clock.OK && !o.Received.IsZero() {
		measured[RuleClockSkew] = true
		skew := clockSkew(s.Clock.Value, o.Sent, o.Received)
		limit := time.Duration(th.ClockSkew).Seconds()
		out = append(out, share(AlertKey{Rule: RuleClockSkew}, skew, limit, m, "%.1fs",
			fmt.Sprintf("clock off by %.1fs (threshold %.0fs)", skew, limit)))
	}
	if s.RebootRequired.OK {
		measured[RuleReboot] = true
		out = append(out, flag(AlertKey{Rule: RuleReboot}, s.RebootRequired.Value, "a reboot is required"))
	}
	if s.GPUs.OK {
		measured[RuleGPUTemp] = true
		for i, g := range s.GPUs.Value {
			if !g.Temp.OK {
				continue
			}
			subject := fmt.Sprintf("gpu%d %s", i, g.Name)
			out = append(out, percent(AlertKey{RuleGPUTemp, subject}, g.Temp.Value, th.GPUTemp, m, "°C",
				fmt.Sprintf("GPU %d (%s) at %.0f°C (threshold %.0f°C)", i, g.Name, g.Temp.Value, th.GPUTemp)))
		}
	}
	return out, measured
}

// memoryReading: memory in use over memory_percent, or swap in use over
// swap_percent while memory is over memory_percent-margin. It clears
// when memory is under memory_percent-margin and swap no longer counts
// (under its own line, or memory under memory_percent-2×margin).
func memoryReading(mem, swap float64, th config.Alerts) reading {
	m := th.Margin
	k := AlertKey{Rule: RuleMemory}
	swapOver := !math.IsNaN(swap) && swap >= th.SwapPercent && mem >= th.MemoryPercent-m
	swapHolds := !math.IsNaN(swap) && swap >= th.SwapPercent-m && mem >= th.MemoryPercent-2*m
	r := reading{Finding: Finding{Key: k, Value: mem, Threshold: th.MemoryPercent,
		Message: fmt.Sprintf("memory at %.0f%% (threshold %.0f%%)", mem, th.MemoryPercent)}}
	if swapOver && mem < th.MemoryPercent {
		r.Message = fmt.Sprintf("swap at %.0f%% (threshold %.0f%%) with memory at %.0f%%", swap, th.SwapPercent, mem)
	}
	r.over = mem >= th.MemoryPercent || swapOver
	r.clear = mem < th.MemoryPercent-m && !swapHolds
	r.near = mem >= th.MemoryPercent-m
	if !swapHolds {
		r.clearsUnder = fmt.Sprintf("%.0f%%", th.MemoryPercent-m)
	}
	return r
}

// swapPercent is the swap in use, NaN without swap.
func swapPercent(s probe.Snapshot) float64 {
	m := s.Memory.Value
	if m.SwapTotal == 0 {
		return math.NaN()
	}
	return 100 * float64(m.SwapTotal-min(m.SwapFree, m.SwapTotal)) / float64(m.SwapTotal)
}

// clockSkew is how far, in seconds, the host's clock is off this
// machine's: the host read its clock somewhere between sent and received,
// so the middle of the round trip is compared and half of it forgiven.
func clockSkew(host, sent, received time.Time) float64 {
	if sent.IsZero() || sent.After(received) {
		sent = received
	}
	half := received.Sub(sent) / 2
	off := host.Sub(sent.Add(half))
	if off < 0 {
		off = -off
	}
	return max(off-half, 0).Seconds()
}

package skills

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/termsafe"
)

// answer is one host's part of an answer. many says several hosts are
// answered, so a host with nothing to say about failed units or GPUs is
// left out.
func (s HostsSkill) answer(action string, st fleet.HostStatus, many bool) string {
	name := termsafe.Clean(st.Name)
	if action == "status" {
		return name + ": " + s.statusLine(st)
	}
	if !st.HasSnapshot {
		if many && (action == "failed" || action == "gpu") {
			return name + ": " + s.stateWords(st) + "\n"
		}
		return name + ": " + s.stateWords(st)
	}
	snap := st.Snapshot
	head := name + s.age(st)
	switch action {
	case "disk":
		return head + ":\n" + diskLines(snap.Disks)
	case "memory":
		return head + ": " + memoryLine(snap.Memory)
	case "load":
		return head + ": " + loadLine(snap, st.CPUPercent)
	case "uptime":
		if !snap.Uptime.OK {
			return head + ": uptime not measured (" + termsafe.Clean(snap.Uptime.Why) + ")"
		}
		return head + ": up " + longDuration(snap.Uptime.Value)
	case "failed":
		if !snap.FailedUnits.OK {
			return head + ": failed units not known (" + termsafe.Clean(snap.FailedUnits.Why) + ")\n"
		}
		if len(snap.FailedUnits.Value) == 0 {
			if many {
				return ""
			}
			return head + ": no failed units\n"
		}
		return head + ": " + cleanJoin(snap.FailedUnits.Value) + " failed\n"
	case "gpu":
		if !snap.GPUs.OK || len(snap.GPUs.Value) == 0 {
			if many {
				return ""
			}
			return head + ": no GPU reported\n"
		}
		var b strings.Builder
		for _, g := range snap.GPUs.Value {
			b.WriteString(head + ": " + gpuLine(g) + "\n")
		}
		return b.String()
	}
	return head + ": " + s.statusLine(st)
}

// statusLine is the state, why, and the headline numbers.
func (s HostsSkill) statusLine(st fleet.HostStatus) string {
	line := s.stateWords(st)
	var nums []string
	add := func(label string, v float64, f string) {
		if !math.IsNaN(v) && (v != 0 || st.HasSnapshot) {
			nums = append(nums, label+" "+fmt.Sprintf(f, v))
		}
	}
	if st.HasSnapshot {
		add("load", st.Load1, "%.2f")
		add("CPU", st.CPUPercent, "%.0f%%")
		add("memory", st.MemPercent, "%.0f%%")
		add("disk", st.DiskPercent, "%.0f%%")
	}
	if len(nums) > 0 {
		line += "; " + strings.Join(nums, ", ")
	}
	if st.Alerts > 0 {
		line += fmt.Sprintf("; %d alert%s firing", st.Alerts, plural(st.Alerts))
	}
	return line + s.age(st)
}

// stateWords is the state and why: "unreachable (connection refused)".
func (s HostsSkill) stateWords(st fleet.HostStatus) string {
	w := string(st.State)
	if w == "" {
		w = string(fleet.StateNew)
	}
	if why := termsafe.Clean(st.Why); why != "" {
		w += " (" + why + ")"
	}
	switch st.State {
	case fleet.StateUntrusted:
		w += ": check its key and trust it with macroa hosts trust " + termsafe.Clean(st.Name)
	case fleet.StateRefused:
		w += ": its host key CHANGED; nothing was overwritten"
	}
	return w
}

// age says how old a snapshot is, when it is not from just now.
func (s HostsSkill) age(st fleet.HostStatus) string {
	if st.LastSeen.IsZero() {
		return ""
	}
	d := s.now().Sub(st.LastSeen)
	if d < time.Minute {
		return ""
	}
	return " (as of " + longDuration(d) + " ago)"
}

func diskLines(f probe.Field[[]probe.Disk]) string {
	if !f.OK {
		return "  disks not measured (" + termsafe.Clean(f.Why) + ")"
	}
	if len(f.Value) == 0 {
		return "  no file systems reported"
	}
	w := 0
	for _, d := range f.Value {
		w = max(w, len([]rune(termsafe.Clean(d.Mount))))
	}
	var lines []string
	for _, d := range f.Value {
		m := termsafe.Clean(d.Mount)
		pad := strings.Repeat(" ", w-len([]rune(m)))
		lines = append(lines, fmt.Sprintf("  %s%s  %3.0f%% of %s, %s free", m, pad, d.UsedPercent(), bytesText(d.Size), bytesText(d.Avail)))
	}
	return strings.Join(lines, "\n")
}

func memoryLine(f probe.Field[probe.Memory]) string {
	if !f.OK {
		return "memory not measured (" + termsafe.Clean(f.Why) + ")"
	}
	m := f.Value
	line := fmt.Sprintf("memory %.0f%% used (%s of %s, %s available)", m.UsedPercent(),
		bytesText(m.Total-min(m.Available, m.Total)), bytesText(m.Total), bytesText(m.Available))
	if m.SwapTotal > 0 {
		used := m.SwapTotal - min(m.SwapFree, m.SwapTotal)
		line += fmt.Sprintf("; swap %.0f%% of %s", 100*float64(used)/float64(m.SwapTotal), bytesText(m.SwapTotal))
	} else {
		line += "; no swap"
	}
	return line
}

func loadLine(snap probe.Snapshot, cpu float64) string {
	if !snap.Load.OK {
		return "load not measured (" + termsafe.Clean(snap.Load.Why) + ")"
	}
	l := snap.Load.Value
	line := fmt.Sprintf("load %.2f %.2f %.2f", l.One, l.Five, l.Fifteen)
	if snap.Cores.OK {
		line += fmt.Sprintf(" on %d core%s", snap.Cores.Value, plural(snap.Cores.Value))
	}
	if !math.IsNaN(cpu) {
		line += fmt.Sprintf("; CPU %.0f%% busy", cpu)
	}
	return line
}

func gpuLine(g probe.GPU) string {
	parts := []string{termsafe.Clean(g.Name)}
	if g.Temp.OK {
		parts = append(parts, fmt.Sprintf("%.0f °C", g.Temp.Value))
	} else {
		parts = append(parts, "temperature not measured")
	}
	if g.Use.OK {
		parts = append(parts, fmt.Sprintf("%.0f%% busy", g.Use.Value))
	}
	if g.MemUsed.OK && g.MemTotal.OK && g.MemTotal.Value > 0 {
		parts = append(parts, fmt.Sprintf("memory %s of %s", bytesText(g.MemUsed.Value), bytesText(g.MemTotal.Value)))
	}
	if g.Power.OK {
		parts = append(parts, fmt.Sprintf("%.0f W", g.Power.Value))
	}
	return strings.Join(parts, ", ")
}

func cleanJoin(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = termsafe.Clean(s)
	}
	return strings.Join(out, ", ")
}

// bytesText is a size in binary units: 512 B, 3.4 GiB.
func bytesText(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	f := "%.1f %ciB"
	if v >= 100 {
		f = "%.0f %ciB"
	}
	return fmt.Sprintf(f, v, "KMGTPE"[i])
}

// longDuration is a duration in its two largest units: "3 days 4 hours",
// "12 minutes".
func longDuration(d time.Duration) string {
	units := []struct {
		name string
		d    time.Duration
	}{{"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}, {"second", time.Second}}
	var parts []string
	for i, u := range units {
		n := int(d / u.d)
		if n == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s%s", n, u.name, plural(n)))
		if i+1 < len(units) {
			next := units[i+1]
			if m := int((d - time.Duration(n)*u.d) / next.d); m > 0 {
				parts = append(parts, fmt.Sprintf("%d %s%s", m, next.name, plural(m)))
			}
		}
		break
	}
	if len(parts) == 0 {
		return "0 seconds"
	}
	return strings.Join(parts, " ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

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
// answered, so a host with nothing to say about failed units is left
// out. A host whose last probe did not answer says so first, and what it
// last said only as that, with its time: never as if current.
func (s HostsSkill) answer(action string, st fleet.HostStatus, many bool) string {
	name := termsafe.Clean(st.Name)
	end := ""
	if action == "failed" || action == "gpu" {
		end = "\n"
	}
	if !current(st) {
		line := name + ": " + s.downWords(st)
		if body := s.body(action, st, false); strings.TrimSpace(body) != "" && st.HasSnapshot {
			line += "; last known" + s.when(st) + ":" + body
		}
		return line + end
	}
	body := s.body(action, st, many)
	if body == "" {
		return ""
	}
	if action != "status" { // the status line says its age last
		name += s.age(st)
	}
	return name + ":" + body + end
}

// body is what a host's last answer says about action, after the
// host's name: " memory 3% used …", "\n  /  93% …" for the disks; "" when
// many hosts are answered and this one has nothing to add.
func (s HostsSkill) body(action string, st fleet.HostStatus, many bool) string {
	snap := st.Snapshot
	switch action {
	case "status":
		return " " + s.statusLine(st)
	case "disk":
		return "\n" + diskLines(snap.Disks)
	case "memory":
		return " " + memoryLine(snap.Memory)
	case "load":
		return " " + loadLine(snap, st.CPUPercent)
	case "uptime":
		if !snap.Uptime.OK {
			return " uptime not measured (" + termsafe.Clean(snap.Uptime.Why) + ")"
		}
		return " up " + longDuration(snap.Uptime.Value)
	case "failed":
		if !snap.FailedUnits.OK {
			return " failed units not known (" + termsafe.Clean(snap.FailedUnits.Why) + ")"
		}
		if len(snap.FailedUnits.Value) == 0 {
			if many {
				return ""
			}
			return " no failed units"
		}
		return " " + cleanJoin(snap.FailedUnits.Value) + " failed"
	case "gpu":
		if !snap.GPUs.OK || len(snap.GPUs.Value) == 0 {
			return " no GPU reported"
		}
		lines := make([]string, len(snap.GPUs.Value))
		for i, g := range snap.GPUs.Value {
			lines[i] = gpuLine(g)
		}
		return " " + strings.Join(lines, "; ")
	}
	return " " + s.statusLine(st)
}

// current says the host's status is from a probe that answered: its
// numbers are today's.
func current(st fleet.HostStatus) bool {
	switch st.State {
	case fleet.StateOK, fleet.StateWarn, fleet.StateAlert:
		return st.HasSnapshot
	}
	return false
}

// statusLine is the state, why, and the headline numbers of a host that
// answered.
func (s HostsSkill) statusLine(st fleet.HostStatus) string {
	line := s.stateWords(st)
	if !current(st) {
		line = ""
	}
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
		if line != "" {
			line += "; "
		}
		line += strings.Join(nums, ", ")
	}
	if st.Alerts > 0 && current(st) {
		line += fmt.Sprintf("; %d alert%s firing", st.Alerts, plural(st.Alerts))
	}
	if !current(st) {
		return line
	}
	return line + s.age(st)
}

// stateWords is the state and why: "warn (disk / at 88% …)".
func (s HostsSkill) stateWords(st fleet.HostStatus) string {
	if !current(st) {
		return s.downWords(st)
	}
	w := string(st.State)
	if why := termsafe.Clean(st.Why); why != "" {
		w += " (" + why + ")"
	}
	return w
}

// downWords says why a host has nothing current to say, and what to do
// first when a person must act: "unreachable since 14:58 (connection
// refused; next try 15:03:12)", "untrusted (…): check its key and trust
// it with macroa hosts trust web3".
func (s HostsSkill) downWords(st fleet.HostStatus) string {
	w := string(st.State)
	if w == "" {
		w = string(fleet.StateNew)
	}
	why := termsafe.Clean(st.Why)
	name := termsafe.Clean(st.Name)
	advice := map[fleet.State]string{
		fleet.StateUntrusted: "check its key and trust it first with macroa hosts trust " + name,
		fleet.StateRefused: "nothing was overwritten; if the change is expected, remove the old key from the " +
			"known_hosts file that holds it first, then: macroa hosts trust " + name,
		fleet.StateDenied: "give it a key it accepts first (ssh-agent, or identity_file in its [[hosts]] entry)",
	}[st.State]
	switch {
	case st.State == fleet.StateUnreachable && strings.HasPrefix(why, "unreachable since "):
		// "unreachable since 14:58: connection refused" reads better as
		// "unreachable since 14:58 (connection refused)".
		if at, rest, ok := strings.Cut(strings.TrimPrefix(why, "unreachable since "), ": "); ok {
			w = "unreachable since " + at + " (" + rest + ")"
		} else {
			w = why
		}
	case advice != "" && why != "":
		w += ": " + why
	case why != "":
		w += " (" + why + ")"
	case st.State == fleet.StateNew:
		w = "not probed yet"
	}
	if advice != "" {
		w += "; " + advice
	}
	return w
}

// when is the time of the host's last answer: " at 14:58", or with the
// date when it is not today.
func (s HostsSkill) when(st fleet.HostStatus) string {
	if st.LastSeen.IsZero() {
		return ""
	}
	at := st.LastSeen.Local()
	now := s.now().Local()
	if at.YearDay() != now.YearDay() || at.Year() != now.Year() {
		return " on " + at.Format("Jan 2 15:04")
	}
	return " at " + at.Format("15:04")
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

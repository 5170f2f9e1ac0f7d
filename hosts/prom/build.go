package prom

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/termsafe"
)

// node is what a batch's answers hold for one instance.
type node struct {
	series     map[string][]sample // raw series by name
	cpu        map[string]float64  // seconds by mode, summed over CPUs
	cores      float64
	scraped    float64 // Unix seconds of the last scrape; 0: unknown
	failed     []string
	collectors map[string]bool // collector → its last run succeeded
}

// build turns a batch's answers (in the order of queries) into a reading
// per instance asked for. now is this machine's clock at the answer.
func build(instances []string, answers [][]sample, now time.Time) map[string]Reading {
	nodes := make(map[string]*node, len(instances))
	for _, inst := range instances {
		nodes[inst] = &node{series: map[string][]sample{}, cpu: map[string]float64{}, collectors: map[string]bool{}}
	}
	// An instance two jobs scrape (the selector picks both) is read
	// from one of them, so nothing is counted twice.
	jobs := pickJobs(answers[0])
	at := func(x sample) *node {
		if job, ok := x.Labels["job"]; ok {
			if want, picked := jobs[x.Labels["instance"]]; picked && job != want {
				return nil
			}
		}
		return nodes[x.Labels["instance"]]
	}
	for _, x := range answers[0] {
		if n := at(x); n != nil {
			n.series[x.Labels["__name__"]] = append(n.series[x.Labels["__name__"]], x)
		}
	}
	for _, x := range answers[1] {
		n := at(x)
		if n == nil || !usable(x.Value) {
			continue
		}
		switch x.Labels[tag] {
		case "cpu":
			n.cpu[x.Labels["mode"]] += x.Value
		case "cores":
			n.cores = x.Value
		case "scraped":
			n.scraped = x.Value
		}
	}
	for _, x := range answers[2] {
		n := at(x)
		if n == nil {
			continue
		}
		if c, ok := x.Labels["collector"]; ok && x.Labels["__name__"] == "node_scrape_collector_success" {
			n.collectors[c] = x.Value == 1
		} else if name := clean(x.Labels["name"]); name != "" {
			n.failed = append(n.failed, name)
		}
	}
	gpus := gpusByHost(answers[3])
	out := make(map[string]Reading, len(instances))
	for _, inst := range instances {
		n := nodes[inst]
		if err := n.absent(inst); err != nil {
			out[inst] = Reading{Err: err}
			continue
		}
		s := n.snapshot(now)
		s.GPUs = gpuField(gpus[HostPart(inst)])
		out[inst] = Reading{Snapshot: s}
	}
	return out
}

// pickJobs chooses each instance's job: the first, by name, whose
// scrape succeeded, else the first.
func pickJobs(series []sample) map[string]string {
	type pick struct {
		job string
		up  bool
	}
	picks := map[string]pick{}
	for _, x := range series {
		if x.Labels["__name__"] != "up" {
			continue
		}
		inst, p := x.Labels["instance"], pick{x.Labels["job"], x.Value == 1}
		cur, seen := picks[inst]
		if !seen || p.up && !cur.up || p.up == cur.up && p.job < cur.job {
			picks[inst] = p
		}
	}
	out := make(map[string]string, len(picks))
	for inst, p := range picks {
		out[inst] = p.job
	}
	return out
}

// absent says why an instance has no snapshot: a target that is down
// (whatever older series Prometheus still holds for it), one without
// node_exporter's series, or none at all.
func (n *node) absent(inst string) error {
	ups := n.series["up"]
	if len(ups) > 0 && ups[0].Value != 1 {
		return fmt.Errorf("instance %q is down: its last scrape failed (up is 0)", clean(inst))
	}
	for name := range n.series {
		if name != "up" {
			return nil
		}
	}
	if len(n.cpu) > 0 {
		return nil
	}
	if len(ups) > 0 {
		return fmt.Errorf("instance %q has no node_exporter series (is it a node_exporter?)", clean(inst))
	}
	return fmt.Errorf("no recent series for instance %q: not a target the selector picks, or no longer scraped", clean(inst))
}

func (n *node) snapshot(now time.Time) probe.Snapshot {
	var s probe.Snapshot
	s.Clock, s.Uptime = n.clock(now)
	s.Kernel = n.kernel()
	s.Load = n.load()
	s.CPU, s.Cores = n.cpuTimes()
	s.Memory = n.memory()
	s.Disks = n.disks()
	s.FailedUnits = n.failedUnits()
	s.TopProcesses = missing[[]probe.Process]("not in node_exporter")
	s.Addresses = n.addresses()
	s.RebootRequired = n.reboot()
	return s
}

// one is the value of a series that has no labels beyond the target's.
func (n *node) one(name string) (float64, bool) {
	xs := n.series[name]
	if len(xs) == 0 || !usable(xs[0].Value) {
		return 0, false
	}
	return xs[0].Value, true
}

// clock is the host's clock, as its offset from the Prometheus server's
// at the last scrape applied to this machine's clock (so an answer a
// scrape interval old does not read as skew), and its uptime now.
func (n *node) clock(now time.Time) (probe.Field[time.Time], probe.Field[time.Duration]) {
	t, ok := n.one("node_time_seconds")
	if !ok {
		why := "no node_time_seconds (node_exporter's time collector is off)"
		return missing[time.Time](why), missing[time.Duration](why)
	}
	var age float64 // seconds since that scrape, on the server's clock
	clock := seconds(t)
	if xs := n.series["node_time_seconds"]; n.scraped > 0 {
		clock = now.Add(time.Duration((t - n.scraped) * float64(time.Second)))
		age = max(0, xs[0].At-n.scraped)
	}
	boot, ok := n.one("node_boot_time_seconds")
	if !ok || boot > t {
		return measured(clock), missing[time.Duration]("no node_boot_time_seconds (node_exporter's stat collector is off)")
	}
	return measured(clock), measured(time.Duration((t - boot + age) * float64(time.Second)))
}

func (n *node) kernel() probe.Field[string] {
	for _, x := range n.series["node_uname_info"] {
		if k := clean(strings.TrimSpace(x.Labels["sysname"] + " " + x.Labels["release"])); k != "" {
			return measured(k)
		}
	}
	return missing[string]("no node_uname_info (node_exporter's uname collector is off)")
}

func (n *node) load() probe.Field[probe.Load] {
	one, ok1 := n.one("node_load1")
	five, ok5 := n.one("node_load5")
	fifteen, ok15 := n.one("node_load15")
	if !ok1 || !ok5 || !ok15 {
		return missing[probe.Load]("no node_load1, node_load5 and node_load15 (node_exporter's loadavg collector is off)")
	}
	return measured(probe.Load{One: one, Five: five, Fifteen: fifteen})
}

// TicksPerSecond converts node_cpu_seconds_total into the clock ticks
// /proc/stat counts (USER_HZ, 100 on Linux), so counters from either
// source read alike; probe.CPUPercent needs only their ratio.
const TicksPerSecond = 100

// cpuTimes sums the modes node_exporter reports (user nice system idle
// iowait irq softirq steal; guest time is a separate metric, already in
// user and nice); idle and iowait are not busy, as in the probe.
func (n *node) cpuTimes() (probe.Field[probe.CPUTimes], probe.Field[int]) {
	const why = "no node_cpu_seconds_total (node_exporter's cpu collector is off)"
	if len(n.cpu) == 0 {
		return missing[probe.CPUTimes](why), missing[int](why)
	}
	var t probe.CPUTimes
	for mode, secs := range n.cpu {
		ticks := uint64(math.Round(secs * TicksPerSecond))
		t.Total += ticks
		if mode != "idle" && mode != "iowait" {
			t.Busy += ticks
		}
	}
	cores := measured(int(n.cores))
	if n.cores < 1 || n.cores > 1<<20 {
		cores = missing[int]("no idle CPU series to count the CPUs by")
	}
	return measured(t), cores
}

func (n *node) memory() probe.Field[probe.Memory] {
	total, ok1 := n.one("node_memory_MemTotal_bytes")
	avail, ok2 := n.one("node_memory_MemAvailable_bytes")
	if !ok2 { // kernels before 3.14, as the probe counts it
		free, okF := n.one("node_memory_MemFree_bytes")
		buffers, okB := n.one("node_memory_Buffers_bytes")
		cached, okC := n.one("node_memory_Cached_bytes")
		avail, ok2 = free+buffers+cached, okF && okB && okC
	}
	if !ok1 || !ok2 || total == 0 {
		return missing[probe.Memory]("no node_memory_MemTotal_bytes and node_memory_MemAvailable_bytes (node_exporter's meminfo collector is off)")
	}
	// Swap is in every meminfo; a host without swap reports 0.
	swapTotal, _ := n.one("node_memory_SwapTotal_bytes")
	swapFree, _ := n.one("node_memory_SwapFree_bytes")
	return measured(probe.Memory{Total: asCount(total), Available: asCount(avail), SwapTotal: asCount(swapTotal), SwapFree: asCount(swapFree)})
}

func (n *node) addresses() probe.Field[[]probe.Address] {
	xs := n.series["node_network_info"]
	if len(xs) == 0 {
		return missing[[]probe.Address]("no node_network_info (node_exporter's netclass collector is off)")
	}
	// node_exporter knows interfaces, not their IP addresses.
	out := []probe.Address{}
	for _, x := range xs {
		if dev := clean(x.Labels["device"]); dev != "" {
			out = append(out, probe.Address{Interface: dev})
		}
	}
	slices.SortFunc(out, func(a, b probe.Address) int { return strings.Compare(a.Interface, b.Interface) })
	return measured(slices.Compact(out))
}

func (n *node) failedUnits() probe.Field[[]string] {
	ok, on := n.collectors["systemd"]
	switch {
	case !on:
		return missing[[]string]("node_exporter's systemd collector is off")
	case !ok:
		return missing[[]string]("node_exporter's systemd collector failed (no systemd on the host, or no access to it)")
	}
	out := append([]string{}, n.failed...)
	slices.Sort(out)
	return measured(slices.Compact(out))
}

func (n *node) reboot() probe.Field[bool] {
	if v, ok := n.one("node_reboot_required"); ok {
		return measured(v != 0)
	}
	if _, on := n.collectors["textfile"]; !on {
		return missing[bool]("node_exporter's textfile collector is off")
	}
	return missing[bool]("no node_reboot_required: no textfile gives it (prometheus-node-exporter-collectors' apt script writes one)")
}

func measured[T any](v T) probe.Field[T]       { return probe.Field[T]{Value: v, OK: true} }
func missing[T any](why string) probe.Field[T] { return probe.Field[T]{Why: why} }

// usable is a value that can be a measurement: finite and not negative.
func usable(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 }

// asCount is a usable value as a count; callers check usable first.
func asCount(v float64) uint64 {
	if !usable(v) || v >= math.MaxUint64 {
		return 0
	}
	return uint64(v)
}

func seconds(v float64) time.Time {
	s, frac := math.Modf(v)
	return time.Unix(int64(s), int64(frac*1e9))
}

// clean makes text from Prometheus safe to keep and show: escape
// sequences and controls removed, one line, at most 200 bytes.
func clean(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(termsafe.Clean(s), "\n", " "))
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "")
	}
	return s
}

package probe

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/termsafe"
)

const marker = "@@macroa:"

// part is one section of the output: its lines, or why it is missing.
type part struct {
	lines []string
	why   string
	seen  bool
}

// Parse reads a probe's output. Only output too large or without the
// probe's end marker (cut short: the host or the connection died) is an
// error; a part that is missing or does not read leaves its field
// unmeasured with the reason.
func Parse(out []byte) (Snapshot, error) {
	if len(out) > MaxOutput {
		return Snapshot{}, fmt.Errorf("the probe printed %d bytes, more than %d", len(out), MaxOutput)
	}
	parts := map[string]*part{}
	var cur *part
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), MaxOutput)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, marker); ok {
			name, why, isMissing := strings.Cut(rest, ":missing ")
			p := &part{seen: true}
			if isMissing {
				p.why = clean(why)
			}
			parts[name] = p
			cur = p
			if isMissing {
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.lines = append(cur.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return Snapshot{}, fmt.Errorf("read the probe's output: %w", err)
	}
	if _, ok := parts["end"]; !ok {
		return Snapshot{}, fmt.Errorf("the probe's output was cut short (%d bytes, no end marker)", len(out))
	}
	get := func(name string) *part {
		if p, ok := parts[name]; ok {
			return p
		}
		return &part{why: "the host did not answer it"}
	}
	var s Snapshot
	s.Clock = parseClock(get("clock"))
	s.Kernel = parseKernel(get("kernel"))
	s.Uptime = parseUptime(get("uptime"))
	s.Load = parseLoad(get("load"))
	s.CPU = parseCPU(get("cpu"))
	s.Cores = parseCores(get("cores"))
	s.Memory = parseMemory(get("memory"))
	s.Disks = parseDisks(get("disks"), get("inodes"))
	s.FailedUnits = parseFailed(get("failed"))
	s.TopProcesses = parseProcs(get("procs"))
	s.Addresses = parseAddrs(parts)
	s.RebootRequired = parseReboot(get("reboot"))
	s.GPUs = parseGPUs(parts)
	return s, nil
}

// clean makes text from the host safe to keep and show: escape
// sequences and controls removed, one line, at most 200 bytes.
func clean(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(termsafe.Clean(s), "\n", " "))
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "")
	}
	return s
}

// unread is the reason for a part that is present but does not read.
func unread[T any](p *part, what string) Field[T] {
	if p.why != "" {
		return missing[T](p.why)
	}
	if !p.seen {
		return missing[T]("the host did not answer it")
	}
	return missing[T](what + " does not read")
}

func firstLine(p *part) string {
	for _, l := range p.lines {
		if strings.TrimSpace(l) != "" {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func parseClock(p *part) Field[time.Time] {
	l := firstLine(p)
	sec, frac, _ := strings.Cut(l, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return unread[time.Time](p, "the host's clock")
	}
	var ns int64
	if len(frac) == 9 {
		ns, _ = strconv.ParseInt(frac, 10, 64) // "N" where date has no %N: whole seconds
	}
	return measured(time.Unix(n, ns))
}

func parseKernel(p *part) Field[string] {
	if l := clean(firstLine(p)); l != "" {
		return measured(l)
	}
	return unread[string](p, "the kernel's name")
}

func parseUptime(p *part) Field[time.Duration] {
	f := strings.Fields(firstLine(p))
	if len(f) > 0 {
		if v, ok := finite(f[0]); ok && v < maxUptime.Seconds() {
			return measured(time.Duration(v * float64(time.Second)))
		}
	}
	return unread[time.Duration](p, "/proc/uptime")
}

func parseLoad(p *part) Field[Load] {
	f := strings.Fields(firstLine(p))
	if len(f) >= 3 {
		var v [3]float64
		ok := true
		for i := range v {
			var good bool
			if v[i], good = finite(f[i]); !good {
				ok = false
			}
		}
		if ok {
			return measured(Load{v[0], v[1], v[2]})
		}
	}
	return unread[Load](p, "/proc/loadavg")
}

// parseCPU reads the "cpu" line of /proc/stat: user nice system idle
// iowait irq softirq steal; idle and iowait are not busy.
func parseCPU(p *part) Field[CPUTimes] {
	f := strings.Fields(firstLine(p))
	if len(f) < 5 || f[0] != "cpu" {
		return unread[CPUTimes](p, "/proc/stat")
	}
	var t CPUTimes
	for i, x := range f[1:] {
		if i >= 8 { // guest times are counted in user and nice already
			break
		}
		v, err := strconv.ParseUint(x, 10, 64)
		if err != nil {
			return unread[CPUTimes](p, "/proc/stat")
		}
		t.Total += v
		if i != 3 && i != 4 {
			t.Busy += v
		}
	}
	return measured(t)
}

// CPUPercent is the CPU in use between two samples of one host; ok is
// false when they cannot be compared (a reboot reset the counters).
func CPUPercent(prev, cur CPUTimes) (float64, bool) {
	if cur.Total <= prev.Total || cur.Busy < prev.Busy {
		return 0, false
	}
	return 100 * float64(cur.Busy-prev.Busy) / float64(cur.Total-prev.Total), true
}

func parseCores(p *part) Field[int] {
	if n, err := strconv.Atoi(firstLine(p)); err == nil && n > 0 {
		return measured(n)
	}
	return unread[int](p, "the number of CPUs")
}

func parseMemory(p *part) Field[Memory] {
	kb := map[string]uint64{}
	for _, l := range p.lines {
		name, rest, ok := strings.Cut(l, ":")
		f := strings.Fields(rest)
		if !ok || len(f) == 0 {
			continue
		}
		if v, err := strconv.ParseUint(f[0], 10, 64); err == nil && fitsShift(v, 10) {
			kb[name] = v
		}
	}
	total, ok := kb["MemTotal"]
	if !ok || total == 0 {
		return unread[Memory](p, "/proc/meminfo")
	}
	avail, ok := kb["MemAvailable"]
	if !ok { // kernels before 3.14
		avail = kb["MemFree"] + kb["Buffers"] + kb["Cached"]
	}
	return measured(Memory{Total: total << 10, Available: avail << 10, SwapTotal: kb["SwapTotal"] << 10, SwapFree: kb["SwapFree"] << 10})
}

// dfRows reads df -P output: device, four numbers, the mount point (which
// may hold spaces) after the fifth field.
func dfRows(p *part) [][]string {
	var rows [][]string
	for i, l := range p.lines {
		f := strings.Fields(l)
		if i == 0 && len(f) > 0 && f[0] == "Filesystem" || len(f) < 6 {
			continue
		}
		mount := strings.Join(f[5:], " ")
		rows = append(rows, append(f[:5:5], mount))
	}
	return rows
}

// pseudoFS are file systems that hold no data worth watching.
var pseudoFS = map[string]bool{"tmpfs": true, "devtmpfs": true, "proc": true, "sysfs": true,
	"cgroup": true, "cgroup2": true, "devpts": true, "mqueue": true, "udev": true, "none": true, "efivarfs": true}

func parseDisks(space, inodes *part) Field[[]Disk] {
	rows := dfRows(space)
	if len(rows) == 0 {
		return unread[[]Disk](space, "df")
	}
	byMount := map[string][]string{}
	for _, r := range dfRows(inodes) {
		byMount[r[5]] = r
	}
	var out []Disk
	for _, r := range rows {
		if pseudoFS[r[0]] || strings.HasPrefix(r[5], "/proc") || strings.HasPrefix(r[5], "/sys") || strings.HasPrefix(r[5], "/dev") && r[5] != "/dev" {
			continue
		}
		size, e1 := strconv.ParseUint(r[1], 10, 64)
		used, e2 := strconv.ParseUint(r[2], 10, 64)
		avail, e3 := strconv.ParseUint(r[3], 10, 64)
		if e1 != nil || e2 != nil || e3 != nil || size == 0 || !fitsShift(size, 10) || !fitsShift(used, 10) || !fitsShift(avail, 10) {
			continue
		}
		d := Disk{Mount: clean(r[5]), Device: clean(r[0]), Size: size << 10, Used: used << 10, Avail: avail << 10}
		if ir, ok := byMount[r[5]]; ok {
			in, e1 := strconv.ParseUint(ir[1], 10, 64)
			iu, e2 := strconv.ParseUint(ir[2], 10, 64)
			if e1 == nil && e2 == nil && in > 0 {
				d.Inodes, d.InodesUsed, d.InodesKnown = in, iu, true
			}
		}
		out = append(out, d)
	}
	return measured(out)
}

func parseFailed(p *part) Field[[]string] {
	if p.why != "" || !p.seen {
		return unread[[]string](p, "systemctl")
	}
	units := []string{}
	for _, l := range p.lines {
		f := strings.Fields(strings.TrimLeft(l, "● *"))
		if len(f) > 0 {
			units = append(units, clean(f[0]))
		}
	}
	return measured(units)
}

func parseProcs(p *part) Field[[]Process] {
	if p.why != "" || !p.seen {
		return unread[[]Process](p, "ps")
	}
	var out []Process
	for _, l := range p.lines {
		f := strings.Fields(l)
		if len(f) < 5 {
			continue
		}
		pid, e1 := strconv.Atoi(f[0])
		cpu, ok2 := finite(f[1])
		mem, ok3 := finite(f[2])
		rss, e4 := strconv.ParseUint(f[3], 10, 64)
		if e1 != nil || !ok2 || !ok3 || e4 != nil || !fitsShift(rss, 10) {
			continue
		}
		out = append(out, Process{PID: pid, CPU: cpu, Mem: mem, RSS: rss << 10, Command: clean(strings.Join(f[4:], " "))})
	}
	if len(out) == 0 && len(p.lines) > 0 {
		return unread[[]Process](p, "ps")
	}
	return measured(out)
}

func parseAddrs(parts map[string]*part) Field[[]Address] {
	if p, ok := parts["addrs"]; ok {
		if p.why != "" {
			return missing[[]Address](p.why)
		}
		var out []Address
		for _, l := range p.lines {
			// "2: eth0    inet 192.0.2.2/24 brd ... scope global eth0\ ..."
			f := strings.Fields(l)
			if len(f) >= 4 && (f[2] == "inet" || f[2] == "inet6") {
				out = append(out, Address{Interface: clean(f[1]), Family: f[2], CIDR: clean(f[3])})
			}
		}
		return measured(out)
	}
	if p, ok := parts["ifaces"]; ok {
		var out []Address
		for _, l := range p.lines {
			if name, _, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(name) != "" {
				out = append(out, Address{Interface: clean(name)})
			}
		}
		return measured(out)
	}
	return missing[[]Address]("the host did not answer it")
}

func parseReboot(p *part) Field[bool] {
	switch firstLine(p) {
	case "yes":
		return measured(true)
	case "no":
		return measured(false)
	}
	return unread[bool](p, "the reboot flag")
}

// parseGPUs reads nvidia-smi's CSV, rocm-smi's CSV and the amdgpu sysfs
// lines; no GPU at all is a measured empty list.
func parseGPUs(parts map[string]*part) Field[[]GPU] {
	var out []GPU
	if p, ok := parts["nvidia"]; ok {
		for _, l := range p.lines {
			f := strings.Split(l, ",")
			if len(f) < 7 {
				continue
			}
			for i := range f {
				f[i] = strings.TrimSpace(f[i])
			}
			g := GPU{Name: clean(f[1]), Temp: num(f[2], 1), Use: num(f[3], 1), Power: num(f[6], 1)}
			g.MemUsed, g.MemTotal = mib(f[4]), mib(f[5])
			out = append(out, g)
		}
	}
	if p, ok := parts["sysfs-gpu"]; ok {
		for _, l := range p.lines {
			f := strings.Fields(l)
			if len(f) < 6 {
				continue
			}
			g := GPU{Name: clean(f[0]), Use: num(f[1], 1), Temp: num(f[2], 0.001), Power: num(f[5], 0.000001)}
			g.MemUsed, g.MemTotal = bytesField(f[3]), bytesField(f[4])
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		if p, ok := parts["rocm"]; ok && len(p.lines) > 1 {
			return missing[[]GPU]("rocm-smi answered, but its format is not read (the sysfs values are)")
		}
	}
	if out == nil {
		out = []GPU{}
	}
	return measured(out)
}

func num(s string, scale float64) Field[float64] {
	v, ok := finite(s)
	if !ok {
		return missing[float64](fmt.Sprintf("not reported (%q)", clean(s)))
	}
	return measured(v * scale)
}

func mib(s string) Field[uint64] {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || !fitsShift(v, 20) {
		return missing[uint64](fmt.Sprintf("not reported (%q)", clean(s)))
	}
	return measured(v << 20)
}

func bytesField(s string) Field[uint64] {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return missing[uint64]("not reported")
	}
	return measured(v)
}

// maxUptime is the longest uptime believed; more would overflow a
// time.Duration.
const maxUptime = 100 * 365 * 24 * time.Hour

// finite reads a number a host printed: a finite value of 0 or more.
// "NaN", "Inf" and negative numbers are what a broken or hostile host
// prints, never a measurement.
func finite(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, false
	}
	return v, true
}

// fitsShift says v<<n does not overflow (kB and MiB to bytes).
func fitsShift(v uint64, n uint) bool { return v <= math.MaxUint64>>n }

package probe

import (
	_ "embed"
	"time"
)

// Script is the probe, run with sh on the host.
//
//go:embed probe.sh
var Script string

// MaxOutput is the most a probe's output may hold; more is refused, not
// parsed.
const MaxOutput = 64 << 10

// Field is one measurement: its value when OK, else why it is missing.
type Field[T any] struct {
	Value T
	OK    bool
	Why   string // "" when OK
}

func measured[T any](v T) Field[T]       { return Field[T]{Value: v, OK: true} }
func missing[T any](why string) Field[T] { return Field[T]{Why: why} }

// Snapshot is what one probe of one host told.
type Snapshot struct {
	Clock          Field[time.Time] // the host's clock when the probe ran
	Kernel         Field[string]    // "Linux 6.8.0-45-generic"
	Uptime         Field[time.Duration]
	Load           Field[Load]
	CPU            Field[CPUTimes] // counters: CPUPercent needs two
	Cores          Field[int]
	Memory         Field[Memory]
	Disks          Field[[]Disk]
	FailedUnits    Field[[]string]
	TopProcesses   Field[[]Process]
	Addresses      Field[[]Address]
	RebootRequired Field[bool]
	GPUs           Field[[]GPU]
}

// Load is the load average.
type Load struct{ One, Five, Fifteen float64 }

// CPUTimes are the host's CPU counters (all CPUs, in clock ticks).
type CPUTimes struct{ Busy, Total uint64 }

// Memory in bytes.
type Memory struct {
	Total, Available, SwapTotal, SwapFree uint64
}

// UsedPercent is the memory in use, by MemAvailable.
func (m Memory) UsedPercent() float64 {
	if m.Total == 0 {
		return 0
	}
	return 100 * float64(m.Total-min(m.Available, m.Total)) / float64(m.Total)
}

// Disk is one mounted file system.
type Disk struct {
	Mount, Device      string
	Size, Used, Avail  uint64 // bytes
	Inodes, InodesUsed uint64
	InodesKnown        bool // the file system reports inodes
}

// UsedPercent is the space in use as df counts it (used of used+avail).
func (d Disk) UsedPercent() float64 {
	if d.Used+d.Avail == 0 {
		return 0
	}
	return 100 * float64(d.Used) / float64(d.Used+d.Avail)
}

// InodesPercent is the inodes in use.
func (d Disk) InodesPercent() float64 {
	if d.Inodes == 0 {
		return 0
	}
	return 100 * float64(d.InodesUsed) / float64(d.Inodes)
}

// Process is one of the busiest processes.
type Process struct {
	PID      int
	CPU, Mem float64 // percent
	RSS      uint64  // bytes
	Command  string
}

// Address is one interface's address (or, without ip, just its name).
type Address struct {
	Interface string
	Family    string // inet, inet6; "" when only the name is known
	CIDR      string
}

// GPU is one graphics card.
type GPU struct {
	Name              string
	Temp              Field[float64] // °C
	Use               Field[float64] // percent
	MemUsed, MemTotal Field[uint64]  // bytes
	Power             Field[float64] // watts
}

package config

import (
	"fmt"
	"time"
)

// SudoPolicy is how commands that need root run on a host.
type SudoPolicy string

const (
	SudoNever SudoPolicy = "never" // run as the login user; a command that needs root fails there
	SudoAsk   SudoPolicy = "sudo"  // prefix `sudo -n --`: passwordless sudo, never a password prompt
)

// UnmarshalText accepts never or sudo.
func (s *SudoPolicy) UnmarshalText(b []byte) error {
	switch v := SudoPolicy(b); v {
	case SudoNever, SudoAsk:
		*s = v
		return nil
	}
	return fmt.Errorf("%q is not one of never, sudo", string(b))
}

// Monitor is [monitor]: how hosts are polled and how long their history is kept.
type Monitor struct {
	Interval Duration `toml:"interval"` // between two probes of a host; default DefaultMonitorInterval
	Timeout  Duration `toml:"timeout"`  // one probe's bound, connection included; default DefaultMonitorTimeout
	History  Duration `toml:"history"`  // how long samples are kept; default DefaultMonitorHistory
}

// The defaults of [monitor].
const (
	DefaultMonitorInterval = 30 * time.Second
	DefaultMonitorTimeout  = 10 * time.Second
	DefaultMonitorHistory  = 24 * time.Hour
)

// Alerts is [alerts]: the thresholds of the health rules. A rule fires
// after Consecutive probes over its threshold and clears after as many
// under it by Margin (percentage points; for load, that share of the
// threshold), so a value hovering at the line does not flap.
type Alerts struct {
	DiskPercent   float64  `toml:"disk_percent"`   // default 90
	InodesPercent float64  `toml:"inodes_percent"` // default 90
	MemoryPercent float64  `toml:"memory_percent"` // memory in use (by MemAvailable); default 90
	SwapPercent   float64  `toml:"swap_percent"`   // swap in use while memory is over MemoryPercent-Margin; default 50
	LoadPerCore   float64  `toml:"load_per_core"`  // 5-minute load over this many times the cores; default 2
	ClockSkew     Duration `toml:"clock_skew"`     // host clock off by more; default 5s
	GPUTemp       float64  `toml:"gpu_temp"`       // °C; default 85
	Consecutive   int      `toml:"consecutive"`    // probes over (or under) before a change; default 2
	Margin        float64  `toml:"margin"`         // hysteresis; default 5
	// marginGiven: the file wrote margin, so a 0 there is no hysteresis,
	// not the default.
	marginGiven bool
}

// The defaults of [alerts].
const (
	DefaultAlertDiskPercent   = 90
	DefaultAlertInodesPercent = 90
	DefaultAlertMemoryPercent = 90
	DefaultAlertSwapPercent   = 50
	DefaultAlertLoadPerCore   = 2
	DefaultAlertClockSkew     = 5 * time.Second
	DefaultAlertGPUTemp       = 85
	DefaultAlertConsecutive   = 2
	DefaultAlertMargin        = 5
)

// Prometheus is one [[prometheus]] source: the hosts its node_exporter
// targets report, watched through the Prometheus HTTP API instead of a
// probe each.
type Prometheus struct {
	Name     string   `toml:"name"`     // unique, [a-z0-9._-]; names the group the hosts join
	URL      HTTPURL  `toml:"url"`      // the Prometheus server, http://host:9090
	Selector string   `toml:"selector"` // label matchers of the node_exporter series; default DefaultPrometheusSelector
	Interval Duration `toml:"interval"` // default [monitor] interval
}

// DefaultPrometheusSelector picks node_exporter's targets.
const DefaultPrometheusSelector = `{job=~".*node.*"}`

func applyMonitorDefaults(f *File) {
	m := &f.Monitor
	if m.Interval == 0 {
		m.Interval = Duration(DefaultMonitorInterval)
	}
	if m.Timeout == 0 {
		m.Timeout = Duration(DefaultMonitorTimeout)
	}
	if m.History == 0 {
		m.History = Duration(DefaultMonitorHistory)
	}
	a := &f.Alerts
	def := func(p *float64, d float64) {
		if *p == 0 {
			*p = d
		}
	}
	def(&a.DiskPercent, DefaultAlertDiskPercent)
	def(&a.InodesPercent, DefaultAlertInodesPercent)
	def(&a.MemoryPercent, DefaultAlertMemoryPercent)
	def(&a.SwapPercent, DefaultAlertSwapPercent)
	def(&a.LoadPerCore, DefaultAlertLoadPerCore)
	def(&a.GPUTemp, DefaultAlertGPUTemp)
	if !a.marginGiven {
		def(&a.Margin, DefaultAlertMargin)
	}
	if a.ClockSkew == 0 {
		a.ClockSkew = Duration(DefaultAlertClockSkew)
	}
	if a.Consecutive == 0 {
		a.Consecutive = DefaultAlertConsecutive
	}
	for i := range f.Hosts {
		if f.Hosts[i].Sudo == "" {
			f.Hosts[i].Sudo = SudoNever
		}
	}
	for i := range f.Prometheus {
		if f.Prometheus[i].Selector == "" {
			f.Prometheus[i].Selector = DefaultPrometheusSelector
		}
		if f.Prometheus[i].Interval == 0 {
			f.Prometheus[i].Interval = m.Interval
		}
	}
}

func (v *validator) monitor(m Monitor, a Alerts) {
	if m.Interval != 0 && time.Duration(m.Interval) < time.Second {
		v.add("monitor.interval", "monitor.interval", "must be at least 1s")
	}
	// 0 stands for "not given" in the decoded values, so a 0 the file
	// writes is caught by its line: it would otherwise become the default.
	given := func(key string) bool { return v.lines.has("alerts." + key) }
	pct := func(key string, x float64) {
		if x < 0 || x > 100 || x == 0 && given(key) {
			v.add("alerts."+key, "alerts."+key, fmt.Sprintf("%g is not a percentage (want more than 0, at most 100)", x))
		}
	}
	pct("disk_percent", a.DiskPercent)
	pct("inodes_percent", a.InodesPercent)
	pct("memory_percent", a.MemoryPercent)
	pct("swap_percent", a.SwapPercent)
	if a.Margin < 0 || a.Margin >= 100 {
		v.add("alerts.margin", "alerts.margin", fmt.Sprintf("%g is not a margin (want 0 or more, under 100)", a.Margin))
	}
	if a.LoadPerCore < 0 || a.LoadPerCore == 0 && given("load_per_core") {
		v.add("alerts.load_per_core", "alerts.load_per_core", "must be more than 0")
	}
	if a.GPUTemp < 0 || a.GPUTemp > 150 || a.GPUTemp == 0 && given("gpu_temp") {
		v.add("alerts.gpu_temp", "alerts.gpu_temp", fmt.Sprintf("%g is not a GPU temperature in °C (want 1-150)", a.GPUTemp))
	}
	if a.Consecutive < 0 || a.Consecutive > 100 || a.Consecutive == 0 && given("consecutive") {
		v.add("alerts.consecutive", "alerts.consecutive", fmt.Sprintf("%d is not a count of probes (want 1-100)", a.Consecutive))
	}
}

func (v *validator) prometheus(ps []Prometheus, hosts []Host) {
	seen := map[string]bool{}
	for _, h := range hosts {
		seen[h.Name] = true
	}
	for i, p := range ps {
		el := fmt.Sprintf("prometheus[%d]", i)
		switch {
		case p.Name == "":
			v.add(el, el+".name", "is required")
		case !reHostName.Get().MatchString(p.Name):
			v.add(el+".name", el+".name", fmt.Sprintf("%q may use only a-z, 0-9, '.', '_' and '-', starting with a letter or digit", p.Name))
		case seen["prom:"+p.Name]:
			v.add(el+".name", el+".name", fmt.Sprintf("%q is already used by another [[prometheus]]", p.Name))
		}
		seen["prom:"+p.Name] = true
		if p.URL == "" {
			v.add(el, el+".url", "is required")
		}
	}
}

// monitorSettings lists [monitor] and [alerts] as `macroa config` shows them.
func (c *Config) monitorSettings() []Setting {
	m, a := c.File.Monitor, c.File.Alerts
	var out []Setting
	add := func(key, value, desc string) {
		out = append(out, Setting{Name: key, Value: value, Source: c.FileSource(key), Description: desc})
	}
	pct := func(x float64) string { return fmt.Sprintf("%g%%", x) }
	add("monitor.interval", m.Interval.String(), "Time between two health probes of a host.")
	add("monitor.timeout", m.Timeout.String(), "Time limit for one probe, connection included.")
	add("monitor.history", m.History.String(), "How long each host's samples are kept.")
	add("alerts.disk_percent", pct(a.DiskPercent), "A file system fuller than this raises an alert.")
	add("alerts.inodes_percent", pct(a.InodesPercent), "A file system with more inodes in use raises an alert.")
	add("alerts.memory_percent", pct(a.MemoryPercent), "Memory in use over this is memory pressure.")
	add("alerts.swap_percent", pct(a.SwapPercent), "Swap in use over this, with memory nearly full, is memory pressure.")
	add("alerts.load_per_core", fmt.Sprintf("%g", a.LoadPerCore), "5-minute load over this many times the cores raises an alert.")
	add("alerts.clock_skew", a.ClockSkew.String(), "A host clock off by more raises an alert.")
	add("alerts.gpu_temp", fmt.Sprintf("%g °C", a.GPUTemp), "A GPU hotter than this raises an alert.")
	add("alerts.consecutive", fmt.Sprintf("%d", a.Consecutive), "Probes over (or back under) a threshold before an alert fires (or clears).")
	add("alerts.margin", fmt.Sprintf("%g", a.Margin), "How far under its threshold a value must fall to clear (points; for load, percent).")
	return out
}

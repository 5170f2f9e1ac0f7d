package fleet

import (
	"context"
	"time"

	"github.com/macroa/macroa/hosts/probe"
)

// State is a host's health in one word, as the pane, the CLI and the
// hosts skill show it. Front ends that map states to colours or words
// must map each: StateDenied (the host answered but refused the login)
// needs a person like StateUntrusted and StateRefused, and is not
// probed again until one acts.
type State string

const (
	StateOK          State = "ok"          // the last probe answered and nothing is over a threshold
	StateWarn        State = "warn"        // a value is near its threshold, or a field could not be measured
	StateAlert       State = "alert"       // an alert is firing
	StateUnreachable State = "unreachable" // the last probe could not connect, or timed out
	StateStale       State = "stale"       // no probe has answered for two intervals (no poller running)
	StateUntrusted   State = "untrusted"   // the host's key is unknown: a person must trust it first
	StateRefused     State = "refused"     // the host's key CHANGED: refused until a person acts
	StateDenied      State = "denied"      // the host answered but refused the login: no key offered was accepted
	StateNew         State = "new"         // never probed
)

// Source says where a host's health comes from.
type Source string

const (
	SourceLocal      Source = "local"      // this machine, probed directly
	SourceSSH        Source = "ssh"        // probed over SSH
	SourcePrometheus Source = "prometheus" // read from a Prometheus server's node_exporter series
)

// HostStatus is one host as the fleet knows it now.
type HostStatus struct {
	Name    string
	Address string // as configured: a host name, an IP, or an ~/.ssh/config alias
	Source  Source
	Tags    []string
	Groups  []string

	State State
	// Why says what made the state, in one line: "unreachable since 12:03:
	// connection refused", "disk / 93%".
	Why      string
	Since    time.Time // the state holds since then
	LastSeen time.Time // the last probe that answered; zero: never
	ProbedAt time.Time // the last probe tried, answered or not
	Latency  time.Duration

	// Snapshot is the last probe that answered; HasSnapshot is false until
	// one did.
	Snapshot    probe.Snapshot
	HasSnapshot bool
	// The headline numbers of Snapshot; each is NaN when not measured.
	Load1, CPUPercent, MemPercent, DiskPercent float64

	Alerts int // alerts firing now

	// Fingerprint is the key the host presented when it was untrusted or
	// refused ("SHA256:…"), for a person to compare before trusting.
	Fingerprint string
	KeyType     string
}

// Sample is one point of a host's history, for sparklines. Values are NaN
// when not measured; OK is false for a probe that did not answer.
type Sample struct {
	At                                         time.Time
	OK                                         bool
	Load1, CPUPercent, MemPercent, DiskPercent float64
}

// Rule names an alert rule.
type Rule string

const (
	RuleDisk        Rule = "disk"        // a file system over alerts.disk_percent
	RuleInodes      Rule = "inodes"      // a file system's inodes over alerts.inodes_percent
	RuleMemory      Rule = "memory"      // memory pressure
	RuleLoad        Rule = "load"        // 5-minute load over alerts.load_per_core × cores
	RuleFailedUnit  Rule = "failed-unit" // a systemd unit failed
	RuleUnreachable Rule = "unreachable" // the host did not answer
	RuleClockSkew   Rule = "clock-skew"  // its clock is off by more than alerts.clock_skew
	RuleReboot      Rule = "reboot"      // a reboot is required
	RuleGPUTemp     Rule = "gpu-temp"    // a GPU over alerts.gpu_temp
	RuleHostKey     Rule = "host-key"    // the host's key changed
)

// Alert is one alert: firing, or resolved with the time it cleared.
type Alert struct {
	ID               int64
	Host             string
	Rule             Rule
	Subject          string // what on the host: a mount point, a unit, a GPU; "" for the host
	Message          string // one line for a person: "disk / at 93% (threshold 90%)"
	Value, Threshold float64
	FiredAt          time.Time
	ResolvedAt       time.Time // zero while firing
}

// Firing says the alert has not cleared.
func (a Alert) Firing() bool { return a.ResolvedAt.IsZero() }

// KeyInfo is the key a host presents, for a person to check before
// trusting it.
type KeyInfo struct {
	Host        string
	Address     string // host:port that presented it
	Type        string // ssh-ed25519
	Fingerprint string // SHA256:…
	Known       bool   // already trusted
	Changed     bool   // differs from the known key
}

// Prober reads one host's health once: the probe script over a transport
// (ProbeOver) or a Prometheus server's metrics for the host (hosts/prom).
type Prober interface {
	Probe(ctx context.Context) (probe.Snapshot, error)
}

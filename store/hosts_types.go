package store

import (
	"database/sql"
	"math"
	"time"
)

// HostsLease is the lease's name for the fleet's poller: only its holder
// probes hosts on their intervals.
const HostsLease = "hosts"

// HostStatus is one host's row of host_status: its state now and the last
// probe that answered.
type HostStatus struct {
	Host     string
	State    string // core/fleet's State: ok, warn, alert, unreachable...
	Why      string
	Since    time.Time // the state holds since then (kept while it does not change)
	LastSeen time.Time // the last probe that answered; zero: never
	ProbedAt time.Time // the last probe tried
	Latency  time.Duration
	// Snapshot is the last answered probe as JSON; empty until one did.
	// Writing an empty one keeps the stored snapshot.
	Snapshot    []byte
	Fingerprint string // the key an untrusted or refused host presented
	KeyType     string
	Source      string // local, ssh, prometheus
	Seq         int64
}

// HostSample is one point of a host's history. A value is NaN when it was
// not measured (stored as NULL).
type HostSample struct {
	Host                  string
	At                    time.Time
	OK                    bool
	Load1, CPU, Mem, Disk float64
}

// HostAlertID names one alert.
type HostAlertID int64

// HostAlert is one row of host_alerts: firing while ResolvedAt is zero.
type HostAlert struct {
	ID               HostAlertID
	Host             string
	Rule             string
	Subject          string // a mount, a unit, a GPU; "" for the host
	Message          string // one line for a person, cleaned and redacted by the caller
	Value, Threshold float64
	FiredAt          time.Time
	ResolvedAt       time.Time
}

// HostAlertKey names what one firing alert is about.
type HostAlertKey struct {
	Rule, Subject string
	// Message says why it cleared, for the audit entry ("cleared on
	// web1: " goes before it); "": the alert's own message.
	Message string
}

// HostProbe is what one probe of one host writes, in one transaction:
// the status, a sample, the alerts that fire and those that clear (each
// with its audit entry), and the samples pruned.
type HostProbe struct {
	Status  HostStatus
	Sample  *HostSample // nil: none
	Fire    []HostAlert
	Resolve []HostAlertKey
	// Audit is the template of each transition's audit entry (Source,
	// ChosenBy); the store fills the action.
	Audit AuditEntry
	Prune HostPrune
}

// HostPrune bounds one host's history: samples older than Before, and
// all but the newest Keep, are deleted, and so are alerts resolved before
// AlertsBefore. Zero values prune nothing.
type HostPrune struct {
	Before       time.Time
	Keep         int
	AlertsBefore time.Time
}

// HostProbeResult is what a HostProbe changed.
type HostProbeResult struct {
	Status   HostStatus
	Fired    []HostAlert // newly firing (one already firing is not repeated)
	Resolved []HostAlert // cleared now
}

// hostsAuditSkill is the audit log's skill for every alert transition.
const hostsAuditSkill = "hosts"

// nullFloat stores NaN (not measured) as NULL.
func nullFloat(f float64) sql.NullFloat64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: f, Valid: true}
}

// fromNullFloat is the inverse of nullFloat.
func fromNullFloat(f sql.NullFloat64) float64 {
	if !f.Valid {
		return math.NaN()
	}
	return f.Float64
}

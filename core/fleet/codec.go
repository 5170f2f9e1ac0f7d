package fleet

import (
	"encoding/json"
	"math"

	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/store"
)

// storedSnapshot is host_status.snapshot: the last answer, and the CPU
// in use it measured against the answer before (which the snapshot's
// counters alone cannot say).
type storedSnapshot struct {
	Snapshot   probe.Snapshot `json:"snapshot"`
	CPUPercent *float64       `json:"cpu_percent,omitempty"`
}

func encodeSnapshot(s probe.Snapshot, cpu float64) ([]byte, error) {
	v := storedSnapshot{Snapshot: s}
	if !math.IsNaN(cpu) {
		v.CPUPercent = &cpu
	}
	return json.Marshal(v)
}

// decodeSnapshot reads a stored snapshot; cpu is NaN when not measured.
func decodeSnapshot(b []byte) (snap probe.Snapshot, cpu float64, err error) {
	cpu = math.NaN()
	if len(b) == 0 {
		return probe.Snapshot{}, cpu, nil
	}
	var v storedSnapshot
	if err := json.Unmarshal(b, &v); err != nil {
		return probe.Snapshot{}, cpu, err
	}
	if v.CPUPercent != nil {
		cpu = *v.CPUPercent
	}
	return v.Snapshot, cpu, nil
}

// headlines are a snapshot's headline numbers, NaN when not measured.
type headlines struct{ load1, mem, disk float64 }

// headline reads them: the 1-minute load, the memory in use and the
// fullest file system.
func headline(s probe.Snapshot) headlines {
	h := headlines{load1: math.NaN(), mem: math.NaN(), disk: math.NaN()}
	if s.Load.OK {
		h.load1 = s.Load.Value.One
	}
	if s.Memory.OK && s.Memory.Value.Total > 0 {
		h.mem = s.Memory.Value.UsedPercent()
	}
	if s.Disks.OK {
		for _, d := range s.Disks.Value {
			if p := d.UsedPercent(); math.IsNaN(h.disk) || p > h.disk {
				h.disk = p
			}
		}
	}
	return h
}

// status is a host as front ends see it, from its inventory entry and its
// stored row (found false: never probed); firing counts its alerts.
func (s *Service) status(e HostEntry, row store.HostStatus, firing int, found bool) HostStatus {
	h := HostStatus{
		Name: e.Name, Address: e.Address, Source: e.Source, Tags: e.Tags, Groups: e.Groups,
		State: StateNew, Why: "not probed yet", Alerts: firing,
		Load1: math.NaN(), CPUPercent: math.NaN(), MemPercent: math.NaN(), DiskPercent: math.NaN(),
	}
	if !found {
		return h
	}
	h.State, h.Why = State(row.State), row.Why
	h.Since, h.LastSeen, h.ProbedAt, h.Latency = row.Since, row.LastSeen, row.ProbedAt, row.Latency
	h.Fingerprint, h.KeyType = row.Fingerprint, row.KeyType
	if snap, cpu, err := decodeSnapshot(row.Snapshot); err == nil && len(row.Snapshot) > 0 {
		h.Snapshot, h.HasSnapshot = snap, true
		hl := headline(snap)
		h.Load1, h.CPUPercent, h.MemPercent, h.DiskPercent = hl.load1, cpu, hl.mem, hl.disk
	}
	return h
}

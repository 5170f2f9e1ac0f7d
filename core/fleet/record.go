package fleet

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/macroa/macroa/store"
)

// record writes one probe: status, sample and, when this process holds
// the lease, the alerts that fire and clear with their audit entries.
func (s *Service) record(ctx context.Context, hs *hostState, r result, out Outcome, state State, why string, cpu float64, holding bool) (store.HostProbeResult, error) {
	st := store.HostStatus{
		Host:     r.entry.Name,
		State:    string(state),
		Why:      s.clean(why),
		Since:    r.sent,
		ProbedAt: r.sent,
		Latency:  r.received.Sub(r.sent),
		Source:   string(r.entry.Source),
	}
	if r.state == StateUntrusted || r.state == StateRefused {
		st.Fingerprint, st.KeyType = r.fingerprint, r.key
	}
	sample := store.HostSample{At: r.sent, OK: r.err == nil, Load1: math.NaN(), CPU: math.NaN(), Mem: math.NaN(), Disk: math.NaN()}
	if r.err == nil {
		st.LastSeen = r.received
		b, err := encodeSnapshot(r.snap, cpu)
		if err != nil {
			s.o.Log.Warn("fleet: encode a snapshot", "host", r.entry.Name, "err", err)
		}
		st.Snapshot = b
		h := headline(r.snap)
		sample.Load1, sample.CPU, sample.Mem, sample.Disk = h.load1, cpu, h.mem, h.disk
	}
	p := store.HostProbe{
		Status: st,
		Sample: &sample,
		Audit:  store.AuditEntry{Source: s.o.Role, ChosenBy: "monitor", Time: r.received},
	}
	if holding {
		for _, f := range out.Fire {
			p.Fire = append(p.Fire, store.HostAlert{Rule: string(f.Key.Rule), Subject: s.clean(f.Key.Subject),
				Message: s.clean(f.Message), Value: f.Value, Threshold: f.Threshold, FiredAt: r.received})
		}
		for _, f := range out.Clear {
			p.Resolve = append(p.Resolve, store.HostAlertKey{Rule: string(f.Key.Rule), Subject: s.clean(f.Key.Subject),
				Message: s.clean(f.Message)})
		}
	}
	hs.mu.Lock()
	n := hs.probes
	hs.mu.Unlock()
	if n%pruneEvery == 0 {
		p.Prune = store.HostPrune{Before: r.sent.Add(-time.Duration(s.o.Monitor.History)), Keep: s.o.MaxSamples,
			AlertsBefore: r.sent.Add(-AlertHistory)}
	}
	res, err := s.o.Store.RecordHostProbe(ctx, p)
	if err != nil {
		return store.HostProbeResult{}, fmt.Errorf("record the probe of %s: %w", r.entry.Name, err)
	}
	return res, nil
}

// clean makes text from a host fit for the store, an event and a
// notification: one line, no escape sequences, secrets redacted.
func (s *Service) clean(t string) string { return s.o.Redact(oneLine(t)) }

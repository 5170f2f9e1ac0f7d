package fleet

import (
	"context"
	"fmt"
	"time"

	"github.com/macroa/macroa/store"
)

// List returns every host of the inventory as the store knows it, this
// machine first, with its firing alerts counted and its headline numbers.
func (s *Service) List(ctx context.Context) ([]HostStatus, error) {
	rows, err := s.o.Store.ListHostStatus(ctx)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]store.HostStatus, len(rows))
	for _, r := range rows {
		byName[r.Host] = r
	}
	firing, err := s.o.Store.FiringHostAlerts(ctx)
	if err != nil {
		return nil, err
	}
	polling, err := s.pollerLive(ctx)
	if err != nil {
		return nil, err
	}
	var out []HostStatus
	for _, e := range s.entries() {
		row, ok := byName[e.Name]
		out = append(out, s.stale(s.status(e, row, firing[e.Name], ok), e, polling))
	}
	return out, nil
}

// Status returns one host; ErrUnknownHost when the inventory has none by
// that name.
func (s *Service) Status(ctx context.Context, name string) (HostStatus, error) {
	e, err := s.entry(name)
	if err != nil {
		return HostStatus{}, err
	}
	row, ok, err := s.o.Store.GetHostStatus(ctx, name)
	if err != nil {
		return HostStatus{}, err
	}
	firing, err := s.o.Store.FiringHostAlerts(ctx)
	if err != nil {
		return HostStatus{}, err
	}
	polling, err := s.pollerLive(ctx)
	if err != nil {
		return HostStatus{}, err
	}
	return s.stale(s.status(e, row, firing[name], ok), e, polling), nil
}

// History returns a host's samples since a time, oldest first.
func (s *Service) History(ctx context.Context, name string, since time.Time) ([]Sample, error) {
	rows, err := s.o.Store.HostSamplesSince(ctx, name, since)
	if err != nil {
		return nil, err
	}
	out := make([]Sample, len(rows))
	for i, r := range rows {
		out[i] = Sample{At: r.At, OK: r.OK, Load1: r.Load1, CPUPercent: r.CPU, MemPercent: r.Mem, DiskPercent: r.Disk}
	}
	return out, nil
}

// Alerts returns a host's alerts ("" for every host), newest first: the
// firing ones, and the resolved ones too when includeResolved; at most
// limit (0: 100). An alert still firing on a host removed from the
// inventory is left out: the poller clears it at its next lease renewal.
func (s *Service) Alerts(ctx context.Context, host string, includeResolved bool, limit int) ([]Alert, error) {
	rows, err := s.o.Store.ListHostAlerts(ctx, store.HostAlertFilter{Host: host, Firing: !includeResolved, Limit: limit})
	if err != nil {
		return nil, err
	}
	u, err := s.unlisted(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Alert, 0, len(rows))
	for _, a := range rows {
		if a.ResolvedAt.IsZero() && u.removed(a.Host) {
			continue
		}
		out = append(out, Alert{ID: int64(a.ID), Host: a.Host, Rule: Rule(a.Rule), Subject: a.Subject, Message: a.Message,
			Value: a.Value, Threshold: a.Threshold, FiredAt: a.FiredAt, ResolvedAt: a.ResolvedAt})
	}
	return out, nil
}

// ProbeNow probes a host at once, with or without the lease, writes what
// it found and returns its new status. A probe of the host under way in
// this process is joined, not repeated. A host waiting for a person
// (untrusted, refused) that answers goes back to its interval.
func (s *Service) ProbeNow(ctx context.Context, name string) (HostStatus, error) {
	e, err := s.entry(name)
	if err != nil {
		return HostStatus{}, err
	}
	s.calls.Add(1)
	defer s.calls.Done()
	if s.base.Err() != nil {
		return HostStatus{}, fmt.Errorf("probe %s: the fleet is stopped", name)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.base, cancel)
	defer stop()
	hs := s.state(name)
	st, err := s.probeHost(ctx, e, hs, s.Holding())
	if err != nil {
		return HostStatus{}, err
	}
	select {
	case hs.wake <- struct{}{}:
	default:
	}
	return st, nil
}

// pollerLive says whether a live process holds the hosts lease.
func (s *Service) pollerLive(ctx context.Context) (bool, error) {
	if s.Holding() {
		return true, nil
	}
	l, ok, err := s.o.Store.GetLease(ctx, store.HostsLease)
	if err != nil {
		return false, err
	}
	return ok && l.ExpiresAt.After(time.Now()) && s.o.Alive(l.Holder), nil
}

// stale marks a host whose last probe is older than two intervals and
// the timeout while no poller runs. A host waiting for a person keeps
// its state: it says what to do.
func (s *Service) stale(h HostStatus, e HostEntry, polling bool) HostStatus {
	switch h.State {
	case StateNew, StateUntrusted, StateRefused, StateDenied, StateStale:
		return h
	}
	if polling || h.ProbedAt.IsZero() {
		return h
	}
	if s.o.Clock().Sub(h.ProbedAt) <= 2*e.Interval+s.timeout() {
		return h
	}
	was := string(h.State)
	if h.Why != "" {
		was += ": " + h.Why
	}
	h.State = StateStale
	h.Why = fmt.Sprintf("no probe since %s, no poller runs (was %s)", h.ProbedAt.Local().Format("15:04"), was)
	return h
}

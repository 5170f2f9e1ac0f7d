package fleet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// hostState is what this process remembers of one host between probes.
// One probe of the host runs at a time (inflight); the fields below mu
// are written by that probe and read by the host's poller.
type hostState struct {
	name  string
	wake  chan struct{} // a ProbeNow probed: wait from its answer
	retry chan struct{} // the known keys changed: probe a blocked host

	mu       sync.Mutex
	inflight *flight
	loaded   bool // read back from the store
	rules    RuleState
	prevCPU  probe.CPUTimes
	hasCPU   bool
	failures int       // probes in a row that did not answer
	since    time.Time // the first of them
	blocked  bool      // untrusted, refused or denied: wait for a person
	probes   int
}

// flight is one probe under way, which a second caller joins.
type flight struct {
	done chan struct{}
	st   HostStatus
	err  error
}

// probeHost probes e once, or joins the probe of it already under way;
// holding says this process holds the lease (and so fires and clears
// alerts).
func (s *Service) probeHost(ctx context.Context, e HostEntry, hs *hostState, holding bool) (HostStatus, error) {
	hs.mu.Lock()
	for hs.inflight != nil {
		f := hs.inflight
		hs.mu.Unlock()
		if s.o.onJoin != nil {
			s.o.onJoin(e.Name)
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return HostStatus{}, ctx.Err()
		}
		// A probe its own caller gave up on wrote nothing: probe anew.
		if !errors.Is(f.err, context.Canceled) && !errors.Is(f.err, context.DeadlineExceeded) {
			return f.st, f.err
		}
		hs.mu.Lock()
	}
	f := &flight{done: make(chan struct{})}
	hs.inflight = f
	hs.mu.Unlock()
	f.st, f.err = s.runProbe(ctx, e, hs, holding)
	hs.mu.Lock()
	hs.inflight = nil
	hs.mu.Unlock()
	close(f.done)
	return f.st, f.err
}

// load reads back what the store knows of the host: the alerts firing,
// the last CPU counters, the start of an unreachable spell. hs.mu is held.
func (s *Service) load(ctx context.Context, hs *hostState) error {
	if hs.loaded {
		return nil
	}
	firing, err := s.firingKeys(ctx, hs.name)
	if err != nil {
		return err
	}
	row, ok, err := s.o.Store.GetHostStatus(ctx, hs.name)
	if err != nil {
		return err
	}
	hs.rules = NewRuleState(firing)
	if ok {
		if snap, _, err := decodeSnapshot(row.Snapshot); err == nil && snap.CPU.OK {
			hs.prevCPU, hs.hasCPU = snap.CPU.Value, true
		}
		if State(row.State) == StateUnreachable {
			hs.since = row.Since
		}
	}
	hs.loaded = true
	return nil
}

func (s *Service) firingKeys(ctx context.Context, host string) ([]AlertKey, error) {
	alerts, err := s.o.Store.ListHostAlerts(ctx, store.HostAlertFilter{Host: host, Firing: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	keys := make([]AlertKey, len(alerts))
	for i, a := range alerts {
		keys[i] = AlertKey{Rule: Rule(a.Rule), Subject: a.Subject}
	}
	return keys, nil
}

// runProbe probes the host, judges it and writes what it found.
func (s *Service) runProbe(ctx context.Context, e HostEntry, hs *hostState, holding bool) (HostStatus, error) {
	hs.mu.Lock()
	err := s.load(ctx, hs)
	rules, prevCPU, hasCPU := hs.rules, hs.prevCPU, hs.hasCPU
	hs.mu.Unlock()
	if err != nil {
		return HostStatus{}, fmt.Errorf("probe %s: %w", e.Name, err)
	}
	if !holding {
		// Another process may hold the lease and move the alerts: start
		// from what the store says fires, and change nothing of it.
		keys, err := s.firingKeys(ctx, e.Name)
		if err != nil {
			return HostStatus{}, fmt.Errorf("probe %s: %w", e.Name, err)
		}
		rules = NewRuleState(keys)
	}
	p := e.Prober
	if p == nil {
		if e.Transport == nil {
			return HostStatus{}, fmt.Errorf("probe %s: it has no transport", e.Name)
		}
		p = ProbeOver(e.Transport)
	}
	pctx, cancel := context.WithTimeout(ctx, s.timeout())
	sent := s.o.Clock()
	snap, perr := p.Probe(pctx)
	received := s.o.Clock()
	cancel()
	if ctx.Err() != nil {
		return HostStatus{}, ctx.Err() // stopping: nothing is written
	}
	if errors.Is(perr, ErrUnknownHost) {
		// The entry is no host any more (a Prometheus source's own entry
		// once it lists its targets): nothing is written, and its alerts
		// clear at the next lease renewal.
		s.mu.Lock()
		s.missing[e.Name] = time.Time{}
		s.mu.Unlock()
		return HostStatus{}, fmt.Errorf("probe %s: %w", e.Name, perr)
	}
	if perr == nil {
		snap = s.cleanNames(snap)
	}
	r := result{entry: e, sent: sent, received: received, snap: snap, err: perr}
	r.classify()
	obs := Observation{Snapshot: snap, Answered: perr == nil, Failure: r.failure, KeyChanged: r.state == StateRefused,
		LoginRefused: r.state == StateDenied, Sent: sent, Received: received}
	var out Outcome
	if r.state != StateUntrusted {
		out = Evaluate(rules, obs, s.o.Thresholds)
	} else {
		out = Outcome{State: rules}
	}

	hs.mu.Lock()
	failures, since := hs.failures, hs.since
	hs.mu.Unlock()
	if r.state == StateUnreachable {
		if failures == 0 && since.IsZero() {
			since = sent
		}
		failures++
	} else {
		failures, since = 0, time.Time{}
	}
	var cpu float64 = math.NaN()
	if perr == nil && snap.CPU.OK && hasCPU {
		if v, ok := probe.CPUPercent(prevCPU, snap.CPU.Value); ok {
			cpu = v
		}
	}
	var next time.Time
	if holding && r.state == StateUnreachable {
		// This process's poller tries again after the backoff.
		next = received.Add(backoff(e.Interval, failures, s.o.MaxBackoff))
	}
	state, why := s.decide(r, out, since, next)
	rec, err := s.record(ctx, hs, r, out, state, why, cpu, holding)
	if err != nil {
		return HostStatus{}, err
	}

	hs.mu.Lock()
	if holding {
		hs.rules = out.State
	}
	if perr == nil && snap.CPU.OK {
		hs.prevCPU, hs.hasCPU = snap.CPU.Value, true
	}
	hs.failures, hs.since = failures, since
	hs.blocked = r.state == StateUntrusted || r.state == StateRefused || r.state == StateDenied
	hs.probes++
	hs.mu.Unlock()

	for _, a := range rec.Fired {
		s.o.Publish(events.HostAlert{Host: e.Name, Rule: a.Rule, Subject: a.Subject, Message: a.Message, Firing: true})
	}
	for _, a := range rec.Resolved {
		s.o.Publish(events.HostAlert{Host: e.Name, Rule: a.Rule, Subject: a.Subject, Message: a.Message, Firing: false})
	}
	s.o.Publish(events.HostProbed{Host: e.Name, State: rec.Status.State})
	firing := len(rules.Firing()) // what the store says fires (not holding)
	if holding {
		firing = len(out.State.Firing())
	}
	return s.status(e, rec.Status, firing, true), nil
}

// result is one probe's answer, sorted into a state.
type result struct {
	entry          HostEntry
	sent, received time.Time
	snap           probe.Snapshot
	err            error

	state            State // unreachable, untrusted, refused, denied; "" when it answered
	failure          string
	fingerprint, key string
	said             bool // failure says why untrusted or refused: no key of its own to show
}

func (r *result) classify() {
	if r.err == nil {
		return
	}
	var unknown *hosts.UnknownHostError
	var changed *hosts.HostKeyChangedError
	var denied *hosts.AuthError
	var jump *hosts.JumpKeyError
	var revoked *hosts.HostKeyRevokedError
	switch {
	case errors.As(r.err, &jump):
		// A jump host's key: its words name the jump host, and its
		// fingerprint is not this host's.
		r.state, r.said = StateRefused, true
		if errors.As(jump.Err, &unknown) {
			r.state = StateUntrusted
		}
		r.failure = r.trimFailure(r.err.Error())
		return
	case errors.As(r.err, &revoked):
		r.state, r.said, r.fingerprint = StateRefused, true, revoked.Fingerprint
		if revoked.Key != nil {
			r.key = revoked.Key.Type()
		}
		r.failure = r.trimFailure(r.err.Error()) // the key is revoked, and where
		return
	case errors.As(r.err, &changed):
		r.state, r.fingerprint = StateRefused, changed.Fingerprint
		if changed.Key != nil {
			r.key = changed.Key.Type()
		}
	case errors.As(r.err, &unknown):
		r.state, r.fingerprint = StateUntrusted, unknown.Fingerprint
		if unknown.Key != nil {
			r.key = unknown.Key.Type()
		}
	case errors.As(r.err, &denied):
		// Its own words name the address, the user and the keys left out.
		r.state, r.failure = StateDenied, oneLine(denied.Error())
		return
	default:
		r.state = StateUnreachable
		var down *hosts.UnreachableError
		if errors.As(r.err, &down) && down.Err != nil {
			// The state says since when; the transport's own words
			// would say it twice.
			r.failure = r.trimFailure(down.Err.Error())
			return
		}
		r.failure = r.trimFailure(r.err.Error())
		return
	}
	r.failure = oneLine(r.err.Error())
}

// trimFailure is why a probe did not answer without what the state and
// the alert say already: the host's name or address and "unreachable"
// in front ("hang: unreachable: dial …" is "dial …").
func (r *result) trimFailure(t string) string {
	t = oneLine(t)
	for {
		was := t
		for _, p := range []string{r.entry.Name, r.entry.Address, "unreachable"} {
			if p != "" {
				t = strings.TrimPrefix(t, p+": ")
			}
		}
		if t == was {
			return t
		}
	}
}

// oneLine makes untrusted text one clean line of at most 300 runes.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(termsafe.Clean(s)), " ")
	return cutText(s, 300)
}

// decide is the host's state after a probe, and why in one line; next
// is when the poller tries an unreachable host again (zero: not known).
func (s *Service) decide(r result, out Outcome, since, next time.Time) (State, string) {
	switch {
	case r.said && (r.state == StateRefused || r.state == StateUntrusted):
		return r.state, r.failure
	}
	switch r.state {
	case StateRefused:
		return StateRefused, fmt.Sprintf("host key CHANGED (now %s %s): refused", r.key, r.fingerprint)
	case StateUntrusted:
		return StateUntrusted, fmt.Sprintf("host key not trusted yet (%s %s)", r.key, r.fingerprint)
	case StateDenied:
		return StateDenied, "login refused: " + r.failure
	case StateUnreachable:
		why := fmt.Sprintf("unreachable since %s: %s", since.Local().Format("15:04"), r.failure)
		if !next.IsZero() {
			why += "; next try " + next.Local().Format("15:04:05")
		}
		return StateUnreachable, why
	}
	if n := len(out.Firing); n > 0 {
		why := out.Firing[0].Message
		if n > 1 {
			why += fmt.Sprintf(" (+%d more)", n-1)
		}
		return StateAlert, why
	}
	if len(out.Near) > 0 {
		// One over its threshold (not yet firing) says more than one near.
		f := out.Near[0]
		for _, n := range out.Near {
			if n.Over {
				return StateWarn, n.Message + ": an alert if it holds"
			}
		}
		return StateWarn, "near its threshold: " + f.Message
	}
	if len(out.Missing) > 0 {
		return StateWarn, "not measured: " + out.Missing[0]
	}
	return StateOK, ""
}

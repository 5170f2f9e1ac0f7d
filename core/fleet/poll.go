package fleet

import (
	"context"
	"time"
)

// poll probes one host on its interval until ctx ends: at once when its
// last probe is older than the interval (a poller taking over does not
// probe what was just probed), then every interval; while it does not
// answer, the interval doubles up to MaxBackoffIntervals intervals and
// MaxBackoff; a host whose key is untrusted or refused, or that refused
// the login, waits for a person (ProbeNow, or the known keys changing).
func (s *Service) poll(ctx context.Context, e HostEntry) {
	hs := s.state(e.Name)
	wait := time.Duration(0)
	// A host waiting for a person is tried once more too: the person
	// may have acted while no poller ran.
	if row, ok, err := s.o.Store.GetHostStatus(ctx, e.Name); err == nil && ok && !row.ProbedAt.IsZero() {
		if d := row.ProbedAt.Add(e.Interval).Sub(s.o.Clock()); d > 0 {
			wait = min(d, e.Interval)
		}
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if s.o.onWait != nil {
			s.o.onWait(e.Name, wait)
		}
		var tick <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-hs.retry:
		case <-hs.wake:
			// A ProbeNow just probed the host: wait from its answer.
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			wait = s.nextWait(e, hs)
			continue
		}
		if _, err := s.probeHost(ctx, e, hs, true); err != nil && ctx.Err() == nil {
			s.o.Log.Warn("fleet: probe", "host", e.Name, "err", err)
		}
		wait = s.nextWait(e, hs)
	}
}

// nextWait is the wait before the host's next probe: -1 while it waits
// for a person.
func (s *Service) nextWait(e HostEntry, hs *hostState) time.Duration {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.blocked {
		return -1
	}
	return backoff(e.Interval, hs.failures, s.o.MaxBackoff)
}

// MaxBackoffIntervals bounds the wait of a host that does not answer in
// its own intervals: a host that comes back is seen again within that.
const MaxBackoffIntervals = 4

// backoff is the wait after failures probes in a row did not answer: the
// interval, doubled from the second failure on, at most
// MaxBackoffIntervals intervals and limit (never under the interval).
func backoff(interval time.Duration, failures int, limit time.Duration) time.Duration {
	ceiling := min(MaxBackoffIntervals*interval, limit)
	wait := interval
	for i := 1; i < failures && wait < ceiling; i++ {
		wait *= 2
	}
	return max(min(wait, ceiling), interval)
}

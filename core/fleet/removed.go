package fleet

import (
	"context"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// removedGrace is how long a Prometheus target with alerts firing must
// be missing from the inventory before they clear: a source's targets
// are listed only once it answered, which must not clear them at every
// start. A host of config.toml's is gone as soon as it is not listed.
const removedGrace = 5 * time.Minute

// unlisted sorts the hosts the inventory does not list now: removed
// (gone for good: a host of config.toml's, or one never probed) or
// perhaps not listed yet (a Prometheus target: its source lists it once
// it answers).
type unlisted struct {
	listed map[string]bool
	target map[string]bool // hosts whose last status came from Prometheus
}

func (s *Service) unlisted(ctx context.Context) (unlisted, error) {
	u := unlisted{listed: map[string]bool{}, target: map[string]bool{}}
	for _, e := range s.entries() {
		u.listed[e.Name] = true
	}
	rows, err := s.o.Store.ListHostStatus(ctx)
	if err != nil {
		return u, err
	}
	for _, r := range rows {
		if Source(r.Source) == SourcePrometheus {
			u.target[r.Host] = true
		}
	}
	return u, nil
}

// removed says host is no longer in the inventory for good.
func (u unlisted) removed(host string) bool { return !u.listed[host] && !u.target[host] }

// resolveRemoved clears the alerts still firing on hosts the inventory no
// longer lists: nothing polls them any more, so nothing else would. The
// lease holder calls it as it reconciles its pollers (each lease
// renewal): a host removed from config.toml clears then, a Prometheus
// target after removedGrace.
func (s *Service) resolveRemoved(ctx context.Context) {
	firing, err := s.o.Store.FiringHostAlerts(ctx)
	if err != nil {
		s.o.Log.Warn("fleet: read firing alerts", "err", err)
		return
	}
	u, err := s.unlisted(ctx)
	if err != nil {
		s.o.Log.Warn("fleet: read the hosts' status", "err", err)
		return
	}
	listed := u.listed
	now := time.Now()
	s.mu.Lock()
	for host := range s.missing {
		if listed[host] || firing[host] == 0 {
			delete(s.missing, host)
		}
	}
	var gone []string
	for host := range firing {
		if listed[host] {
			continue
		}
		since, ok := s.missing[host]
		if !ok {
			s.missing[host] = now
			since = now
		}
		if u.removed(host) || now.Sub(since) >= s.o.removedGrace {
			gone = append(gone, host)
		}
	}
	s.mu.Unlock()
	for _, host := range gone {
		keys, err := s.firingKeys(ctx, host)
		if err != nil {
			s.o.Log.Warn("fleet: read firing alerts", "host", host, "err", err)
			continue
		}
		p := store.HostProbe{Status: store.HostStatus{Host: host},
			Audit: store.AuditEntry{Source: s.o.Role, ChosenBy: "monitor"}}
		for _, k := range keys {
			p.Resolve = append(p.Resolve, store.HostAlertKey{Rule: string(k.Rule), Subject: k.Subject,
				Message: "the host is no longer in the inventory"})
		}
		res, err := s.o.Store.RecordHostProbe(ctx, p)
		if err != nil {
			s.o.Log.Warn("fleet: clear the alerts of a removed host", "host", host, "err", err)
			continue
		}
		for _, a := range res.Resolved {
			s.o.Publish(events.HostAlert{Host: host, Rule: a.Rule, Subject: a.Subject, Message: a.Message, Firing: false})
		}
	}
}

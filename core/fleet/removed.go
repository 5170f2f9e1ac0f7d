package fleet

import (
	"context"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// resolveRemoved clears the alerts still firing on hosts the inventory no
// longer lists: nothing polls them any more, so nothing else would. The
// lease holder calls it as it reconciles its pollers.
func (s *Service) resolveRemoved(ctx context.Context, want map[string]HostEntry) {
	firing, err := s.o.Store.FiringHostAlerts(ctx)
	if err != nil {
		s.o.Log.Warn("fleet: read firing alerts", "err", err)
		return
	}
	for host := range firing {
		if _, ok := want[host]; ok {
			continue
		}
		keys, err := s.firingKeys(ctx, host)
		if err != nil {
			s.o.Log.Warn("fleet: read firing alerts", "host", host, "err", err)
			continue
		}
		p := store.HostProbe{Status: store.HostStatus{Host: host},
			Audit: store.AuditEntry{Source: s.o.Role, ChosenBy: "monitor"}}
		for _, k := range keys {
			p.Resolve = append(p.Resolve, store.HostAlertKey{Rule: string(k.Rule), Subject: k.Subject,
				Message: "cleared: the host is no longer in the inventory"})
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

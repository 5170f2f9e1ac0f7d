package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// RecordHostProbe writes what one probe of a host found in one
// transaction: the status (when p.Status.State is set), the sample, the
// alerts that fire and clear, each transition with its audit entry, and
// the history pruned. An alert already firing is not fired again, and
// one not firing is not resolved: neither writes an entry. Without a
// transition no audit entry is written and the audit log is not locked.
func (db *DB) RecordHostProbe(ctx context.Context, p HostProbe) (HostProbeResult, error) {
	host := p.Status.Host
	if host == "" {
		return HostProbeResult{}, errors.New("record probe: no host")
	}
	var out HostProbeResult
	write := func(tx runner) ([]AuditEntry, error) {
		out = HostProbeResult{}
		now := db.now()
		if p.Status.State != "" {
			st, err := upsertHostStatus(ctx, tx, p.Status, now)
			if err != nil {
				return nil, fmt.Errorf("write status: %w", err)
			}
			out.Status = st
		}
		if p.Sample != nil {
			s := *p.Sample
			s.Host = host
			if err := appendHostSample(ctx, tx, s); err != nil {
				return nil, fmt.Errorf("append sample: %w", err)
			}
		}
		var entries []AuditEntry
		for _, a := range p.Fire {
			a.Host = host
			got, ok, err := fireHostAlert(ctx, tx, a, now)
			if err != nil {
				return nil, fmt.Errorf("fire alert %s: %w", a.Rule, err)
			}
			if ok {
				out.Fired = append(out.Fired, got)
				entries = append(entries, alertEntry(p.Audit, got, true, got.Message))
			}
		}
		for _, k := range p.Resolve {
			got, ok, err := resolveHostAlert(ctx, tx, host, k, now)
			if err != nil {
				return nil, fmt.Errorf("resolve alert %s: %w", k.Rule, err)
			}
			if ok {
				out.Resolved = append(out.Resolved, got)
				msg := k.Message
				if msg == "" {
					msg = got.Message
				}
				entries = append(entries, alertEntry(p.Audit, got, false, msg))
			}
		}
		if p.Prune != (HostPrune{}) {
			if _, err := pruneHostSamples(ctx, tx, host, p.Prune); err != nil {
				return nil, fmt.Errorf("prune history: %w", err)
			}
		}
		return entries, nil
	}
	var err error
	if len(p.Fire)+len(p.Resolve) > 0 {
		_, err = db.withAudits(ctx, write)
	} else {
		err = db.inTx(ctx, func(tx *sql.Tx) error { _, err := write(tx); return err })
		if err != nil {
			err = db.writeError(err)
		}
	}
	if err != nil {
		return HostProbeResult{}, fmt.Errorf("record probe of %s: %w", host, err)
	}
	return out, nil
}

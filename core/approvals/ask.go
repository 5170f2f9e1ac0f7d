package approvals

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/store"
)

// Ask hands a proposal to the gate. What the gate lets run (by the level,
// or by a remembered rule turning an ask into a run) is recorded approved
// and runs now: Answer.Ran. What asks or is denied is queued pending,
// merged into an identical pending entry when there is one; a denied
// action is stored as critical risk and never waited for. o.PreApproved
// approves what asks, but never what the gate denies, a critical risk or
// a protected target, and never at observe. With o.Wait, Ask waits for a
// person's decision (at most o.Timeout, else the configured wait) and for
// the run; when the wait or ctx ends first, the entry stays pending and
// Answer.TimedOut says so.
func (s *Service) Ask(ctx context.Context, p Proposal, o AskOptions) (Answer, error) {
	a := p.Action
	if err := a.Validate(); err != nil {
		return Answer{}, fmt.Errorf("the proposed action is not valid: %w", err)
	}
	if s.isStopped() {
		return Answer{}, ErrStopped
	}
	cfg := s.config()
	level := cfg.Level
	if l, ok := cfg.Policy.HostLevels[a.Host]; ok {
		level = l
	}
	d := policy.Decide(a, a.Host, level, cfg.Policy)
	e, err := s.entryOf(p, d, level, cfg)
	if err != nil {
		return Answer{}, err
	}
	where := string(o.Where)
	if where == "" {
		where = p.Source
	}

	// Who lets it run without asking, if anyone: the gate, a remembered
	// rule, or the person in advance.
	var by Decider
	var rule store.ApprovalRule
	switch {
	case d.Verdict == policy.Run:
		by = Decider{Who: "policy", Where: Where(where)}
	case d.Verdict == policy.Ask && mayPass(d, level):
		r, ok, err := s.db.MatchApprovalRule(ctx, e.Kind, e.Host, e.Target, e.Session)
		if err != nil {
			return Answer{}, fmt.Errorf("look up remembered approvals: %w", err)
		}
		switch {
		case ok:
			rule = r
			by = Decider{Who: "rule:" + strconv.FormatInt(int64(r.ID), 10), Where: Where(where)}
		case o.PreApproved:
			by = Person(Where(where))
		}
	}
	if by.Who != "" {
		e.State, e.DecidedBy, e.DecidedWhere, e.Runner = store.ApprovalApproved, by.Who, where, s.runner
	}
	audit := store.AuditEntry{Source: where, Route: "approval", Skill: "approval"}
	got, merged, err := s.db.ProposeApproval(ctx, e, audit)
	if err != nil {
		return Answer{}, err
	}
	if got.State == store.ApprovalApproved {
		s.changed(got, by.Who, where, false)
		if rule.ID != 0 {
			if err := s.db.UseApprovalRule(ctx, rule.ID); err != nil {
				s.log.Warn("approvals: count a rule's use", "rule", rule.ID, "err", err)
			}
		}
		fin, err := s.execute(ctx, got, by)
		if err != nil {
			return Answer{Entry: fin}, err
		}
		return Answer{Entry: fin, Ran: true}, nil
	}
	s.changed(got, p.proposer(), where, merged)
	if !merged {
		s.kickExpiry()
	}
	if by.Who != "" && got.State == store.ApprovalPending {
		// Merged into an identical pending entry: the rule or the
		// person's advance approval answers that one.
		fin, err := s.Approve(ctx, got.ID, by, Remember{})
		var c *store.ApprovalConflict
		if errors.As(err, &c) {
			return s.settled(ctx, c.Current, o, merged)
		}
		if err != nil {
			return Answer{Entry: got, Merged: merged}, err
		}
		return Answer{Entry: fin, Ran: true, Merged: merged}, nil
	}
	// At observe nobody is asked on the spot: the proposal waits in the
	// queue for a person to look at when they choose.
	if !o.Wait || level == policy.Observe || got.Verdict == string(policy.Deny) || got.State != store.ApprovalPending {
		return Answer{Entry: got, Merged: merged, Ran: ran(got)}, nil
	}
	if o.OnPending != nil {
		o.OnPending(got)
	}
	return s.settled(ctx, got, o, merged)
}

// settled waits for the entry to be decided and, when approved, run.
func (s *Service) settled(ctx context.Context, e Entry, o AskOptions, merged bool) (Answer, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = s.config().Wait
	}
	got, timedOut, err := s.wait(ctx, e.ID, timeout)
	if err != nil {
		return Answer{Entry: e, Merged: merged}, err
	}
	return Answer{Entry: got, Merged: merged, TimedOut: timedOut, Ran: ran(got)}, nil
}

// ran reports whether the entry's action ran to an outcome.
func ran(e Entry) bool {
	return e.State == store.ApprovalSucceeded || e.State == store.ApprovalFailed
}

// mayPass reports whether anything but a person's explicit answer may
// let an asking action run: never at observe, never for a protected
// target or a critical risk.
func mayPass(d policy.Decision, level policy.Level) bool {
	return level != policy.Observe && d.Protected == "" && d.Risk < policy.Critical
}

func (p Proposal) proposer() string {
	if p.Proposer == "" {
		return string(ByPerson)
	}
	return string(p.Proposer)
}

// wait reads the entry until it is final; while it is pending, at most
// timeout. It wakes on this process's ApprovalChanged for the entry and
// on StoreChanged{approvals} (another process's write), and re-reads
// every safety interval anyway. When ctx ends it returns the entry as it
// stands, timed out if still pending.
func (s *Service) wait(ctx context.Context, id store.ApprovalID, timeout time.Duration) (Entry, bool, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wake <-chan events.Event
	if s.bus != nil {
		sub := s.bus.SubscribeWith(wctx, events.SubscribeOptions[events.Event]{Name: "approval wait", Buffer: 4,
			Filter: func(ev events.Event) bool {
				switch x := ev.(type) {
				case events.ApprovalChanged:
					return x.ID == string(id)
				case events.StoreChanged:
					return x.Has(events.PartApprovals)
				}
				return false
			}})
		wake = sub.C
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(s.safety)
	defer tick.Stop()
	expired := false
	for {
		e, err := s.db.GetApproval(context.WithoutCancel(ctx), id)
		if err != nil {
			return Entry{}, false, err
		}
		if e.State.Final() {
			return e, false, nil
		}
		if e.State == store.ApprovalPending && (expired || ctx.Err() != nil) {
			return e, true, nil
		}
		if ctx.Err() != nil {
			return e, false, nil
		}
		select {
		case <-wake:
		case <-tick.C:
		case <-deadline.C:
			expired = true
		case <-ctx.Done():
		}
	}
}

// entryOf is the row a proposal becomes: the action encoded (a file
// write's diff computed now, for the person to see), the gate's decision,
// and the proposer's words redacted.
func (s *Service) entryOf(p Proposal, d policy.Decision, level policy.Level, cfg Config) (Entry, error) {
	a := p.Action
	key, err := dedupeKey(a)
	if err != nil {
		return Entry{}, err
	}
	if f, ok := a.Params.(actions.File); ok && a.Kind == actions.FileWrite && a.Host == "" {
		f.Diff, f.Backup, f.Existed = redact.String(FileDiff(f.Path, f.Content), cfg.Secrets...), "", false
		a.Params = f
	}
	params, err := actions.EncodeParams(a.Params)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{
		State:     store.ApprovalPending,
		Kind:      string(a.Kind),
		Host:      a.Host,
		Params:    string(params),
		Summary:   redact.String(a.Summary(), cfg.Secrets...),
		Target:    TargetOf(a),
		DedupeKey: key,
		Count:     1,
		Risk:      int(d.Risk),
		Verdict:   string(d.Verdict),
		Reason:    redact.String(d.Reason, cfg.Secrets...),
		Protected: d.Protected,
		Level:     string(level),
		Proposer:  p.proposer(),
		Why:       redact.String(p.Why, cfg.Secrets...),
		Session:   string(p.Session),
		TurnID:    p.TurnID,
		Source:    p.Source,
		ExpiresAt: s.now().Add(cfg.Expiry),
	}
	if d.Verdict == policy.Deny {
		e.Risk = int(actions.Critical)
	}
	return e, nil
}

// dedupeKey is the same for identical proposals: kind, host and the
// parameters a proposer gives (not the diff the service adds).
func dedupeKey(a actions.Action) (string, error) {
	if f, ok := a.Params.(actions.File); ok {
		f.Diff, f.Backup, f.Existed = "", "", false
		a.Params = f
	}
	params, err := actions.EncodeParams(a.Params)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(a.Kind))
	h.Write([]byte{0})
	h.Write([]byte(a.Host))
	h.Write([]byte{0})
	h.Write(params)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// TargetOf is what a remembered rule matches for an action: the canonical
// unit (with its type), the path, the shell text, the memory key, or the
// kind's own parameters in words.
func TargetOf(a actions.Action) string {
	switch p := a.Params.(type) {
	case actions.Service:
		return canonicalUnit(p.Unit)
	case actions.Journal:
		if p.Unit == "" {
			return "journal"
		}
		return canonicalUnit(p.Unit)
	case actions.File:
		return p.Path
	case actions.Read:
		return p.Path
	case actions.Command:
		// The same text means something else in another directory
		// ("rm -rf ./*"): a remembered rule covers it only where it was.
		if p.Dir != "" {
			return p.Shell + " (in " + p.Dir + ")"
		}
		return p.Shell
	case actions.Memory:
		return p.Key
	case actions.Cleanup:
		return string(p.Set)
	case actions.Diagnostic:
		return p.Name
	case actions.Package:
		return strings.TrimSpace(p.Manager + " " + strings.Join(p.Packages, " "))
	case actions.Reboot:
		return "reboot"
	}
	return string(a.Kind)
}

func canonicalUnit(u string) string {
	if c, err := actions.CanonicalUnit(u); err == nil {
		return c.String()
	}
	return u
}

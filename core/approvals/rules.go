package approvals

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
)

// rememberable says why an entry's approval may not be remembered as a
// rule: a protected target, a critical risk or a denied action is asked
// about every time.
func rememberable(e Entry, r Remember) error {
	switch r.Scope {
	case store.ScopeSession, store.ScopeHost, store.ScopeAlways:
	default:
		return fmt.Errorf("%q is not a scope to remember for (session, host, always)", r.Scope)
	}
	switch {
	case e.Protected != "":
		return fmt.Errorf("an approval for the protected unit %s is never remembered: it is asked for every time", e.Protected)
	case e.Risk >= int(actions.Critical) || e.Verdict == "deny":
		return errors.New("a critical-risk approval is never remembered: it is asked for every time")
	case r.Scope == store.ScopeSession && e.Session == "":
		return errors.New("the proposal belongs to no session, so it cannot be remembered for the session")
	case e.Target == "":
		return errors.New("the action has no target to remember it for")
	}
	return nil
}

// remember makes a rule of an approval.
func (s *Service) remember(ctx context.Context, e Entry, d Decider, r Remember) error {
	if err := rememberable(e, r); err != nil {
		return err
	}
	rule := store.ApprovalRule{Kind: e.Kind, Host: e.Host, Target: e.Target, Scope: r.Scope, CreatedBy: d.Who, From: e.ID}
	if r.Scope == store.ScopeSession {
		rule.Session = e.Session
	}
	audit := store.AuditEntry{Source: string(d.Where), Route: "approval", Skill: "approval", ChosenBy: d.Who, Success: true,
		TurnID: e.TurnID, Session: e.Session, Input: e.Summary,
		Action: fmt.Sprintf("remember %s %s for %s (from %s)", e.Kind, e.Target, r.Scope, e.ID)}
	_, err := s.db.AddApprovalRule(ctx, rule, audit)
	return err
}

// Rules returns the remembered approvals that apply.
func (s *Service) Rules(ctx context.Context) ([]store.ApprovalRule, error) {
	return s.db.ListApprovalRules(ctx, false)
}

// Revoke ends a remembered approval: from now on the gate asks again.
func (s *Service) Revoke(ctx context.Context, id store.ApprovalRuleID, d Decider) error {
	if d.Who == "" {
		return errors.New("revoking a rule needs who decides")
	}
	audit := store.AuditEntry{Source: string(d.Where), Route: "approval", Skill: "approval", ChosenBy: d.Who, Success: true,
		Input: "revoke rule " + strconv.FormatInt(int64(id), 10), Action: "revoke rule " + strconv.FormatInt(int64(id), 10)}
	_, err := s.db.RevokeApprovalRule(ctx, id, audit)
	return err
}

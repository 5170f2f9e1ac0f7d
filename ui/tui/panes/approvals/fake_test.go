package approvals

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
)

// fakeQueue is an in-memory approval queue with the service's rules: the
// first answer wins (the loser gets *store.ApprovalConflict), an approval
// runs the action and returns the finished entry, a rule is never made
// for a protected target or critical risk. It records every answer.
type fakeQueue struct {
	mu      sync.Mutex
	now     time.Time
	entries map[store.ApprovalID]store.Approval
	rules   []store.ApprovalRule
	// answers records each Approve and Reject call: "approve ID by who
	// from where remember scope", "reject ID by who: note".
	answers []string
	revoked []store.ApprovalRuleID
	queries []store.ApprovalQuery
	// hold, when set, keeps Approve from returning until it is closed.
	hold chan struct{}
	// started is told the id of an approval as its run starts.
	started chan store.ApprovalID
}

func newFakeQueue(now time.Time) *fakeQueue {
	return &fakeQueue{now: now, entries: map[store.ApprovalID]store.Approval{}}
}

// add puts entries in the queue, filling what a proposal would.
func (f *fakeQueue) add(es ...store.Approval) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range es {
		if e.State == "" {
			e.State = store.ApprovalPending
		}
		if e.Count == 0 {
			e.Count = 1
		}
		if e.UpdatedAt.IsZero() {
			e.UpdatedAt = e.CreatedAt
		}
		f.entries[e.ID] = e
	}
}

func (f *fakeQueue) get(id store.ApprovalID) store.Approval {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.entries[id]
}

func (f *fakeQueue) answered() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.answers)
}

func (f *fakeQueue) ListApprovals(ctx context.Context, q store.ApprovalQuery) ([]store.Approval, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, q)
	var out []store.Approval
	for _, e := range f.entries {
		if len(q.States) == 0 || slices.Contains(q.States, e.State) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b store.Approval) int {
		ap, bp := a.State == store.ApprovalPending, b.State == store.ApprovalPending
		switch {
		case ap && !bp:
			return -1
		case bp && !ap:
			return 1
		case ap && a.Risk != b.Risk:
			return b.Risk - a.Risk
		case ap:
			return a.CreatedAt.Compare(b.CreatedAt)
		}
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return compareIDs(b.ID, a.ID)
	})
	out = out[min(q.Offset, len(out)):]
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func compareIDs(a, b store.ApprovalID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *fakeQueue) ApprovalCounts(ctx context.Context) (store.ApprovalCounts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var c store.ApprovalCounts
	for _, e := range f.entries {
		switch {
		case e.State == store.ApprovalPending:
			c.Pending++
			if e.Risk >= 1 && e.Risk <= 4 {
				c.PendingByRisk[e.Risk]++
			}
		case e.State == store.ApprovalRunning || e.State == store.ApprovalApproved:
			c.Running++
		case e.State.Final():
			c.Decided++
		}
	}
	return c, nil
}

func (f *fakeQueue) GetApproval(ctx context.Context, id store.ApprovalID) (store.Approval, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entries[id]
	if !ok {
		return store.Approval{}, store.ErrNotFound
	}
	return e, nil
}

// decide moves a pending entry to state, or returns the conflict.
func (f *fakeQueue) decide(id store.ApprovalID, to store.ApprovalState, d approvals.Decider, note string) (store.Approval, error) {
	e, ok := f.entries[id]
	if !ok {
		return store.Approval{}, store.ErrNotFound
	}
	if e.State != store.ApprovalPending {
		return e, &store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: e}
	}
	e.State, e.DecidedBy, e.DecidedWhere, e.DecidedAt, e.Note = to, d.Who, string(d.Where), f.now, note
	e.UpdatedAt = f.now
	f.entries[id] = e
	return e, nil
}

func (f *fakeQueue) Approve(ctx context.Context, id store.ApprovalID, d approvals.Decider, r approvals.Remember) (store.Approval, error) {
	f.mu.Lock()
	f.answers = append(f.answers, fmt.Sprintf("approve %s by %s from %s remember %q", id, d.Who, d.Where, r.Scope))
	e, err := f.decide(id, store.ApprovalRunning, d, "")
	if err != nil {
		f.mu.Unlock()
		return e, err
	}
	if r.Scope != "" && e.Protected == "" && e.Risk < 4 {
		f.rules = append(f.rules, store.ApprovalRule{ID: store.ApprovalRuleID(len(f.rules) + 1), Kind: e.Kind, Host: e.Host,
			Target: e.Target, Scope: r.Scope, Session: e.Session, CreatedAt: f.now, CreatedBy: d.Who, From: id})
	}
	hold, started := f.hold, f.started
	f.mu.Unlock()
	if started != nil {
		started <- id
	}
	if hold != nil {
		<-hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e = f.entries[id]
	e.State, e.ExitCode, e.Output = store.ApprovalSucceeded, 0, "done: "+e.Summary+"\n"
	e.StartedAt, e.FinishedAt, e.UpdatedAt = f.now, f.now.Add(1200*time.Millisecond), f.now.Add(time.Second)
	f.entries[id] = e
	return e, nil
}

func (f *fakeQueue) Reject(ctx context.Context, id store.ApprovalID, d approvals.Decider, note string) (store.Approval, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, fmt.Sprintf("reject %s by %s from %s: %s", id, d.Who, d.Where, note))
	return f.decide(id, store.ApprovalRejected, d, note)
}

func (f *fakeQueue) ApprovalRules(ctx context.Context) ([]store.ApprovalRule, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.ApprovalRule
	for _, r := range f.rules {
		if r.RevokedAt.IsZero() {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeQueue) RevokeApprovalRule(ctx context.Context, id store.ApprovalRuleID, d approvals.Decider) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.rules {
		if f.rules[i].ID == id && f.rules[i].RevokedAt.IsZero() {
			f.rules[i].RevokedAt = f.now
			f.revoked = append(f.revoked, id)
			return nil
		}
	}
	return store.ErrNotFound
}

// params encodes an action's parameters as the queue keeps them.
func params(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

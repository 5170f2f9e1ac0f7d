package approvals

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// waitingPane is the pane over the fake queue, keeping the WaitingMsgs it
// sends.
func waitingPane(t *testing.T, svc Service) (*Pane, *tuitest.Driver) {
	t.Helper()
	p := New(svc, tuitest.Styles(t, "ansi"), nil)
	p.SetClock(func() time.Time { return testNow })
	d := tuitest.ForPane(t, p, tuitest.WithKeep(func(m tea.Msg) bool { _, ok := m.(WaitingMsg); return ok }))
	return p, d
}

// announced is the ids of the WaitingMsgs kept since the last call, one
// slice per message.
func announced(d *tuitest.Driver) [][]store.ApprovalID {
	var out [][]store.ApprovalID
	for _, m := range d.Kept() {
		if w, ok := m.(WaitingMsg); ok {
			var ids []store.ApprovalID
			for _, e := range w.Entries {
				ids = append(ids, e.ID)
			}
			out = append(out, ids)
		}
	}
	return out
}

// TestNewPendingEntriesAreAnnouncedOnce walks the queue through what
// other processes do to it, reading it after each step as the pane does
// on a StoreChanged event: only an entry no read found pending before is
// announced, once, and never by the first read.
func TestNewPendingEntriesAreAnnouncedOnce(t *testing.T) {
	s := sample()
	f := newFakeQueue(testNow)
	f.add(s[0], s[1], s[5])
	p, d := waitingPane(t, f)
	d.Run(p.Init())
	if got := announced(d); len(got) != 0 {
		t.Fatalf("the first read announced %v: those entries were waiting already", got)
	}
	merged := s[2]
	merged.Count, merged.Why = 2, "asked again"
	approved := store.Approval{ID: "h8auto0008", State: store.ApprovalApproved, Kind: "service.status", Params: params(map[string]string{"unit": "x"}),
		Summary: "show the status of x.service", Risk: 1, Proposer: "agent", CreatedAt: testNow}
	for _, step := range []struct {
		name string
		do   func()
		msg  tea.Msg
		want [][]store.ApprovalID
	}{
		{"nothing changed", func() {}, tuitest.StoreChanged(events.PartApprovals), nil},
		{"another part changed", func() { f.add(s[2]) }, tuitest.StoreChanged(events.PartSessions), nil},
		{"a proposal from another process", func() {}, tuitest.StoreChanged(events.PartApprovals), [][]store.ApprovalID{{"c3high0003"}}},
		{"the same read again", func() {}, tuitest.StoreChanged(events.PartApprovals), nil},
		{"its twin merged into it", func() { f.add(merged) }, tuitest.StoreChanged(events.PartApprovals), nil},
		{"this process's event for the merge", func() {}, kit.CoreEventMsg{Event: events.ApprovalChanged{ID: "c3high0003", State: "pending", Merged: true}}, nil},
		{"two at once, riskiest first", func() { f.add(s[4], s[3]) }, tuitest.StoreChanged(events.PartApprovals),
			[][]store.ApprovalID{{"d4crit0004", "e5file0005"}}},
		{"decided elsewhere", func() { _, _ = f.decide("c3high0003", store.ApprovalRejected, ann, "") }, tuitest.StoreChanged(events.PartApprovals), nil},
		{"run by the policy: never pending", func() { f.add(approved) }, tuitest.StoreChanged(events.PartApprovals), nil},
		{"a proposal of this process", func() { f.add(s[6]) }, tuitest.StoreChanged(events.PartApprovals), nil}, // g7 is rejected: not pending
	} {
		step.do()
		d.Send(step.msg)
		if got := announced(d); !slices.EqualFunc(got, step.want, slices.Equal) {
			t.Fatalf("%s: announced %v, want %v", step.name, got, step.want)
		}
	}
	// An in-process proposal comes as ApprovalChanged: announced by the
	// read it starts, and not again by the StoreChanged that follows.
	fresh := s[0]
	fresh.ID, fresh.Summary = "i9new00009", "restart php-fpm.service"
	f.add(fresh)
	d.Send(kit.CoreEventMsg{Event: events.ApprovalChanged{ID: string(fresh.ID), State: "pending"}})
	d.Send(tuitest.StoreChanged(events.PartApprovals))
	if got := announced(d); !slices.EqualFunc(got, [][]store.ApprovalID{{"i9new00009"}}, slices.Equal) {
		t.Fatalf("an in-process proposal: announced %v", got)
	}
	// The ids of entries that left the queue are forgotten; those waiting
	// are kept.
	if p.waiting["c3high0003"] || !p.waiting["i9new00009"] || !p.waiting["a1low00001"] {
		t.Fatalf("ids kept: %v", p.waiting)
	}
}

// failFirst is a queue whose first read of the open list fails.
type failFirst struct {
	*fakeQueue
	failed atomic.Bool
}

func (f *failFirst) ListApprovals(ctx context.Context, q store.ApprovalQuery) ([]store.Approval, error) {
	if !f.failed.Swap(true) {
		return nil, errors.New("database is locked")
	}
	return f.fakeQueue.ListApprovals(ctx, q)
}

// TestFirstSuccessfulReadIsSilent: when the first read fails, the first
// that succeeds finds what was waiting already and announces nothing; a
// stale read's answer announces nothing either.
func TestFirstSuccessfulReadIsSilent(t *testing.T) {
	f := &failFirst{fakeQueue: newFakeQueue(testNow)}
	f.add(sample()[:3]...)
	p, d := waitingPane(t, f)
	d.Run(p.Init())
	if p.loaded[open] || !f.failed.Load() {
		t.Fatal("the first read did not fail")
	}
	d.Send(tuitest.StoreChanged(events.PartApprovals))
	if got := announced(d); len(got) != 0 || p.Len() != 3 {
		t.Fatalf("the first read that succeeded announced %v (%d rows)", got, p.Len())
	}
	// An answer overtaken by a newer read changes nothing.
	old := p.q.Last(kindOpen)
	cmd := p.reload()
	if got := p.Update(openMsg{seq: old, entries: append(sample()[:3], sample()[3])}); got != nil {
		t.Fatal("a stale read announced something")
	}
	d.Run(cmd)
	if got := announced(d); len(got) != 0 {
		t.Fatalf("announced %v", got)
	}
}

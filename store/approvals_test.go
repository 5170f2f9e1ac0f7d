package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const (
	runnerA = "host/100/1"
	runnerB = "host/200/2"
)

// TestApprovalLifecycle walks one entry through propose, approve, start
// and finish, checking the row and the audit entry of every step, and
// that the chain still verifies.
func TestApprovalLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a, merged, err := db.ProposeApproval(ctx, testApproval(1), AuditEntry{Source: "tui"})
	if err != nil || merged {
		t.Fatalf("propose: %v merged=%v", err, merged)
	}
	if len(a.ID) != 10 || !isHex(string(a.ID)) || strings.ToLower(string(a.ID)) != string(a.ID) ||
		a.State != ApprovalPending || a.Count != 1 || a.CreatedAt.IsZero() || !a.UpdatedAt.Equal(a.CreatedAt) {
		t.Fatalf("proposed %+v", a)
	}
	if got, err := db.GetApproval(ctx, a.ID); err != nil || got != a {
		t.Fatalf("GetApproval = %+v, %v; want %+v", got, err, a)
	}
	d, err := db.DecideApproval(ctx, a.ID, ApprovalApproved, "person:ann", "cockpit", "", runnerA)
	if err != nil || d.State != ApprovalApproved || d.Runner != runnerA || d.DecidedBy != "person:ann" ||
		d.DecidedWhere != "cockpit" || d.DecidedAt.IsZero() {
		t.Fatalf("decide: %+v %v", d, err)
	}
	s, err := db.StartApproval(ctx, a.ID, runnerA, `{"backup":"x"}`)
	if err != nil || s.State != ApprovalRunning || s.Undo != `{"backup":"x"}` || s.StartedAt.IsZero() {
		t.Fatalf("start: %+v %v", s, err)
	}
	f, err := db.FinishApproval(ctx, a.ID, runnerA, ApprovalSucceeded, 0, "done\n", "")
	if err != nil || f.State != ApprovalSucceeded || f.Output != "done\n" || f.FinishedAt.IsZero() || f.Undo != s.Undo {
		t.Fatalf("finish: %+v %v", f, err)
	}
	want := []struct{ action, by, source string }{
		{"pending " + string(a.ID) + ": restart svc1.service", "agent", "tui"},
		{"approved " + string(a.ID) + ": restart svc1.service", "person:ann", "cockpit"},
		{"running " + string(a.ID) + ": restart svc1.service", "person:ann", "cockpit"},
		{"succeeded " + string(a.ID) + ": restart svc1.service", "person:ann", "cockpit"},
	}
	es := auditAfter(t, db, 0)
	if len(es) != len(want) {
		t.Fatalf("%d audit entries, want %d: %+v", len(es), len(want), es)
	}
	for i, w := range want {
		e := es[i]
		if e.Action != w.action || e.ChosenBy != w.by || e.Source != w.source || !e.Success || e.Skill != "approval" ||
			e.Input != "restart svc1.service" || e.Session != "main" || e.TurnID != "turn-1" {
			t.Errorf("audit entry %d = %+v; want %+v", i, e, w)
		}
	}
	verifyChain(t, db)
}

// inState makes an entry in the given state through the store's own
// transitions (runner A claims what is approved).
func inState(t *testing.T, db *DB, clock *fakeClock, n int, state ApprovalState) Approval {
	t.Helper()
	ctx := context.Background()
	p := testApproval(n)
	p.ExpiresAt = clock.t.Add(time.Hour)
	a := propose(t, db, p)
	var err error
	step := func(f func() (Approval, error)) {
		if err == nil {
			a, err = f()
		}
	}
	switch state {
	case ApprovalPending:
	case ApprovalRejected:
		step(func() (Approval, error) {
			return db.DecideApproval(ctx, a.ID, ApprovalRejected, "person:ann", "cli", "no", "")
		})
	case ApprovalExpired:
		clock.advance(2 * time.Hour)
		var got []Approval
		got, err = db.ExpireApprovals(ctx, clock.t)
		if err == nil && len(got) == 1 {
			a = got[0]
		}
		clock.advance(-2 * time.Hour)
	default:
		step(func() (Approval, error) {
			return db.DecideApproval(ctx, a.ID, ApprovalApproved, "person:ann", "cli", "", runnerA)
		})
		switch state {
		case ApprovalInterrupted:
			var got []Approval
			got, err = db.InterruptApprovals(ctx, func(string) bool { return false })
			if err == nil && len(got) == 1 {
				a = got[0]
			}
		case ApprovalRunning, ApprovalSucceeded, ApprovalFailed:
			step(func() (Approval, error) { return db.StartApproval(ctx, a.ID, runnerA, "") })
			if state != ApprovalRunning {
				step(func() (Approval, error) { return db.FinishApproval(ctx, a.ID, runnerA, state, 1, "out", "") })
			}
		}
	}
	if err != nil || a.State != state {
		t.Fatalf("making an entry %s: got %s, %v", state, a.State, err)
	}
	return a
}

// TestApprovalTransitions tries every operation on an entry in every
// state: the legal ones move it and write exactly one audit entry; the
// illegal ones fail with the right conflict, carry the entry as it
// stands, and change nothing (no row change, no audit entry).
func TestApprovalTransitions(t *testing.T) {
	ctx := context.Background()
	type op struct {
		name string
		do   func(db *DB, id ApprovalID) (Approval, error)
		// by and where the audit entry names on success
		by, where string
	}
	approve := op{"approve", func(db *DB, id ApprovalID) (Approval, error) {
		return db.DecideApproval(ctx, id, ApprovalApproved, "person:bob", "http", "", runnerA)
	}, "person:bob", "http"}
	reject := op{"reject", func(db *DB, id ApprovalID) (Approval, error) {
		return db.DecideApproval(ctx, id, ApprovalRejected, "person:bob", "repl", "not now", runnerA)
	}, "person:bob", "repl"}
	start := op{"start", func(db *DB, id ApprovalID) (Approval, error) { return db.StartApproval(ctx, id, runnerA, "u") }, "person:ann", "cli"}
	startB := op{"start by another", func(db *DB, id ApprovalID) (Approval, error) { return db.StartApproval(ctx, id, runnerB, "u") }, "", ""}
	succeed := op{"succeed", func(db *DB, id ApprovalID) (Approval, error) {
		return db.FinishApproval(ctx, id, runnerA, ApprovalSucceeded, 0, "ok", "")
	}, "person:ann", "cli"}
	fail := op{"fail", func(db *DB, id ApprovalID) (Approval, error) {
		return db.FinishApproval(ctx, id, runnerA, ApprovalFailed, 3, "bad", "")
	}, "person:ann", "cli"}
	failB := op{"fail by another", func(db *DB, id ApprovalID) (Approval, error) {
		return db.FinishApproval(ctx, id, runnerB, ApprovalFailed, 3, "bad", "")
	}, "", ""}
	ops := []op{approve, reject, start, startB, succeed, fail, failB}

	// want[state][op] is the new state, or the error the op must fail with.
	type result struct {
		to  ApprovalState
		err error
	}
	to := func(s ApprovalState) result { return result{to: s} }
	decided, notOurs := result{err: ErrApprovalDecided}, result{err: ErrApprovalNotOurs}
	allDecided := []result{decided, decided, decided, decided, decided, decided, decided}
	cases := []struct {
		from ApprovalState
		want []result // in the order of ops
	}{
		{ApprovalPending, []result{to(ApprovalApproved), to(ApprovalRejected), decided, decided, decided, decided, decided}},
		{ApprovalApproved, []result{decided, decided, to(ApprovalRunning), notOurs, decided, to(ApprovalFailed), notOurs}},
		{ApprovalRunning, []result{decided, decided, decided, notOurs, to(ApprovalSucceeded), to(ApprovalFailed), notOurs}},
		{ApprovalSucceeded, allDecided},
		{ApprovalFailed, allDecided},
		{ApprovalRejected, allDecided},
		{ApprovalExpired, allDecided},
		{ApprovalInterrupted, allDecided},
	}
	for _, tc := range cases {
		for i, o := range ops {
			t.Run(string(tc.from)+"/"+o.name, func(t *testing.T) {
				db := openTest(t)
				clock := useFakeClock(db)
				before := inState(t, db, clock, 1, tc.from)
				mark := lastAuditID(t, db)
				clock.advance(time.Second)
				got, err := o.do(db, before.ID)
				w := tc.want[i]
				after, gerr := db.GetApproval(ctx, before.ID)
				if gerr != nil {
					t.Fatal(gerr)
				}
				entries := auditAfter(t, db, mark)
				if w.err != nil {
					var c *ApprovalConflict
					if !errors.Is(err, w.err) || !errors.As(err, &c) {
						t.Fatalf("%s on %s: err %v, want %v", o.name, tc.from, err, w.err)
					}
					if c.Current != before || after != before {
						t.Errorf("conflict carries %+v, row now %+v; want unchanged %+v", c.Current, after, before)
					}
					if len(entries) != 0 {
						t.Errorf("a refused transition wrote audit entries: %+v", entries)
					}
					return
				}
				if err != nil || got.State != w.to || after != got {
					t.Fatalf("%s on %s: %v, state %s (stored %+v), want %s", o.name, tc.from, err, got.State, after, w.to)
				}
				if !got.UpdatedAt.Equal(clock.t) {
					t.Errorf("updated_at %v, want %v", got.UpdatedAt, clock.t)
				}
				if len(entries) != 1 {
					t.Fatalf("%d audit entries, want 1: %+v", len(entries), entries)
				}
				e := entries[0]
				wantAction := fmt.Sprintf("%s %s: %s", w.to, got.ID, got.Summary)
				wantOK := w.to != ApprovalFailed
				if e.Action != wantAction || e.ChosenBy != o.by || e.Source != o.where || e.Success != wantOK ||
					e.Skill != "approval" || !e.Time.Equal(clock.t) || (!wantOK && e.Error != got.Error) {
					t.Errorf("audit entry %+v; want action %q by %q from %q success %v", e, wantAction, o.by, o.where, wantOK)
				}
				verifyChain(t, db)
			})
		}
	}
}

// TestApprovalTransitionFields checks what each transition keeps.
func TestApprovalTransitionFields(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)

	r := inState(t, db, clock, 1, ApprovalPending)
	r, err := db.DecideApproval(ctx, r.ID, ApprovalRejected, "person:ann", "cli", "use reload instead", runnerA)
	if err != nil || r.Note != "use reload instead" || r.Runner != "" {
		t.Errorf("reject kept note %q runner %q (%v); want the note and no runner", r.Note, r.Runner, err)
	}

	f := inState(t, db, clock, 2, ApprovalRunning)
	f, err = db.FinishApproval(ctx, f.ID, runnerA, ApprovalFailed, 7, "partial output", "")
	if err != nil || f.ExitCode != 7 || f.Error != "exit code 7" || f.Output != "partial output" {
		t.Errorf("failed without an error text: %+v %v", f, err)
	}
	g := inState(t, db, clock, 3, ApprovalRunning)
	g, err = db.FinishApproval(ctx, g.ID, runnerA, ApprovalFailed, 1, "", "permission denied")
	if err != nil || g.Error != "permission denied" {
		t.Errorf("failed with an error text: %+v %v", g, err)
	}
	es := auditAfter(t, db, lastAuditID(t, db)-1)
	if len(es) != 1 || es[0].Success || es[0].Error != "permission denied" {
		t.Errorf("failure's audit entry: %+v", es)
	}
}

// TestApprovalBadArguments: arguments no transition accepts are refused
// before anything is written, with an error that is not a conflict.
func TestApprovalBadArguments(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	a := inState(t, db, clock, 1, ApprovalPending)
	mark := lastAuditID(t, db)
	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"decide to running", func() error {
			_, err := db.DecideApproval(ctx, a.ID, ApprovalRunning, "person:a", "cli", "", runnerA)
			return err
		}},
		{"decide by nobody", func() error {
			_, err := db.DecideApproval(ctx, a.ID, ApprovalRejected, "", "cli", "", "")
			return err
		}},
		{"approve without a runner", func() error {
			_, err := db.DecideApproval(ctx, a.ID, ApprovalApproved, "person:a", "cli", "", "")
			return err
		}},
		{"start without a runner", func() error { _, err := db.StartApproval(ctx, a.ID, "", ""); return err }},
		{"finish to rejected", func() error {
			_, err := db.FinishApproval(ctx, a.ID, runnerA, ApprovalRejected, 0, "", "")
			return err
		}},
		{"finish without a runner", func() error {
			_, err := db.FinishApproval(ctx, a.ID, "", ApprovalSucceeded, 0, "", "")
			return err
		}},
		{"propose without a kind", func() error {
			p := testApproval(2)
			p.Kind = " "
			_, _, err := db.ProposeApproval(ctx, p, AuditEntry{})
			return err
		}},
		{"propose without expiry", func() error {
			p := testApproval(2)
			p.ExpiresAt = time.Time{}
			_, _, err := db.ProposeApproval(ctx, p, AuditEntry{})
			return err
		}},
		{"propose running", func() error {
			p := testApproval(2)
			p.State = ApprovalRunning
			_, _, err := db.ProposeApproval(ctx, p, AuditEntry{})
			return err
		}},
		{"propose approved without runner", func() error {
			p := testApproval(2)
			p.State, p.DecidedBy = ApprovalApproved, "policy"
			_, _, err := db.ProposeApproval(ctx, p, AuditEntry{})
			return err
		}},
	} {
		err := tc.do()
		var c *ApprovalConflict
		if err == nil || errors.As(err, &c) {
			t.Errorf("%s: err %v, want a plain refusal", tc.name, err)
		}
	}
	for _, id := range []ApprovalID{"0000000000", "zz"} {
		if _, err := db.DecideApproval(ctx, id, ApprovalRejected, "person:a", "cli", "", ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("decide %s: %v, want ErrNotFound", id, err)
		}
		if _, err := db.StartApproval(ctx, id, runnerA, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("start %s: %v, want ErrNotFound", id, err)
		}
		if _, err := db.GetApproval(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("get %s: %v, want ErrNotFound", id, err)
		}
	}
	if got, _ := db.GetApproval(ctx, a.ID); got != a || lastAuditID(t, db) != mark {
		t.Errorf("a refused call changed something: %+v, audit head %d (was %d)", got, lastAuditID(t, db), mark)
	}
	if n := countRows(t, db, "approvals"); n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
}

func countRows(t testing.TB, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestApprovalProposedApproved: an entry approved by policy or a rule when
// proposed starts approved, with its decider, and is never merged.
func TestApprovalProposedApproved(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	pend := propose(t, db, testApproval(1))
	p := testApproval(1) // the same key as the pending one
	p.State, p.DecidedBy, p.DecidedWhere, p.Runner = ApprovalApproved, "rule:4", "host/9/9", runnerA
	a, merged, err := db.ProposeApproval(ctx, p, AuditEntry{})
	if err != nil || merged || a.ID == pend.ID || a.State != ApprovalApproved || a.DecidedAt.IsZero() ||
		a.DecidedBy != "rule:4" || a.Runner != runnerA {
		t.Fatalf("approved proposal: %+v merged=%v %v", a, merged, err)
	}
	es := auditAfter(t, db, lastAuditID(t, db)-1)
	if es[0].ChosenBy != "rule:4" || es[0].Action != "approved "+string(a.ID)+": restart svc1.service" {
		t.Errorf("audit entry %+v", es[0])
	}
	if _, err := db.StartApproval(ctx, a.ID, runnerA, ""); err != nil {
		t.Errorf("start: %v", err)
	}
}

// TestApprovalMerge: identical pending proposals merge into one entry;
// a decided one is never merged into, nor an expired one.
func TestApprovalMerge(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	p := testApproval(1)
	p.ExpiresAt = clock.t.Add(time.Hour)
	first := propose(t, db, p)

	clock.advance(time.Minute)
	p2 := p
	p2.Why, p2.Risk, p2.Summary, p2.Reason = "still down", 4, "different words", "judged again"
	p2.ExpiresAt = clock.t.Add(time.Hour) // a minute later than the first's
	m, merged, err := db.ProposeApproval(ctx, p2, AuditEntry{Source: "repl"})
	// The newest judgement and time to live; the first's words and birth.
	if err != nil || !merged || m.ID != first.ID || m.Count != 2 || m.Why != "still down" || m.Reason != "judged again" ||
		!m.UpdatedAt.Equal(clock.t) || !m.CreatedAt.Equal(first.CreatedAt) || m.Risk != 4 || m.Summary != first.Summary ||
		!m.ExpiresAt.Equal(p2.ExpiresAt) {
		t.Fatalf("merge: %+v merged=%v %v", m, merged, err)
	}
	es := auditAfter(t, db, lastAuditID(t, db)-1)
	if es[0].Action != "pending "+string(first.ID)+": restart svc1.service" || es[0].Source != "repl" {
		t.Errorf("merge's audit entry %+v", es[0])
	}

	other := testApproval(2) // another key: its own entry
	other.ExpiresAt = clock.t.Add(time.Hour)
	if o, merged, _ := db.ProposeApproval(ctx, other, AuditEntry{}); merged || o.ID == first.ID {
		t.Errorf("a different proposal merged: %+v", o)
	}

	// Decided: the next identical proposal is a new entry.
	if _, err := db.DecideApproval(ctx, first.ID, ApprovalRejected, "person:a", "cli", "", ""); err != nil {
		t.Fatal(err)
	}
	n, merged, err := db.ProposeApproval(ctx, p, AuditEntry{})
	if err != nil || merged || n.ID == first.ID || n.Count != 1 {
		t.Fatalf("after a decision: %+v merged=%v %v", n, merged, err)
	}

	// Expired: never merged into; it is expired with its own entry first.
	clock.advance(2 * time.Hour)
	mark := lastAuditID(t, db)
	p.ExpiresAt = clock.t.Add(time.Hour)
	fresh, merged, err := db.ProposeApproval(ctx, p, AuditEntry{})
	if err != nil || merged || fresh.ID == n.ID || fresh.State != ApprovalPending {
		t.Fatalf("after expiry: %+v merged=%v %v", fresh, merged, err)
	}
	if old, _ := db.GetApproval(ctx, n.ID); old.State != ApprovalExpired {
		t.Errorf("the expired entry is %s", old.State)
	}
	es = auditAfter(t, db, mark)
	if len(es) != 2 || !strings.HasPrefix(es[0].Action, "expired "+string(n.ID)) || es[0].Success ||
		!strings.HasPrefix(es[1].Action, "pending "+string(fresh.ID)) {
		t.Errorf("audit entries %+v", es)
	}

	// No key: never merged.
	nk := testApproval(3)
	nk.DedupeKey = ""
	a1, _, _ := db.ProposeApproval(ctx, nk, AuditEntry{})
	a2, merged, err := db.ProposeApproval(ctx, nk, AuditEntry{})
	if err != nil || merged || a1.ID == a2.ID || a2.DedupeKey != "" {
		t.Errorf("proposals without a key merged: %+v %+v %v", a1, a2, err)
	}
	verifyChain(t, db)
}

// TestApprovalExpiry: a pending entry past its expiry is never approved;
// deciding it expires it; ExpireApprovals expires only what is due.
func TestApprovalExpiry(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	if _, ok, err := db.NextApprovalExpiry(ctx); ok || err != nil {
		t.Errorf("NextApprovalExpiry on an empty queue: %v %v", ok, err)
	}
	var ids []ApprovalID
	for i, d := range []time.Duration{3 * time.Hour, time.Hour, 2 * time.Hour} {
		p := testApproval(i)
		p.ExpiresAt = clock.t.Add(d)
		ids = append(ids, propose(t, db, p).ID)
	}
	if next, ok, err := db.NextApprovalExpiry(ctx); !ok || err != nil || !next.Equal(clock.t.Add(time.Hour)) {
		t.Errorf("NextApprovalExpiry = %v %v %v, want %v", next, ok, err, clock.t.Add(time.Hour))
	}

	// At the very moment of expiry it is too late.
	clock.advance(time.Hour)
	mark := lastAuditID(t, db)
	_, err := db.DecideApproval(ctx, ids[1], ApprovalApproved, "person:a", "cli", "", runnerA)
	var c *ApprovalConflict
	if !errors.Is(err, ErrApprovalExpired) || !errors.As(err, &c) || c.Current.State != ApprovalExpired {
		t.Fatalf("approving an expired entry: %v", err)
	}
	if got, _ := db.GetApproval(ctx, ids[1]); got.State != ApprovalExpired || got.Runner != "" || got.Error == "" {
		t.Errorf("stored %+v", got)
	}
	es := auditAfter(t, db, mark)
	if len(es) != 1 || es[0].Action != "expired "+string(ids[1])+": restart svc1.service" || es[0].Success ||
		es[0].Error != expiredError || es[0].ChosenBy != "person:a" || es[0].Source != "cli" {
		t.Errorf("audit entries %+v", es)
	}
	// A second answer is told it was decided, and what it became.
	_, err = db.DecideApproval(ctx, ids[1], ApprovalRejected, "person:b", "cli", "", "")
	if !errors.Is(err, ErrApprovalDecided) || !errors.As(err, &c) || c.Current.State != ApprovalExpired {
		t.Errorf("second answer: %v", err)
	}

	// Nothing else is due yet: no write.
	mark = lastAuditID(t, db)
	if got, err := db.ExpireApprovals(ctx, clock.t); err != nil || len(got) != 0 || lastAuditID(t, db) != mark {
		t.Errorf("ExpireApprovals with nothing due: %v %v", got, err)
	}
	clock.advance(90 * time.Minute)
	got, err := db.ExpireApprovals(ctx, clock.t)
	if err != nil || len(got) != 1 || got[0].ID != ids[2] || got[0].State != ApprovalExpired {
		t.Fatalf("ExpireApprovals: %+v %v", got, err)
	}
	es = auditAfter(t, db, mark)
	if len(es) != 1 || es[0].ChosenBy != "expiry" || es[0].Success {
		t.Errorf("expiry's audit entry %+v", es)
	}
	if next, ok, _ := db.NextApprovalExpiry(ctx); !ok || !next.Equal(clock.t.Add(30*time.Minute)) {
		t.Errorf("next expiry %v %v", next, ok)
	}
	verifyChain(t, db)
}

// TestApprovalInterrupt: approved and running entries whose runner died
// become interrupted (naming it); live runners' entries and other states
// are left alone; an interrupted entry never runs again.
func TestApprovalInterrupt(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	approved := inState(t, db, clock, 1, ApprovalApproved)
	running := inState(t, db, clock, 2, ApprovalRunning)
	pending := inState(t, db, clock, 3, ApprovalPending)
	done := inState(t, db, clock, 4, ApprovalSucceeded)
	lp := testApproval(5)
	lp.ExpiresAt = clock.t.Add(time.Hour)
	live := propose(t, db, lp)
	if _, err := db.DecideApproval(ctx, live.ID, ApprovalApproved, "person:a", "cli", "", runnerB); err != nil {
		t.Fatal(err)
	}
	mark := lastAuditID(t, db)
	var asked []string
	got, err := db.InterruptApprovals(ctx, func(r string) bool { asked = append(asked, r); return r == runnerB })
	if err != nil || len(got) != 2 {
		t.Fatalf("InterruptApprovals: %+v %v", got, err)
	}
	if len(asked) != 2 {
		t.Errorf("alive asked %v: want each runner once", asked)
	}
	for _, a := range got {
		if a.State != ApprovalInterrupted || !strings.Contains(a.Error, runnerA) || a.FinishedAt.IsZero() {
			t.Errorf("interrupted %+v", a)
		}
		if a.ID != approved.ID && a.ID != running.ID {
			t.Errorf("interrupted %s", a.ID)
		}
	}
	for _, a := range []Approval{pending, done} {
		if now, _ := db.GetApproval(ctx, a.ID); now != a {
			t.Errorf("%s entry changed: %+v", a.State, now)
		}
	}
	if now, _ := db.GetApproval(ctx, live.ID); now.State != ApprovalApproved {
		t.Errorf("a live runner's entry is %s", now.State)
	}
	es := auditAfter(t, db, mark)
	if len(es) != 2 || es[0].Success || !strings.HasPrefix(es[0].Action, "interrupted ") || es[0].ChosenBy != "recovery" {
		t.Errorf("audit entries %+v", es)
	}
	// Never back to running, nor finished.
	if _, err := db.StartApproval(ctx, approved.ID, runnerA, ""); !errors.Is(err, ErrApprovalDecided) {
		t.Errorf("start after interrupt: %v", err)
	}
	if _, err := db.FinishApproval(ctx, running.ID, runnerA, ApprovalSucceeded, 0, "", ""); !errors.Is(err, ErrApprovalDecided) {
		t.Errorf("finish after interrupt: %v", err)
	}
	// Nothing left to interrupt: nothing written.
	mark = lastAuditID(t, db)
	if got, err := db.InterruptApprovals(ctx, func(string) bool { return true }); err != nil || len(got) != 0 || lastAuditID(t, db) != mark {
		t.Errorf("second pass: %+v %v", got, err)
	}
	verifyChain(t, db)
}

// TestApprovalOutputCap: output longer than MaxApprovalOutput is cut on a
// UTF-8 boundary.
func TestApprovalOutputCap(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	for i, out := range []string{
		strings.Repeat("a", MaxApprovalOutput),
		strings.Repeat("a", MaxApprovalOutput+1),
		strings.Repeat("a", MaxApprovalOutput-1) + "é" + "tail", // é straddles the cap
		strings.Repeat("€", MaxApprovalOutput),                  // 3-byte runes
	} {
		a := inState(t, db, clock, i, ApprovalRunning)
		f, err := db.FinishApproval(ctx, a.ID, runnerA, ApprovalSucceeded, 0, out, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Output) > MaxApprovalOutput || !utf8.ValidString(f.Output) || !strings.HasPrefix(out, f.Output) ||
			len(f.Output) < MaxApprovalOutput-3 {
			t.Errorf("case %d: kept %d bytes (valid %v)", i, len(f.Output), utf8.ValidString(f.Output))
		}
	}
}

// TestApprovalIDCollision: an id drawn twice is drawn again.
func TestApprovalIDCollision(t *testing.T) {
	db := openTest(t)
	old := approvalIDRand
	t.Cleanup(func() { approvalIDRand = old })
	// Five zero bytes, five zero bytes again, then five 0x01 bytes.
	approvalIDRand = bytes.NewReader(append(make([]byte, 10), 1, 1, 1, 1, 1))
	a := propose(t, db, testApproval(1))
	b := propose(t, db, testApproval(2))
	if a.ID != "0000000000" || b.ID != "0101010101" {
		t.Errorf("ids %s, %s; want 0000000000 then 0101010101", a.ID, b.ID)
	}
	approvalIDRand = bytes.NewReader(make([]byte, 5*200)) // every draw taken
	if _, _, err := db.ProposeApproval(context.Background(), testApproval(3), AuditEntry{}); err == nil {
		t.Error("propose with no free id succeeded")
	}
}

// TestResolveApprovalID: a unique prefix names its entry; ambiguous,
// missing and non-hex input are refused.
func TestResolveApprovalID(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	old := approvalIDRand
	t.Cleanup(func() { approvalIDRand = old })
	approvalIDRand = bytes.NewReader([]byte{0xab, 0xcd, 0x01, 0, 0, 0xab, 0xcd, 0x02, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x9a})
	for i := range 3 {
		propose(t, db, testApproval(i))
	}
	for _, tc := range []struct {
		in   string
		want ApprovalID
		err  error
	}{
		{"123456789a", "123456789a", nil},
		{"1", "123456789a", nil},
		{"ABCD01", "abcd010000", nil},
		{" abcd02 ", "abcd020000", nil},
		{"abcd", "", ErrAmbiguousID},
		{"a", "", ErrAmbiguousID},
		{"abce", "", ErrNotFound},
		{"f", "", ErrNotFound},
		{"123456789a0", "", ErrNotFound}, // longer than an id
		{"", "", ErrNotFound},
		{"12%", "", ErrNotFound},
		{"1_", "", ErrNotFound},
		{"ab*", "", ErrNotFound},
		{"g", "", ErrNotFound},
		{"abcd'--", "", ErrNotFound},
	} {
		got, err := db.ResolveApprovalID(ctx, tc.in)
		if got != tc.want || (tc.err == nil) != (err == nil) || tc.err != nil && !errors.Is(err, tc.err) {
			t.Errorf("ResolveApprovalID(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// queueFixture fills a queue with pending entries of mixed risk and age,
// and decided ones changed at known times, and returns the ids in the
// order ListApprovals must give them.
func queueFixture(t *testing.T, db *DB, clock *fakeClock) (order []ApprovalID, byID map[ApprovalID]Approval) {
	t.Helper()
	ctx := context.Background()
	byID = map[ApprovalID]Approval{}
	type spec struct {
		risk  int
		state ApprovalState
		host  string
	}
	specs := []spec{
		{2, ApprovalPending, ""}, {4, ApprovalPending, "web1"}, {1, ApprovalPending, ""}, {4, ApprovalPending, ""},
		{3, ApprovalRejected, ""}, {2, ApprovalPending, "web1"}, {1, ApprovalSucceeded, "web1"}, {4, ApprovalFailed, ""},
		{2, ApprovalRunning, ""}, {3, ApprovalExpired, ""}, {1, ApprovalApproved, "web1"},
	}
	var all []Approval
	for i, s := range specs {
		clock.advance(time.Second)
		p := testApproval(i)
		p.Risk, p.Host = s.risk, s.host
		p.ExpiresAt = clock.t.Add(time.Hour)
		if s.state == ApprovalExpired {
			p.ExpiresAt = clock.t.Add(time.Millisecond)
		}
		a := propose(t, db, p)
		var err error
		switch s.state {
		case ApprovalRejected:
			a, err = db.DecideApproval(ctx, a.ID, ApprovalRejected, "person:a", "cli", "", "")
		case ApprovalSucceeded, ApprovalFailed, ApprovalRunning, ApprovalApproved:
			a, err = db.DecideApproval(ctx, a.ID, ApprovalApproved, "person:a", "cli", "", runnerA)
			if err == nil && s.state != ApprovalApproved {
				a, err = db.StartApproval(ctx, a.ID, runnerA, "")
			}
			if err == nil && (s.state == ApprovalSucceeded || s.state == ApprovalFailed) {
				a, err = db.FinishApproval(ctx, a.ID, runnerA, s.state, 0, "", "")
			}
		case ApprovalExpired:
			clock.advance(time.Millisecond)
			var got []Approval
			if got, err = db.ExpireApprovals(ctx, clock.t); err == nil {
				a = got[0]
			}
		}
		if err != nil || a.State != s.state {
			t.Fatalf("fixture %d: %s, %v", i, a.State, err)
		}
		all = append(all, a)
	}
	// An old decided entry changed last moves to the top of the history.
	clock.advance(time.Second)
	a, err := db.FinishApproval(ctx, all[10].ID, runnerA, ApprovalFailed, 1, "", "could not start")
	if err != nil {
		t.Fatal(err)
	}
	all[10] = a
	for _, a := range all {
		byID[a.ID] = a
	}
	slices.SortStableFunc(all, func(x, y Approval) int {
		xp, yp := x.State == ApprovalPending, y.State == ApprovalPending
		switch {
		case xp != yp:
			if xp {
				return -1
			}
			return 1
		case xp:
			if x.Risk != y.Risk {
				return y.Risk - x.Risk
			}
			return x.CreatedAt.Compare(y.CreatedAt)
		}
		return y.UpdatedAt.Compare(x.UpdatedAt)
	})
	for _, a := range all {
		order = append(order, a.ID)
	}
	return order, byID
}

func idsOf(as []Approval) []ApprovalID {
	out := make([]ApprovalID, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// TestListApprovals checks the order, the filters, and that pages laid end
// to end give the whole list, for every page size and offset.
func TestListApprovals(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	order, byID := queueFixture(t, db, clock)

	got, err := db.ListApprovals(ctx, ApprovalQuery{})
	if err != nil || !slices.Equal(idsOf(got), order) {
		t.Fatalf("ListApprovals = %v, %v\nwant %v", idsOf(got), err, order)
	}
	for _, a := range got {
		if a != byID[a.ID] {
			t.Errorf("listed %+v, stored %+v", a, byID[a.ID])
		}
	}
	if got[0].Risk != 4 || got[0].State != ApprovalPending || got[len(got)-1].State == ApprovalPending {
		t.Errorf("first %+v last %+v", got[0], got[len(got)-1])
	}

	for limit := 1; limit <= len(order)+1; limit++ {
		var paged []ApprovalID
		for off := 0; off < len(order)+limit; off += limit {
			page, err := db.ListApprovals(ctx, ApprovalQuery{Limit: limit, Offset: off})
			if err != nil || len(page) > limit {
				t.Fatalf("page %d+%d: %d entries, %v", off, limit, len(page), err)
			}
			paged = append(paged, idsOf(page)...)
		}
		if !slices.Equal(paged, order) {
			t.Errorf("pages of %d: %v\nwant %v", limit, paged, order)
		}
	}
	// Every single offset, unlimited.
	for off := range len(order) + 2 {
		page, err := db.ListApprovals(ctx, ApprovalQuery{Offset: off})
		want := order[min(off, len(order)):]
		if err != nil || !slices.Equal(idsOf(page), want) {
			t.Errorf("offset %d: %v, %v; want %v", off, idsOf(page), err, want)
		}
	}

	filter := func(keep func(Approval) bool) []ApprovalID {
		var out []ApprovalID
		for _, id := range order {
			if keep(byID[id]) {
				out = append(out, id)
			}
		}
		return out
	}
	for _, tc := range []struct {
		q    ApprovalQuery
		keep func(Approval) bool
	}{
		{ApprovalQuery{States: []ApprovalState{ApprovalPending}}, func(a Approval) bool { return a.State == ApprovalPending }},
		{ApprovalQuery{States: []ApprovalState{ApprovalFailed, ApprovalRejected}},
			func(a Approval) bool { return a.State == ApprovalFailed || a.State == ApprovalRejected }},
		{ApprovalQuery{States: []ApprovalState{ApprovalRunning, ApprovalPending}},
			func(a Approval) bool { return a.State == ApprovalRunning || a.State == ApprovalPending }},
		{ApprovalQuery{States: []ApprovalState{ApprovalInterrupted}}, func(a Approval) bool { return false }},
		{ApprovalQuery{Host: "web1"}, func(a Approval) bool { return a.Host == "web1" }},
		{ApprovalQuery{Host: "web1", States: []ApprovalState{ApprovalPending, ApprovalSucceeded}},
			func(a Approval) bool {
				return a.Host == "web1" && (a.State == ApprovalPending || a.State == ApprovalSucceeded)
			}},
		{ApprovalQuery{Host: "nowhere"}, func(a Approval) bool { return false }},
	} {
		want := filter(tc.keep)
		got, err := db.ListApprovals(ctx, tc.q)
		if err != nil || !slices.Equal(idsOf(got), want) {
			t.Errorf("%+v: %v, %v; want %v", tc.q, idsOf(got), err, want)
		}
		if len(want) > 1 { // the second page of one
			got, err := db.ListApprovals(ctx, ApprovalQuery{States: tc.q.States, Host: tc.q.Host, Limit: 1, Offset: 1})
			if err != nil || !slices.Equal(idsOf(got), want[1:2]) {
				t.Errorf("%+v page 2: %v, %v; want %v", tc.q, idsOf(got), err, want[1:2])
			}
		}
	}
}

// TestCountApprovals checks every number against the fixture.
func TestCountApprovals(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db)
	if c, err := db.CountApprovals(ctx); err != nil || c != (ApprovalCounts{}) {
		t.Errorf("empty queue: %+v %v", c, err)
	}
	_, byID := queueFixture(t, db, clock)
	var want ApprovalCounts
	for _, a := range byID {
		switch {
		case a.State == ApprovalPending:
			want.Pending++
			want.PendingByRisk[a.Risk]++
			if want.OldestPending.IsZero() || a.CreatedAt.Before(want.OldestPending) {
				want.OldestPending = a.CreatedAt
			}
		case a.State.Final():
			want.Decided++
		default:
			want.Running++
		}
		if a.UpdatedAt.After(want.NewestActivity) {
			want.NewestActivity = a.UpdatedAt
		}
	}
	got, err := db.CountApprovals(ctx)
	if err != nil || got != want {
		t.Errorf("CountApprovals = %+v, %v\nwant %+v", got, err, want)
	}
	if want.Pending != 5 || want.PendingByRisk != [5]int{0, 1, 2, 0, 2} || want.Running != 1 || want.Decided != 5 {
		t.Errorf("fixture changed: %+v", want)
	}
}

// TestApprovalChangeMarks: every write to the queue or the rules moves
// its mark, even two in the same millisecond, and nothing else's.
func TestApprovalChangeMarks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	clock := useFakeClock(db) // the clock stands still: every write in one millisecond
	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.now = clock.now
	p, err := db.OpenChangeProbe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	m0, _ := p.Marks(ctx)
	pa := testApproval(1)
	pa.ExpiresAt = clock.t.Add(time.Hour)
	var id ApprovalID
	var rule ApprovalRule
	for _, tc := range []struct {
		name  string
		write func() error
		part  int // which of Approvals moves
	}{
		{"propose", func() error { a, _, err := other.ProposeApproval(ctx, pa, AuditEntry{}); id = a.ID; return err }, 0},
		{"merge", func() error { _, _, err := db.ProposeApproval(ctx, pa, AuditEntry{}); return err }, 0},
		{"approve", func() error {
			_, err := other.DecideApproval(ctx, id, ApprovalApproved, "person:a", "cli", "", runnerA)
			return err
		}, 0},
		{"start", func() error { _, err := db.StartApproval(ctx, id, runnerA, ""); return err }, 0},
		{"finish", func() error {
			_, err := other.FinishApproval(ctx, id, runnerA, ApprovalSucceeded, 0, "", "")
			return err
		}, 0},
		{"add rule", func() error {
			var err error
			rule, err = other.AddApprovalRule(ctx, ApprovalRule{Kind: "k", Target: "t", Scope: ScopeAlways}, AuditEntry{})
			return err
		}, 1},
		{"use rule", func() error { return db.UseApprovalRule(ctx, rule.ID) }, 1},
		{"revoke rule", func() error { _, err := other.RevokeApprovalRule(ctx, rule.ID, AuditEntry{}); return err }, 1},
	} {
		if err := tc.write(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		m, err := p.Marks(ctx)
		if err != nil || m.Approvals[tc.part] <= m0.Approvals[tc.part] || m.Approvals[1-tc.part] != m0.Approvals[1-tc.part] ||
			m.Facts != m0.Facts || m.Sessions != m0.Sessions {
			t.Errorf("%s: marks %+v -> %+v (%v)", tc.name, m0, m, err)
		}
		m0 = m
	}
}

// TestApprovalRules: scope matching, revoking, counting uses, and the
// audit entries of rule changes.
func TestApprovalRules(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	add := func(r ApprovalRule) ApprovalRule {
		t.Helper()
		r.CreatedBy = "person:ann"
		got, err := db.AddApprovalRule(ctx, r, AuditEntry{Source: "cockpit", ChosenBy: "person:ann"})
		if err != nil {
			t.Fatalf("AddApprovalRule(%+v): %v", r, err)
		}
		return got
	}
	mark := lastAuditID(t, db)
	always := add(ApprovalRule{Kind: "service.restart", Target: "nginx.service", Scope: ScopeAlways, From: "abcdef0123"})
	es := auditAfter(t, db, mark)
	if len(es) != 1 || es[0].Action != fmt.Sprintf("remember rule %d: service.restart nginx.service (always)", always.ID) ||
		es[0].Skill != "approval" || es[0].Source != "cockpit" || es[0].ChosenBy != "person:ann" || !es[0].Success {
		t.Errorf("add rule's audit entry: %+v", es)
	}
	if always.CreatedAt.IsZero() || always.From != "abcdef0123" || always.CreatedBy != "person:ann" || always.Uses != 0 {
		t.Errorf("rule %+v", always)
	}
	host := add(ApprovalRule{Kind: "file.write", Host: "web1", Target: "/etc/app.conf", Scope: ScopeHost})
	sess := add(ApprovalRule{Kind: "command.run", Target: "make test", Scope: ScopeSession, Session: "work"})
	sessRemote := add(ApprovalRule{Kind: "command.run", Host: "web1", Target: "uptime", Scope: ScopeSession, Session: "work"})
	hostWide := add(ApprovalRule{Kind: "command.run", Target: "make test", Scope: ScopeHost})

	for _, tc := range []struct {
		kind, host, target, session string
		want                        ApprovalRuleID // 0: none
	}{
		{"service.restart", "", "nginx.service", "", always.ID},
		{"service.restart", "web9", "nginx.service", "other", always.ID},
		{"service.restart", "", "nginx", "", 0},                  // another target
		{"service.stop", "", "nginx.service", "", 0},             // another kind
		{"file.write", "web1", "/etc/app.conf", "x", host.ID},    // the host, any session
		{"file.write", "", "/etc/app.conf", "x", 0},              // another host
		{"file.write", "web2", "/etc/app.conf", "", 0},           // another host
		{"command.run", "", "make test", "work", sess.ID},        // session beats host-wide
		{"command.run", "", "make test", "play", hostWide.ID},    // another session: the host rule
		{"command.run", "web1", "make test", "work", 0},          // another host
		{"command.run", "web1", "uptime", "work", sessRemote.ID}, // the session on its host
		{"command.run", "", "uptime", "work", 0},                 // the session on another host
		{"command.run", "web1", "uptime", "", 0},                 // no session
	} {
		got, ok, err := db.MatchApprovalRule(ctx, tc.kind, tc.host, tc.target, tc.session)
		if err != nil || ok != (tc.want != 0) || got.ID != tc.want {
			t.Errorf("Match(%q, %q, %q, %q) = %d %v %v; want %d", tc.kind, tc.host, tc.target, tc.session, got.ID, ok, err, tc.want)
		}
	}

	for range 3 {
		if err := db.UseApprovalRule(ctx, host.ID); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := db.GetApprovalRule(ctx, host.ID); r.Uses != 3 {
		t.Errorf("uses %d, want 3", r.Uses)
	}

	mark = lastAuditID(t, db)
	rev, err := db.RevokeApprovalRule(ctx, host.ID, AuditEntry{Source: "cli", ChosenBy: "person:bob"})
	if err != nil || rev.RevokedAt.IsZero() || rev.Uses != 3 {
		t.Fatalf("revoke: %+v %v", rev, err)
	}
	es = auditAfter(t, db, mark)
	if len(es) != 1 || es[0].Action != fmt.Sprintf("revoke rule %d: file.write /etc/app.conf (host web1)", host.ID) || es[0].ChosenBy != "person:bob" {
		t.Errorf("revoke's audit entry: %+v", es)
	}
	if _, ok, _ := db.MatchApprovalRule(ctx, "file.write", "web1", "/etc/app.conf", ""); ok {
		t.Error("a revoked rule still matches")
	}
	if err := db.UseApprovalRule(ctx, host.ID); err == nil {
		t.Error("a revoked rule was used")
	}
	// Revoking again changes nothing and records nothing.
	mark = lastAuditID(t, db)
	again, err := db.RevokeApprovalRule(ctx, host.ID, AuditEntry{})
	if err != nil || !again.RevokedAt.Equal(rev.RevokedAt) || lastAuditID(t, db) != mark {
		t.Errorf("second revoke: %+v %v", again, err)
	}
	if _, err := db.RevokeApprovalRule(ctx, 999, AuditEntry{}); !errorsIsNotFound(err) {
		t.Errorf("revoke a missing rule: %v", err)
	}
	if err := db.UseApprovalRule(ctx, 999); !errorsIsNotFound(err) {
		t.Errorf("use a missing rule: %v", err)
	}

	live, err := db.ListApprovalRules(ctx, false)
	all, err2 := db.ListApprovalRules(ctx, true)
	if err != nil || err2 != nil || len(live) != 4 || len(all) != 5 || all[0].ID != hostWide.ID || slices.ContainsFunc(live, func(r ApprovalRule) bool { return r.ID == host.ID }) {
		t.Errorf("ListApprovalRules: live %v, all %v (%v, %v)", live, all, err, err2)
	}

	for _, bad := range []ApprovalRule{
		{Target: "x", Scope: ScopeAlways},
		{Kind: "k", Scope: ScopeAlways},
		{Kind: "k", Target: "x", Scope: "forever"},
		{Kind: "k", Target: "x", Scope: ScopeSession},
	} {
		if _, err := db.AddApprovalRule(ctx, bad, AuditEntry{}); err == nil {
			t.Errorf("AddApprovalRule(%+v) succeeded", bad)
		}
	}
	verifyChain(t, db)
}

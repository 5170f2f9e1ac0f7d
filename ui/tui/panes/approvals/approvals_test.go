package approvals

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

func TestListsPendingFirstByRiskThenAge(t *testing.T) {
	p, _, _ := newTestPane(t, sample()...)
	var got []store.ApprovalID
	for _, i := range p.rows[open] {
		got = append(got, p.entries[i].ID)
	}
	want := []store.ApprovalID{"d4crit0004", "c3high0003", "e5file0005", "b2med00002", "a1low00001"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	s := tuitest.Screen(t, p, 120, 12)
	tuitest.RequireContains(t, s, "5 pending (1 critical, 2 high, 1 medium, 1 low) · 2 decided",
		"critical", "23h", "21h", "web-2", "classifier", "restart nginx.service ×3 — nginx failed twice")
	if p.Title() != "approvals · 5 pending" || p.Badge() != "5" {
		t.Fatalf("title %q badge %q", p.Title(), p.Badge())
	}
}

func TestRiskIsAWordAndAColour(t *testing.T) {
	p, _, _ := newTestPane(t, sample()...)
	v := p.View(120, 12, false)
	for r, word := range map[int]string{4: "critical", 3: "high", 2: "medium", 1: "low"} {
		if !strings.Contains(v, p.paint.risk(r).Apply(kit.Cell(word, 8, false))) {
			t.Errorf("risk %d is not the word %q in its colour", r, word)
		}
	}
	if p.riskStyle(4).Render("x") == p.riskStyle(1).Render("x") {
		t.Fatal("critical and low are drawn alike")
	}
}

func TestApproveLowRunsOnceAndShowsTheOutput(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	selectID(t, p, d, "a1low00001")
	d.Press("a")
	if got := f.answered(); !slices.Equal(got, []string{`approve a1low00001 by person:ann from cockpit remember ""`}) {
		t.Fatalf("answers %q", got)
	}
	if e := f.get("a1low00001"); e.State != store.ApprovalSucceeded {
		t.Fatalf("state %s", e.State)
	}
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "ran show the status of nginx.service: succeeded")
	shown, open := p.Shown()
	if !open || shown.ID != "a1low00001" || shown.State != store.ApprovalSucceeded {
		t.Fatalf("detail view %v on %+v", open, shown)
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 80, 30), "approval a1low00001 succeeded", "succeeded, exit 0, in 1.2s", "done: show the status of nginx.service")
	// The entry left the open list: a second a has nothing to answer.
	d.Press("esc", "a")
	if n := len(f.answered()); n != 2 && n != 1 {
		t.Fatalf("%d answers", n)
	}
	for _, a := range f.answered()[1:] {
		if strings.Contains(a, "a1low00001") {
			t.Fatalf("approved twice: %q", f.answered())
		}
	}
}

func TestApproveHighAsksASecondTime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  []string
		ran   bool
		entry store.ApprovalID
	}{
		{"a then a", []string{"a", "a"}, true, "c3high0003"},
		{"a then y", []string{"a", "y"}, true, "c3high0003"},
		{"a then esc", []string{"a", "esc"}, false, "c3high0003"},
		{"a then another key", []string{"a", "j"}, false, "c3high0003"},
		{"critical: a then y", []string{"a", "y"}, true, "d4crit0004"},
		{"critical: a then n", []string{"a", "n"}, false, "d4crit0004"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, d := newTestPane(t, sample()...)
			selectID(t, p, d, tc.entry)
			d.Press(tc.keys[0])
			if len(f.answered()) != 0 {
				t.Fatal("a high-risk action ran on the first a")
			}
			if !p.Capturing() {
				t.Fatal("the confirmation does not take the keys")
			}
			tuitest.RequireContains(t, tuitest.Screen(t, p, 80, 10), strings.ToUpper(actions.Risk(f.get(tc.entry).Risk).String())+" risk, approve? a or y runs it · esc cancels")
			d.Press(tc.keys[1:]...)
			if ran := len(f.answered()) == 1; ran != tc.ran {
				t.Fatalf("ran %v, want %v (%q)", ran, tc.ran, f.answered())
			}
			if p.Capturing() {
				t.Fatal("the confirmation stayed open")
			}
		})
	}
}

func TestRejectWithANote(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	selectID(t, p, d, "b2med00002")
	d.Press("r")
	if !p.Capturing() {
		t.Fatal("r opened no note")
	}
	d.Type("use the staging host first")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 160, 10), "reject restart nginx.service? enter rejects · esc cancels", "\nnote: use the staging host first")
	d.Press("enter")
	if got := f.answered(); !slices.Equal(got, []string{"reject b2med00002 by person:ann from cockpit: use the staging host first"}) {
		t.Fatalf("answers %q", got)
	}
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "rejected restart nginx.service")
	if e := f.get("b2med00002"); e.State != store.ApprovalRejected || e.Note != "use the staging host first" {
		t.Fatalf("entry %s %q", e.State, e.Note)
	}

	// esc cancels; an empty note rejects without one.
	selectID(t, p, d, "a1low00001")
	d.Press("r")
	d.Type("never mind")
	d.Press("esc")
	if len(f.answered()) != 1 || p.Capturing() {
		t.Fatalf("esc did not cancel: %q", f.answered())
	}
	d.Press("r", "enter")
	if got := f.answered(); len(got) != 2 || got[1] != "reject a1low00001 by person:ann from cockpit: " {
		t.Fatalf("answers %q", got)
	}
}

func TestApproveAndRemember(t *testing.T) {
	for _, tc := range []struct {
		name   string
		entry  store.ApprovalID
		keys   []string
		answer string
		toast  string
	}{
		{"host", "b2med00002", []string{"A", "h"}, `approve b2med00002 by person:ann from cockpit remember "host"`, "remembered for this host"},
		{"session", "b2med00002", []string{"A", "s"}, `approve b2med00002 by person:ann from cockpit remember "session"`, "remembered for this session"},
		{"always, high asks again", "e5file0005", []string{"A", "w", "y"}, `approve e5file0005 by person:ann from cockpit remember "always"`, "remembered always"},
		{"cancelled", "b2med00002", []string{"A", "esc"}, "", ""},
		{"no session to remember", "c3high0003", []string{"A", "s"}, "", "belongs to no session"},
		{"protected", "d4crit0004", []string{"A"}, "", "not remembered: stop ssh.service touches the protected ssh; approve it once with a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, d := newTestPane(t, sample()...)
			selectID(t, p, d, tc.entry)
			d.Press(tc.keys...)
			got := f.answered()
			if tc.answer == "" && len(got) != 0 || tc.answer != "" && !slices.Equal(got, []string{tc.answer}) {
				t.Fatalf("answers %q, want %q", got, tc.answer)
			}
			if ts := strings.Join(tuitest.Toasts(d.Kept()), "\n"); !strings.Contains(ts, tc.toast) {
				t.Fatalf("toasts %q lack %q", ts, tc.toast)
			}
		})
	}
	t.Run("critical", func(t *testing.T) {
		e := sample()[3]
		e.Protected = ""
		p, f, d := newTestPane(t, e)
		d.Press("A")
		if len(f.answered()) != 0 || p.Capturing() {
			t.Fatal("a critical action was offered a rule")
		}
		tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "critical risk; approve it once with a")
	})
}

func TestLoserOfARaceIsToldWhoWon(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	selectID(t, p, d, "b2med00002")
	// Another process answers first; the pane has not reloaded yet.
	if _, err := f.Approve(t.Context(), "b2med00002", approvals.Decider{Who: "person:x", Where: approvals.CLI}, approvals.Remember{}); err != nil {
		t.Fatal(err)
	}
	d.Press("a")
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "already approved by person:x from cli")
	// The reload shows it decided: no second answer is offered.
	if e, _ := p.Selected(); e.ID == "b2med00002" {
		t.Fatalf("the decided entry is still selected in the open list")
	}
}

func TestHistoryIsPagedNewestFirst(t *testing.T) {
	const n = 450
	var es []store.Approval
	for i := range n {
		es = append(es, store.Approval{ID: store.ApprovalID(fmt.Sprintf("h%09d", i)), State: store.ApprovalSucceeded,
			Kind: "service.restart", Params: params(map[string]string{"unit": "app"}), Summary: fmt.Sprintf("restart app %04d", i), Risk: 2,
			DecidedBy: "person:ann", DecidedWhere: "cli", UpdatedAt: testNow.Add(-time.Duration(n-i) * time.Minute), DecidedAt: testNow.Add(-time.Duration(n-i) * time.Minute)})
	}
	es = append(es, sample()[0])
	p, f, d := newTestPane(t, es...)
	d.Press("h")
	if p.Len() != historyPage || p.Title() != "approvals · history · 1 pending" {
		t.Fatalf("history holds %d (%q)", p.Len(), p.Title())
	}
	if e, _ := p.Selected(); e.Summary != "restart app 0449" {
		t.Fatalf("first row %q, want the newest", e.Summary)
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 80, 24), "history · 450 decided, newest first · 200 read", "succeeded")
	// Each G reaches the last entry read, and reads the next page.
	d.Press("G", "G", "G")
	if p.Len() != n {
		t.Fatalf("after paging down: %d of %d", p.Len(), n)
	}
	if e, _ := p.Selected(); e.Summary != "restart app 0000" {
		t.Fatalf("last row %q, want the oldest", e.Summary)
	}
	for _, q := range f.queries {
		if slices.Contains(q.States, store.ApprovalSucceeded) && (q.Limit == 0 || q.Limit > n) {
			t.Fatalf("a history read without a page limit: %+v", q)
		}
	}
	d.Press("h")
	if p.view != open || p.Len() != 1 {
		t.Fatalf("h did not go back to the open list")
	}
}

func TestRulesAreListedAndRevoked(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	selectID(t, p, d, "b2med00002")
	d.Press("A", "h")
	d.Kept()
	d.Press("R")
	s := tuitest.Screen(t, p, 120, 10)
	tuitest.RequireContains(t, s, "remembered rules · 1", "#1", "host local", "service.restart", "nginx")
	d.Press("x")
	if !slices.Equal(f.revoked, []store.ApprovalRuleID{1}) {
		t.Fatalf("revoked %v", f.revoked)
	}
	tuitest.RequireContains(t, strings.Join(tuitest.Toasts(d.Kept()), "\n"), "revoked rule #1")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 10), "remembered rules · 0", "no remembered rules")
	d.Press("esc")
	if p.view != open {
		t.Fatal("esc did not leave the rules")
	}
}

func TestReadOnlyStripsEveryAnswer(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	f.rules = []store.ApprovalRule{{ID: 7, Kind: "service.restart", Target: "nginx", Scope: store.ScopeAlways}}
	p.SetKeys(kit.ReadOnly(p.Keys()))
	for _, id := range []store.ApprovalID{"a1low00001", "c3high0003"} {
		selectID(t, p, d, id)
		before := d.Unhandled
		d.Press("a", "y", "A", "s", "r")
		if d.Unhandled-before < 3 || p.Capturing() {
			t.Fatalf("read-only took %d of the answer keys", 5-(d.Unhandled-before))
		}
	}
	d.Press("R", "x")
	if len(f.answered()) != 0 || len(f.revoked) != 0 {
		t.Fatalf("read-only answered %q, revoked %v", f.answered(), f.revoked)
	}
	s := tuitest.Screen(t, p, 160, 10)
	for _, hint := range []string{"a approve", "r reject", "A remember", "x revoke"} {
		if strings.Contains(s, hint) {
			t.Fatalf("a read-only pane offers %q:\n%s", hint, s)
		}
	}
	for _, b := range p.Keys() {
		if slices.Contains([]string{"approve", "remember", "reject", "revoke"}, b.Action) && (!b.Dangerous || b.Enabled()) {
			t.Fatalf("%s is not a stripped dangerous binding", b.Action)
		}
	}
}

func TestReloadsOnStoreChangeAndQueueEvents(t *testing.T) {
	p, f, d := newTestPane(t, sample()[0])
	e := sample()[1]
	f.add(e)
	d.Send(tuitest.StoreChanged(events.PartSessions))
	if p.Len() != 1 {
		t.Fatal("a change of another part reloaded the pane")
	}
	d.Send(tuitest.StoreChanged(events.PartApprovals))
	if p.Len() != 2 || p.Badge() != "2" {
		t.Fatalf("after a store change: %d rows, badge %q", p.Len(), p.Badge())
	}
	f.add(sample()[2])
	d.Send(kit.CoreEventMsg{Event: events.ApprovalChanged{ID: "c3high0003", State: "pending"}})
	if p.Len() != 3 {
		t.Fatalf("after ApprovalChanged: %d rows", p.Len())
	}
}

func TestStaleAnswersAreDropped(t *testing.T) {
	p, _, d := newTestPane(t, sample()...)
	old := p.q.Last(kindOpen)
	cmd := p.reload() // a newer query is on its way
	p.Update(openMsg{seq: old, entries: nil})
	if p.Len() != 5 {
		t.Fatalf("a stale answer replaced the list: %d rows", p.Len())
	}
	if !p.Quiet(openMsg{seq: old}) {
		t.Fatal("a stale answer is not quiet")
	}
	d.Run(cmd)
	if p.Len() != 5 {
		t.Fatalf("%d rows", p.Len())
	}
}

func TestOutputStreamsIntoTheDetailView(t *testing.T) {
	// The approve command is the one returned by a: run it by hand.
	p, f, d := newTestPane(t, sample()...)
	f.hold, f.started = make(chan struct{}), make(chan store.ApprovalID, 1)
	selectID(t, p, d, "b2med00002")
	approve, _ := p.HandleKey(tuitest.Key("a"))
	done := make(chan any, 1)
	go func() { done <- approve() }()
	if id := <-f.started; id != "b2med00002" {
		t.Fatalf("started %s", id)
	}
	for _, e := range []events.ApprovalOutput{
		{ID: "b2med00002", Text: "stopping nginx\n"},
		{ID: "zzzz", Text: "another entry's line\n"},
		{ID: "b2med00002", Text: "starting nginx\n", Stderr: true},
	} {
		msg := kit.CoreEventMsg{Event: e}
		if q := p.Quiet(msg); q != (e.ID != "b2med00002") {
			t.Fatalf("Quiet(%s) = %v", e.ID, q)
		}
		p.Update(msg)
		p.View(80, 40, true) // each line drawn as it comes: the view adds to what it drew
	}
	s := tuitest.Screen(t, p, 80, 40)
	tuitest.RequireContains(t, s, "output (running)", "stopping nginx", "starting nginx")
	if strings.Contains(s, "another entry") {
		t.Fatal("another entry's output is shown")
	}
	close(f.hold)
	d.Send(<-done)
	s = tuitest.Screen(t, p, 80, 40)
	tuitest.RequireContains(t, s, "done: restart nginx.service", "succeeded")
	if strings.Contains(s, "stopping nginx") {
		t.Fatal("the streamed lines stayed after the stored output came")
	}
}

func TestASecondPressWhileRunningDoesNotApproveTwice(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	f.hold = make(chan struct{})
	selectID(t, p, d, "a1low00001")
	approve, _ := p.HandleKey(tuitest.Key("a"))
	if approve == nil {
		t.Fatal("a started nothing")
	}
	done := make(chan any, 1)
	go func() { done <- approve() }()
	// The detail view is open on the running entry: a again is refused.
	again, handled := p.HandleKey(tuitest.Key("a"))
	if !handled || again == nil {
		t.Fatal("the second a was not answered")
	}
	if msg, ok := again().(kit.ToastMsg); !ok || !strings.Contains(msg.Text, "being answered from here already") {
		t.Fatalf("second a: %v", msg)
	}
	close(f.hold)
	d.Send(<-done)
	if n := len(f.answered()); n != 1 {
		t.Fatalf("%d answers: %q", n, f.answered())
	}
}

func TestFilterNarrowsEachList(t *testing.T) {
	p, _, d := newTestPane(t, sample()...)
	d.Press("/")
	if !p.Capturing() {
		t.Fatal("/ opened no filter")
	}
	d.Type("nginx")
	d.Press("enter")
	if len(p.rows[open]) != 3 { // status, restart and the file under /etc/nginx
		t.Fatalf("%d rows match nginx", len(p.rows[open]))
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 80, 12), "/nginx 3/5 · esc clears")
	d.Press("h")
	if len(p.rows[history]) != 2 {
		t.Fatalf("the history took the open list's filter: %d rows", len(p.rows[history]))
	}
	d.Press("h", "esc")
	if len(p.rows[open]) != 5 {
		t.Fatalf("esc left %d rows", len(p.rows[open]))
	}
}

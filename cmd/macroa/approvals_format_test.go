package main

import (
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

func TestSpan(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{59 * time.Second, "59s"},
		{time.Minute, "1m"},
		{59*time.Minute + 59*time.Second, "59m"},
		{3*time.Hour + 5*time.Minute, "3h05m"},
		{-90 * time.Minute, "1h30m"},
		{50 * time.Hour, "2d2h"},
	}
	for _, tc := range tests {
		if got := span(tc.d); got != tc.want {
			t.Errorf("span(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestShellJoin(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"systemctl", "restart", "--", "nginx.service"}, "systemctl restart -- nginx.service"},
		{[]string{"echo", "a b", ""}, "echo 'a b' ''"},
		{[]string{"sh", "-c", "it's $HOME; rm *"}, `sh -c 'it'\''s $HOME; rm *'`},
	}
	for _, tc := range tests {
		if got := shellJoin(tc.argv); got != tc.want {
			t.Errorf("shellJoin(%q) = %q, want %q", tc.argv, got, tc.want)
		}
	}
}

func TestRiskWordNeverColourAlone(t *testing.T) {
	for r, want := range map[int]string{1: "low", 2: "medium", 3: "HIGH", 4: "CRITICAL", 0: "unknown"} {
		if got := riskWord(r); got != want {
			t.Errorf("riskWord(%d) = %q, want %q", r, got, want)
		}
	}
}

// The loser of a race, or a late answer, is told who answered first,
// from where and when, in one sentence.
func TestConflictText(t *testing.T) {
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.Local)
	at := time.Date(2026, 3, 4, 12, 3, 0, 0, time.Local)
	tests := []struct {
		name string
		c    store.ApprovalConflict
		want string
	}{
		{"approved elsewhere", store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: store.Approval{
			State: store.ApprovalRunning, DecidedBy: "person:ann", DecidedWhere: "cockpit", DecidedAt: at}},
			"approval abc was already approved by person:ann from cockpit at 12:03; it is running now"},
		{"succeeded", store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: store.Approval{
			State: store.ApprovalSucceeded, DecidedBy: "person:ann", DecidedWhere: "cli", DecidedAt: at}},
			"approval abc was already approved by person:ann from cli at 12:03; it already ran and succeeded"},
		{"rejected", store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: store.Approval{
			State: store.ApprovalRejected, DecidedBy: "person:bob", DecidedWhere: "cli", DecidedAt: at}},
			"approval abc was already rejected by person:bob from cli at 12:03; nothing ran"},
		// Nobody decides an expired entry: it has no DecidedAt.
		{"expired", store.ApprovalConflict{Err: store.ErrApprovalExpired, Current: store.Approval{
			State: store.ApprovalExpired, ExpiresAt: at, UpdatedAt: at.Add(time.Hour)}},
			"approval abc expired at 12:03 before anyone answered; nothing ran"},
		{"expired, no expiry kept", store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: store.Approval{
			State: store.ApprovalExpired, UpdatedAt: at}},
			"approval abc expired at 12:03 before anyone answered; nothing ran"},
		{"interrupted", store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: store.Approval{
			State: store.ApprovalInterrupted, DecidedBy: "person:ann", DecidedWhere: "cli", DecidedAt: at.AddDate(0, 0, -1),
			Error: "the process died"}},
			"approval abc was already approved by person:ann from cli at 2026-03-03 12:03 and was interrupted (the process died); it never runs again"},
		{"another runner", store.ApprovalConflict{Err: store.ErrApprovalNotOurs, Current: store.Approval{
			State: store.ApprovalApproved, Runner: "box/12/34"}},
			"approval abc is being run by another process (box/12/34)"},
	}
	for _, tc := range tests {
		got := conflictText("abc", &tc.c, now)
		if got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
		if strings.Contains(got, "\n") {
			t.Errorf("%s: more than one line", tc.name)
		}
	}
}

// The DECIDED column and show's Decided line: an expired entry says when
// it expired, never the zero time.
func TestDecidedBy(t *testing.T) {
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.Local)
	at := time.Date(2026, 3, 4, 12, 3, 0, 0, time.Local)
	tests := []struct {
		e    store.Approval
		want string
	}{
		{store.Approval{State: store.ApprovalExpired, ExpiresAt: at, UpdatedAt: at.Add(time.Minute)}, "expired at 12:03 before anyone answered"},
		{store.Approval{State: store.ApprovalExpired, UpdatedAt: at}, "expired at 12:03 before anyone answered"},
		{store.Approval{State: store.ApprovalRejected, DecidedBy: "person:bob", DecidedAt: at}, "rejected by person:bob at 12:03"},
		{store.Approval{State: store.ApprovalInterrupted, DecidedBy: "policy", DecidedAt: at}, "approved by policy at 12:03"},
		{store.Approval{State: store.ApprovalInterrupted, DecidedBy: "policy"}, "approved by policy"},
		{store.Approval{State: store.ApprovalPending}, "not decided yet"},
	}
	for _, tc := range tests {
		if got := decidedBy(tc.e, now); got != tc.want {
			t.Errorf("decidedBy(%s) = %q, want %q", tc.e.State, got, tc.want)
		}
	}
}

func TestExpiresIn(t *testing.T) {
	now := time.Now()
	tests := []struct {
		e    store.Approval
		want string
	}{
		{store.Approval{State: store.ApprovalPending, ExpiresAt: now.Add(90 * time.Minute)}, "1h30m"},
		{store.Approval{State: store.ApprovalPending, ExpiresAt: now.Add(-time.Second)}, "expired"},
		{store.Approval{State: store.ApprovalRejected, ExpiresAt: now.Add(time.Hour)}, "-"},
	}
	for _, tc := range tests {
		if got := expiresIn(tc.e, now); got != tc.want {
			t.Errorf("expiresIn(%s, %s) = %q, want %q", tc.e.State, tc.e.ExpiresAt.Sub(now), got, tc.want)
		}
	}
}

// show prints no time for what never happened to an entry nobody
// decided or ran: an expired entry, one interrupted before it started.
func TestPrintApprovalUnsetTimes(t *testing.T) {
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.Local)
	at := time.Date(2026, 3, 4, 12, 3, 0, 0, time.Local)
	tests := []struct {
		name string
		e    store.Approval
		want []string
	}{
		{"expired", store.Approval{ID: "abc", State: store.ApprovalExpired, Kind: "command.run", CreatedAt: at.Add(-time.Hour),
			UpdatedAt: at.Add(time.Minute), ExpiresAt: at, Error: "nobody answered before it expired"},
			[]string{"Decided:   expired at 12:03 before anyone answered"}},
		{"interrupted before it started", store.Approval{ID: "abc", State: store.ApprovalInterrupted, Kind: "command.run",
			CreatedAt: at.Add(-time.Hour), DecidedAt: at, DecidedBy: "person:ann", Runner: "box/1/2", FinishedAt: at.Add(time.Minute),
			Error: "the process died"},
			[]string{"Decided:   approved by person:ann at 12:03", "Finished:  2026-03-04 12:04:00 (2h56m ago), before it started"}},
	}
	for _, tc := range tests {
		var b strings.Builder
		printApproval(&b, tc.e, now)
		out := b.String()
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: show lacks %q:\n%s", tc.name, w, out)
			}
		}
		if strings.Contains(out, "0001-01-01") || strings.Contains(out, "Started:") || strings.Contains(out, "after ") {
			t.Errorf("%s: show prints a time that never was:\n%s", tc.name, out)
		}
	}
}

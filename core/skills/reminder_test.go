package skills

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

func TestWhenText(t *testing.T) {
	now := time.Date(2026, 12, 2, 23, 50, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 2, 23, 59, 0, 0, time.UTC), "23:59"},
		{time.Date(2026, 12, 3, 0, 5, 0, 0, time.UTC), "00:05 tomorrow"},
		{time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), "Mon 7 Dec 09:00"},
		{time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), "Mon 4 Jan 2027 09:00"},
	}
	for _, tc := range tests {
		if got := WhenText(tc.at, now); got != tc.want {
			t.Errorf("WhenText(%s) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

func TestUntilText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "now"},
		{0, "now"},
		{45 * time.Second, "in 45 s"},
		{59*time.Second + 300*time.Millisecond, "in 1 min"},
		{9 * time.Minute, "in 9 min"},
		{2 * time.Hour, "in 2 h"},
		{2*time.Hour + 5*time.Minute, "in 2 h 5 min"},
		{24 * time.Hour, "in 1 day"},
		{4*24*time.Hour + 23*time.Hour, "in 4 days 23 h"},
	}
	for _, tc := range tests {
		if got := UntilText(tc.d); got != tc.want {
			t.Errorf("UntilText(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestReminderShown(t *testing.T) {
	tests := []struct{ msg, shown, name string }{
		{"call John", "call John", "reminder: call John"},
		{"\x1b]0;owned\x07\x1b[31mred\x1b[0m\r\nalert\u202e", "red alert", "reminder: red alert"},
		{"!rm -rf ~", "!rm -rf ~", "reminder: !rm -rf ~"},
		{strings.Repeat("é", 70), strings.Repeat("é", 70), "reminder: " + strings.Repeat("é", 59) + "…"},
	}
	for _, tc := range tests {
		if got := ShownMessage(tc.msg); got != tc.shown {
			t.Errorf("ShownMessage(%q) = %q, want %q", tc.msg, got, tc.shown)
		}
		if got := ReminderName(tc.msg); got != tc.name {
			t.Errorf("ReminderName(%q) = %q, want %q", tc.msg, got, tc.name)
		}
	}
}

// stubReminders records what it was asked to store.
type stubReminders struct{ added []string }

func (s *stubReminders) AddReminder(_ context.Context, message, spec, _, _ string) (store.Task, error) {
	s.added = append(s.added, spec+" "+message)
	return store.Task{ID: "abc1234567", Command: message, Spec: spec}, nil
}
func (s *stubReminders) ListReminders(context.Context) ([]store.Task, error) { return nil, nil }
func (s *stubReminders) CancelReminder(context.Context, store.TaskID, string) (store.Task, error) {
	return store.Task{}, store.ErrTaskNotFound
}

// The time is read in the skill's zone and clock, never in a zone named
// by words of the message.
func TestReminderSkillZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, tokyo)
	s := &stubReminders{}
	var recorded, done string
	r := ReminderSkill{Store: s, Loc: tokyo, Now: func() time.Time { return now.UTC() },
		Record: func(a string) error { recorded = a; return nil }, Done: func(a string) { done = a }}
	res := r.Run(context.Background(), Intent{Action: "add", Args: map[string]string{"when": "at 9", "message": "ring Paris, London, EST"}})
	want := "once:1796169600" // 2026-12-02 09:00 in Tokyo (00:00 UTC)
	if !res.Success || len(s.added) != 1 || s.added[0] != want+" ring Paris, London, EST" {
		t.Fatalf("result %+v, stored %q, want %s", res, s.added, want)
	}
	if res.Output != "Reminder set for 09:00 (in 1 h): ring Paris, London, EST" {
		t.Errorf("output %q", res.Output)
	}
	if recorded != "remind "+want+": ring Paris, London, EST" || done != "set reminder abc1234567 ("+want+"): ring Paris, London, EST" {
		t.Errorf("recorded %q, done %q", recorded, done)
	}
}

func TestReminderWhen(t *testing.T) {
	tests := []struct {
		in, phrase string
		today      bool
	}{
		{"at 17:30", "at 17:30", false},
		{"today at 17:30", "at 17:30", true},
		{"Today 5pm", "at 5pm", true},
		{"at 17:30 today", "at 17:30", true},
		{"at 9 Tomorrow", "tomorrow at 9", false},
		{"tomorrow 9am", "tomorrow 9am", false},
		{"today", "today", false},
		{"every day at 7:30", "every day at 7:30", false},
	}
	for _, tc := range tests {
		if phrase, today := ReminderWhen(tc.in); phrase != tc.phrase || today != tc.today {
			t.Errorf("ReminderWhen(%q) = %q, %v; want %q, %v", tc.in, phrase, today, tc.phrase, tc.today)
		}
	}
}

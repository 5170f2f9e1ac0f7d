package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/schedule"
)

// Daylight saving, in two zones, both ways. Berlin 2026: 29 March 02:00
// CET jumps to 03:00 CEST; 25 October 03:00 CEST falls back to 02:00 CET.
// New York 2026: 8 March 02:00 EST jumps to 03:00 EDT; 1 November 02:00
// EDT falls back to 01:00 EST.
//
// The rule: a fixed wall time in the gap fires once, at the end of the
// gap; a repeated wall time fires once, at its first occurrence. A cron
// expression with * in its minute or hour field runs by the clock.
func TestDaylightSaving(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	ny := zone(t, "America/New_York")
	tests := []struct {
		name  string
		spec  string
		loc   *time.Location
		after time.Time
		want  []string
	}{
		// Berlin, spring forward.
		{"berlin spring daily in the gap", "daily:02:30", berlin, time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-03-30T02:30:00+02:00 Mon", "2026-03-31T02:30:00+02:00 Tue"}},
		{"berlin spring daily at the gap's start", "daily:02:00", berlin, time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-03-30T02:00:00+02:00 Mon"}},
		{"berlin spring daily after the gap", "daily:03:00", berlin, time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-03-30T03:00:00+02:00 Mon"}},
		{"berlin spring daily before the gap", "daily:01:59", berlin, time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T01:59:00+01:00 Sun", "2026-03-30T01:59:00+02:00 Mon"}},
		{"berlin spring daily from the gap's fire", "daily:02:30", berlin, time.Date(2026, 3, 29, 3, 0, 0, 0, berlin),
			[]string{"2026-03-30T02:30:00+02:00 Mon"}},
		{"berlin spring cron in the gap", "cron:30 2 * * *", berlin, time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-03-30T02:30:00+02:00 Mon"}},
		{"berlin spring cron two times in the gap fire once", "cron:0,30 2 * * *", berlin, time.Date(2026, 3, 29, 0, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-03-30T02:00:00+02:00 Mon", "2026-03-30T02:30:00+02:00 Mon"}},
		{"berlin spring cron gap and 03:00 fire once", "cron:30 2,3 * * *", berlin, time.Date(2026, 3, 29, 0, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-03-29T03:30:00+02:00 Sun", "2026-03-30T02:30:00+02:00 Mon"}},
		{"berlin spring cron on sundays", "cron:30 2 * * SUN", berlin, time.Date(2026, 3, 22, 12, 0, 0, 0, berlin),
			[]string{"2026-03-29T03:00:00+02:00 Sun", "2026-04-05T02:30:00+02:00 Sun"}},
		{"berlin spring hourly cron runs by the clock", "cron:0 * * * *", berlin, time.Date(2026, 3, 29, 0, 30, 0, 0, berlin),
			[]string{"2026-03-29T01:00:00+01:00 Sun", "2026-03-29T03:00:00+02:00 Sun", "2026-03-29T04:00:00+02:00 Sun"}},
		{"berlin spring every 30 minutes by the clock", "cron:*/30 * * * *", berlin, time.Date(2026, 3, 29, 1, 0, 0, 0, berlin),
			[]string{"2026-03-29T01:30:00+01:00 Sun", "2026-03-29T03:00:00+02:00 Sun", "2026-03-29T03:30:00+02:00 Sun"}},
		// Berlin, fall back.
		{"berlin autumn daily repeated", "daily:02:30", berlin, time.Date(2026, 10, 24, 12, 0, 0, 0, berlin),
			[]string{"2026-10-25T02:30:00+02:00 Sun", "2026-10-26T02:30:00+01:00 Mon", "2026-10-27T02:30:00+01:00 Tue"}},
		{"berlin autumn daily from inside the repeat", "daily:02:30", berlin, time.Date(2026, 10, 25, 2, 10, 0, 0, berlin).Add(time.Hour),
			[]string{"2026-10-26T02:30:00+01:00 Mon"}},
		{"berlin autumn cron repeated", "cron:30 2 * * *", berlin, time.Date(2026, 10, 24, 12, 0, 0, 0, berlin),
			[]string{"2026-10-25T02:30:00+02:00 Sun", "2026-10-26T02:30:00+01:00 Mon"}},
		{"berlin autumn cron two times in the repeat", "cron:0,30 2 * * *", berlin, time.Date(2026, 10, 25, 0, 0, 0, 0, berlin),
			[]string{"2026-10-25T02:00:00+02:00 Sun", "2026-10-25T02:30:00+02:00 Sun", "2026-10-26T02:00:00+01:00 Mon"}},
		{"berlin autumn every 30 minutes by the clock", "cron:*/30 * * * *", berlin, time.Date(2026, 10, 25, 1, 45, 0, 0, berlin),
			[]string{"2026-10-25T02:00:00+02:00 Sun", "2026-10-25T02:30:00+02:00 Sun", "2026-10-25T02:00:00+01:00 Sun",
				"2026-10-25T02:30:00+01:00 Sun", "2026-10-25T03:00:00+01:00 Sun"}},
		{"berlin autumn hourly cron by the clock", "cron:15 * * * *", berlin, time.Date(2026, 10, 25, 1, 0, 0, 0, berlin),
			[]string{"2026-10-25T01:15:00+02:00 Sun", "2026-10-25T02:15:00+02:00 Sun", "2026-10-25T02:15:00+01:00 Sun", "2026-10-25T03:15:00+01:00 Sun"}},
		// New York, spring forward.
		{"new york spring daily in the gap", "daily:02:30", ny, time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			[]string{"2026-03-08T03:00:00-04:00 Sun", "2026-03-09T02:30:00-04:00 Mon"}},
		{"new york spring daily before", "daily:01:30", ny, time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			[]string{"2026-03-08T01:30:00-05:00 Sun", "2026-03-09T01:30:00-04:00 Mon"}},
		{"new york spring cron weekly in the gap", "cron:30 2 * * 0", ny, time.Date(2026, 3, 1, 12, 0, 0, 0, ny),
			[]string{"2026-03-08T03:00:00-04:00 Sun", "2026-03-15T02:30:00-04:00 Sun"}},
		{"new york spring cron range in the gap", "cron:0-59/20 2 * * *", ny, time.Date(2026, 3, 8, 0, 0, 0, 0, ny),
			[]string{"2026-03-08T03:00:00-04:00 Sun", "2026-03-09T02:00:00-04:00 Mon"}},
		// New York, fall back.
		{"new york autumn daily repeated", "daily:01:30", ny, time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			[]string{"2026-11-01T01:30:00-04:00 Sun", "2026-11-02T01:30:00-05:00 Mon"}},
		{"new york autumn daily from the second 01:10", "daily:01:30", ny, time.Date(2026, 11, 1, 6, 10, 0, 0, time.UTC).In(ny),
			[]string{"2026-11-02T01:30:00-05:00 Mon"}},
		{"new york autumn cron repeated", "cron:30 1 * * SUN", ny, time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			[]string{"2026-11-01T01:30:00-04:00 Sun", "2026-11-08T01:30:00-05:00 Sun"}},
		{"new york autumn every 20 minutes by the clock", "cron:*/20 * * * *", ny, time.Date(2026, 11, 1, 1, 30, 0, 0, ny),
			[]string{"2026-11-01T01:40:00-04:00 Sun", "2026-11-01T01:00:00-05:00 Sun", "2026-11-01T01:20:00-05:00 Sun",
				"2026-11-01T01:40:00-05:00 Sun", "2026-11-01T02:00:00-05:00 Sun"}},
		{"new york autumn daily at 02:00 is not repeated", "daily:02:00", ny, time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			[]string{"2026-11-01T02:00:00-05:00 Sun", "2026-11-02T02:00:00-05:00 Mon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := schedule.Parse(tt.spec, tt.after, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			got := times(s.NextN(len(tt.want), tt.after))
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("fires at %v\nwant     %v", got, tt.want)
			}
			// Whatever zone after is given in, the answer is the same.
			again := times(s.NextN(len(tt.want), tt.after.UTC()))
			if strings.Join(again, ", ") != strings.Join(got, ", ") {
				t.Errorf("from UTC: %v", again)
			}
		})
	}
}

// A year of daily and fixed cron fires in each zone: one fire a day,
// every day, never twice the same day, always at the wall time unless it
// fell in the gap.
func TestDaylightSavingYear(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe"} {
		loc := zone(t, name)
		for _, spec := range []string{"daily:02:30", "cron:30 2 * * *", "daily:01:30", "cron:15 1 * * *"} {
			s, err := schedule.Parse(spec, time.Time{}, loc)
			if err != nil {
				t.Fatal(err)
			}
			from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
			fires := s.NextN(365, from)
			if len(fires) != 365 {
				t.Fatalf("%s %s: %d fires in a year", name, spec, len(fires))
			}
			day := from.AddDate(0, 0, -1)
			for _, f := range fires {
				want := day.AddDate(0, 0, 1)
				if f.Year() != want.Year() || f.YearDay() != want.YearDay() {
					t.Fatalf("%s %s: fired %v, want a fire on %v", name, spec, f, want.Format(time.DateOnly))
				}
				day = want
				wall := f.Format("15:04")
				if wall == "02:30" || wall == "01:30" || wall == "01:15" {
					continue
				}
				// Not at its wall time: only right at the end of a gap.
				_, before := f.Add(-time.Second).Zone()
				if _, at := f.Zone(); at <= before {
					t.Errorf("%s %s: fired at %v, neither its wall time nor the end of a gap", name, spec, f)
				}
			}
		}
	}
}

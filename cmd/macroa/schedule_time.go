package main

import (
	"fmt"
	"time"
)

// The scheduler's times are printed in the machine's local zone with the
// zone's abbreviation, so a task planned in another zone (TZ=Europe/Berlin
// ...) is not read as that zone's time.

// whenAt is a fire time to the minute with its zone: "2026-12-03 06:30 UTC".
func whenAt(t time.Time) string { return t.Local().Format("2006-01-02 15:04 MST") }

// whenShort is a fire time with its zone, the date only when it is not
// today: "06:30 UTC", "2026-12-03 06:30 UTC".
func whenShort(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if sameDay(t, now) {
		return t.Format("15:04 MST")
	}
	return t.Format("2006-01-02 15:04 MST")
}

// startedClock is when a run started, to the second with its zone, the
// date only when it is not today: "13:05:09 UTC".
func startedClock(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if sameDay(t, now) {
		return t.Format("15:04:05 MST")
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// pastStamp is when something happened, to the second with its zone,
// and how long ago: "2026-12-02 13:05:09 UTC (2h ago)".
func pastStamp(t, now time.Time) string {
	return t.Local().Format("2006-01-02 15:04:05 MST") + " (" + span(now.Sub(t)) + " ago)"
}

func sameDay(a, b time.Time) bool { return a.Year() == b.Year() && a.YearDay() == b.YearDay() }

// whenStamp is a time with how far ahead (or ago) it is: "2026-12-03
// 06:30 UTC (in 17h58m)".
func whenStamp(t, now time.Time) string {
	if d := now.Sub(t); d >= 0 {
		return whenAt(t) + " (" + span(d) + " ago)"
	}
	return whenAt(t) + " (in " + countdown(t.Sub(now)) + ")"
}

// countdown is how long until a time, rounded up to the unit shown: a
// task added "in 10 minutes" reads "10m", one every 6 hours "6h", never
// "9m" or "5h59m" because a few milliseconds went by since it was planned.
func countdown(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(ceilTo(d, time.Second)/time.Second))
	case d < time.Hour:
		if m := ceilTo(d, time.Minute); m < time.Hour {
			return fmt.Sprintf("%dm", int(m/time.Minute))
		}
		return "1h"
	case d < 24*time.Hour:
		m := ceilTo(d, time.Minute)
		if m >= 24*time.Hour {
			return "1d"
		}
		h, rest := int(m/time.Hour), int(m%time.Hour/time.Minute)
		if rest == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%02dm", h, rest)
	}
	h := ceilTo(d, time.Hour)
	days, rest := int(h/(24*time.Hour)), int(h%(24*time.Hour)/time.Hour)
	if rest == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, rest)
}

func ceilTo(d, unit time.Duration) time.Duration {
	if r := d % unit; r != 0 {
		return d - r + unit
	}
	return d
}

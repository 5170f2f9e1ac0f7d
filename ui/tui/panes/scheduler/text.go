package scheduler

import (
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit"
)

// firstLine is the first non-blank line of untrusted text, cleaned.
func firstLine(s string) string {
	for _, l := range strings.Split(termsafe.Clean(s), "\n") {
		if l = kit.OneLine(l); strings.TrimSpace(l) != "" {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// countdown is how long until t, to the second, rounded up so it reads
// "1s" until the moment comes: "12s", "4m 12s", "3h 05m", "2d 4h".
func countdown(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return strconv.FormatInt(s/60, 10) + "m " + pad2(s%60) + "s"
	case s < 86400:
		return strconv.FormatInt(s/3600, 10) + "h " + pad2(s%3600/60) + "m"
	}
	return strconv.FormatInt(s/86400, 10) + "d " + strconv.FormatInt(s%86400/3600, 10) + "h"
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// nextText is a task's next run as a row shows it: "in 4m 12s",
// "due now", "paused", "done".
func nextText(t *store.Task, now time.Time) string {
	switch {
	case t.Paused:
		return "paused"
	case t.Done():
		return "done"
	case !t.NextRunAt.After(now):
		return "due now"
	}
	return "in " + countdown(t.NextRunAt.Sub(now))
}

// span is a duration coarsely, for ages and run times: "850ms", "12s",
// "5m", "3h", "2d".
func span(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// stamp is a time in the clock's zone: "15:04:05" today, else
// "Jan 02 15:04".
func stamp(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 02 15:04")
}

// fireTime is a preview's fire time in the person's zone with how far
// off it is: "Wed Dec 02 13:00:00 (in 4m 12s)".
func fireTime(now, t time.Time) string {
	s := t.In(now.Location()).Format("Mon Jan 02 15:04:05 MST")
	if d := t.Sub(now); d > 0 {
		s += " (in " + countdown(d) + ")"
	}
	return s
}

// lastWord is a task's last outcome as a word: "never" before its first
// run; short is for a narrow last column ("ok", "intr.").
func lastWord(t *store.Task, short bool) string {
	if t.LastState == "" {
		return "never"
	}
	if w, ok := shortStates[t.LastState]; ok && short {
		return w
	}
	return string(t.LastState)
}

// shortStates are the run states' words in a narrow last column ("failed"
// fits as it is).
var shortStates = map[store.TaskRunState]string{store.RunSucceeded: "ok", store.RunInterrupted: "intr.",
	store.RunSkipped: "skip", store.RunWaiting: "wait", store.RunRunning: "run…"}

// missedWords says what a task does with runs it missed.
func missedWords(t *store.Task) string {
	switch t.Missed {
	case store.MissedSkip:
		return "skip: runs missed while no process ran the scheduler are not made up"
	case store.MissedAll:
		return "all: each missed run is made up, oldest first, at most " + strconv.Itoa(t.MissedCap)
	}
	return "once: runs missed while no process ran the scheduler are made up by one run"
}

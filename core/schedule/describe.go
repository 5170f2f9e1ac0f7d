package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var weekdays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// Describe says when the spec fires, in words: "every Monday at 09:00",
// "every 5 seconds", "once on 2026-12-02 at 17:30". The zone is named
// when it is not the one the spec was parsed for.
func (s Spec) Describe() string {
	var d string
	switch s.kind {
	case Once:
		t := time.Unix(s.at, 0).In(s.Location())
		layout := "once on 2006-01-02 at 15:04"
		if t.Second() != 0 {
			layout += ":05"
		}
		d = t.Format(layout)
	case Every:
		return "every " + interval(s.every)
	case Daily:
		d = fmt.Sprintf("every day at %02d:%02d", s.hour, s.min)
	case Cron:
		d = describeCron(s.expr)
	default:
		return "never"
	}
	if s.shown {
		d += " (" + s.zone + ")"
	}
	return d
}

func interval(n int64) string {
	for _, u := range []struct {
		secs int64
		name string
	}{{7 * 86400, "week"}, {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}} {
		if n%u.secs == 0 {
			if n == u.secs {
				return u.name
			}
			return strconv.FormatInt(n/u.secs, 10) + " " + u.name + "s"
		}
	}
	return strconv.FormatInt(n, 10) + " seconds"
}

// describeCron words the common shapes and quotes the rest.
func describeCron(expr string) string {
	f := strings.Fields(expr)
	m, errM := strconv.Atoi(f[0])
	h, errH := strconv.Atoi(f[1])
	if f[2] == "*" && f[3] == "*" {
		if errM == nil && errH == nil {
			at := fmt.Sprintf(" at %02d:%02d", h, m)
			if days := describeDays(f[4]); days != "" {
				return "every " + days + at
			}
		}
		if step, ok := strings.CutPrefix(f[0], "*/"); ok && f[1] == "*" && f[4] == "*" {
			n, _ := strconv.Atoi(step)
			return "every " + interval(int64(n)*60)
		}
		if errM == nil && f[1] == "*" && f[4] == "*" {
			return fmt.Sprintf("every hour at minute %02d", m)
		}
	}
	return "on the cron schedule " + expr
}

func describeDays(field string) string {
	switch field {
	case "*":
		return "day"
	case "1-5", "MON-FRI":
		return "weekday"
	case "0,6", "6,0", "SAT,SUN", "SUN,SAT":
		return "Saturday and Sunday"
	}
	if a, b, ok := strings.Cut(field, "-"); ok {
		i, j := dayIndex(a), dayIndex(b)
		if i < 0 || j < 0 {
			return ""
		}
		return weekdays[i] + " to " + weekdays[j]
	}
	var names []string
	for _, item := range strings.Split(field, ",") {
		i := dayIndex(item)
		if i < 0 {
			return ""
		}
		names = append(names, weekdays[i])
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func dayIndex(item string) int {
	if n, err := strconv.Atoi(item); err == nil && n >= 0 && n <= 7 {
		return n % 7
	}
	for i, w := range weekdays {
		if strings.EqualFold(item, w[:3]) {
			return i
		}
	}
	return -1
}

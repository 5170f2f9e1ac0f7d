package hosts

import (
	"math"
	"strconv"
	"time"
)

// percent is a share in whole percent, "–" when not measured.
func percent(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.Itoa(int(math.Round(v))) + "%"
}

// loadText is a load average with two decimals (one from 10, none from
// 100), "–" when not measured.
func loadText(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// ago is how long ago t was, as the CLI says it: "12s ago", "5m ago",
// "3h05m ago", "2d4h ago"; "never" when zero.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := max(0, now.Sub(t))
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m ago"
	case d < 24*time.Hour:
		m := int(d % time.Hour / time.Minute)
		pad := ""
		if m < 10 {
			pad = "0"
		}
		return strconv.Itoa(int(d/time.Hour)) + "h" + pad + strconv.Itoa(m) + "m ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d" + strconv.Itoa(int(d%(24*time.Hour)/time.Hour)) + "h ago"
}

// clock is a time of day in the clock's zone, "15:04" today, else
// "Jan 02 15:04".
func clock(now, t time.Time) string {
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04")
	}
	return t.Format("Jan 02 15:04")
}

// duration is an uptime or an age in two units: "3d 4h", "2h 05m",
// "12m", "40s".
func duration(d time.Duration) string {
	s := int64(max(0, d) / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return strconv.FormatInt(s/60, 10) + "m"
	case s < 86400:
		m := s % 3600 / 60
		pad := ""
		if m < 10 {
			pad = "0"
		}
		return strconv.FormatInt(s/3600, 10) + "h " + pad + strconv.FormatInt(m, 10) + "m"
	}
	return strconv.FormatInt(s/86400, 10) + "d " + strconv.FormatInt(s%86400/3600, 10) + "h"
}

// bytes is a size in binary units: "512 B", "1.5 KiB", "7.7 GiB".
func bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + " B"
	}
	v, i := float64(n), 0
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	prec := 1
	if v >= 100 {
		prec = 0
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + " " + "KMGTPE"[i-1:i] + "iB"
}

// offset is a clock offset with its sign: "+0.3 s", "-12 s".
func offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	if d < 10*time.Second {
		return sign + strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	return sign + strconv.FormatInt(int64(d/time.Second), 10) + " s"
}

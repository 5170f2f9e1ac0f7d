package schedule

import (
	"strconv"
	"strings"
	"time"
)

// parseNatural reads the forms people type, relative to now in s.loc.
func (s *Spec) parseNatural(orig, text string, now time.Time) error {
	words := strings.Fields(strings.ToLower(text))
	now = now.In(s.loc)
	switch words[0] {
	case "in":
		d, err := duration(orig, words[1:], true)
		if err != nil {
			return err
		}
		s.kind, s.at = Once, now.Add(d).Unix()
		return nil
	case "at", "tomorrow":
		rest := words[1:]
		tomorrow := words[0] == "tomorrow"
		if tomorrow && len(rest) > 0 && rest[0] == "at" {
			rest = rest[1:]
		}
		h, m, err := clock(orig, rest)
		if err != nil {
			return err
		}
		day := time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, time.UTC)
		if tomorrow {
			day = day.AddDate(0, 0, 1)
		}
		at := resolve(day, s.loc)
		if !tomorrow && !at.After(now) {
			at = resolve(day.AddDate(0, 0, 1), s.loc)
		}
		s.kind, s.at = Once, at.Unix()
		return nil
	case "every":
		return s.parseEveryWords(orig, words[1:], now)
	}
	return refuse(orig, "%q is not a schedule", text)
}

func (s *Spec) parseEveryWords(orig string, words []string, now time.Time) error {
	if len(words) == 0 {
		return refuse(orig, "every what (say every 15 minutes or every day at 7:30)")
	}
	if len(words) >= 2 && words[1] == "at" || len(words) == 1 && dayWord(words[0]) != "" {
		days := dayWord(words[0])
		if days == "" {
			return refuse(orig, "%q is not a day (say day, weekday or a weekday's name)", words[0])
		}
		if len(words) < 3 {
			return refuse(orig, "every %s needs a time, as in every %s at 9", words[0], words[0])
		}
		h, m, err := clock(orig, words[2:])
		if err != nil {
			return err
		}
		if days == "*" {
			return s.parseDaily(orig, strconv.Itoa(100 + h)[1:]+":"+strconv.Itoa(100 + m)[1:])
		}
		return s.parseCron(orig, strconv.Itoa(m)+" "+strconv.Itoa(h)+" * * "+days, now)
	}
	d, err := duration(orig, words, false)
	if err != nil {
		return err
	}
	s.kind, s.every = Every, int64(d/time.Second)
	return nil
}

// dayWord returns the cron day-of-week field for a word after "every".
func dayWord(w string) string {
	switch w {
	case "day":
		return "*"
	case "weekday", "weekdays":
		return "1-5"
	case "weekend", "weekends":
		return "0,6"
	}
	w = strings.TrimSuffix(w, "s")
	for i, name := range [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		if w == name || w == name[:3] {
			return strconv.Itoa(i)
		}
	}
	return ""
}

// duration reads "10 minutes", "an hour", "2h", "1 day"; without
// needNumber, "minute" alone is one minute ("every minute").
func duration(orig string, words []string, needNumber bool) (time.Duration, error) {
	text := strings.Join(words, "")
	if text == "" {
		return 0, refuse(orig, "a number and a unit are missing (say in 10 minutes)")
	}
	i := 0
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	num, unitText := text[:i], text[i:]
	if strings.HasPrefix(unitText, ".") || strings.HasPrefix(unitText, ",") {
		return 0, refuse(orig, "%q is not a whole number: say 90 minutes rather than one and a half hours", num+unitText[:1]+"…")
	}
	n := int64(1)
	switch {
	case num != "":
		if len(num) > 9 {
			return 0, refuse(orig, "%s is too many", num)
		}
		n, _ = strconv.ParseInt(num, 10, 64)
	case strings.HasPrefix(unitText, "an"):
		unitText = unitText[2:]
	case strings.HasPrefix(unitText, "a"):
		unitText = unitText[1:]
	case needNumber:
		return 0, refuse(orig, "%q needs a number first, as in 10 minutes", unitText)
	}
	if unitText == "" {
		return 0, refuse(orig, "a number needs a unit: seconds, minutes, hours, days or weeks")
	}
	var unit time.Duration
	switch strings.TrimSuffix(unitText, "s") {
	case "", "sec", "second":
		unit = time.Second
	case "m", "min", "minute":
		unit = time.Minute
	case "h", "hr", "hour":
		unit = time.Hour
	case "d", "day":
		unit = 24 * time.Hour
	case "w", "week":
		unit = 7 * 24 * time.Hour
	default:
		return 0, refuse(orig, "%q is not a unit (seconds, minutes, hours, days or weeks)", unitText)
	}
	if n <= 0 {
		return 0, refuse(orig, "the interval must be more than zero")
	}
	if n*int64(unit/time.Second) > MaxEvery {
		return 0, refuse(orig, "%d %s is more than a year", n, unitText)
	}
	return time.Duration(n) * unit, nil
}

// clock reads "9", "9am", "9 pm", "09:15", "17:30", "9:15pm", "noon",
// "midnight" into an hour and minute.
func clock(orig string, words []string) (h, m int, err error) {
	text := strings.ReplaceAll(strings.Join(words, ""), ".", "")
	switch text {
	case "noon":
		return 12, 0, nil
	case "midnight":
		return 0, 0, nil
	case "":
		return 0, 0, refuse(orig, "a time is missing (say 9, 9am or 17:30)")
	}
	bad := refuse(orig, "%q is not a time (say 9, 9am, 9:15pm or 17:30)", strings.Join(words, " "))
	suffix := ""
	for _, sfx := range []string{"am", "pm"} {
		if t, ok := strings.CutSuffix(text, sfx); ok {
			text, suffix = t, sfx
		}
	}
	hText, mText, hasMin := strings.Cut(text, ":")
	if !digits(hText) || len(hText) > 2 || hasMin && (len(mText) != 2 || !digits(mText)) {
		return 0, 0, bad
	}
	h, _ = strconv.Atoi(hText)
	if hasMin {
		m, _ = strconv.Atoi(mText)
	}
	if m > 59 {
		return 0, 0, refuse(orig, "minute %d is out of range 00-59", m)
	}
	if suffix != "" {
		if h < 1 || h > 12 {
			return 0, 0, refuse(orig, "hour %d%s is out of range 1-12", h, suffix)
		}
		h %= 12
		if suffix == "pm" {
			h += 12
		}
	}
	if h > 23 {
		return 0, 0, refuse(orig, "hour %d is out of range 00-23", h)
	}
	return h, m, nil
}

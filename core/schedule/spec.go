package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the machine form of a spec.
type Kind int

// The machine forms.
const (
	Once Kind = iota + 1
	Every
	Daily
	Cron
)

// MaxEvery is the longest every: interval, in seconds (a year).
const MaxEvery = 365 * 24 * 60 * 60

// MaxOnceAhead is how far ahead a new once: may be, in seconds (100 years):
// further is a mistake, and past what a time.Duration can count down.
const MaxOnceAhead = 100 * MaxEvery

// Forms lists the accepted forms, for error messages and help texts.
var Forms = []string{
	"once:<epoch seconds>",
	"every:<seconds>",
	"daily:HH:MM",
	"cron:<minute hour day-of-month month day-of-week>",
	"an optional TZ=<zone> prefix, e.g. TZ=Europe/Berlin daily:07:30",
	"in 10 minutes",
	"at 17:30",
	"tomorrow 9am",
	"every 15 minutes",
	"every day at 7:30",
	"every monday at 9",
	"every weekday at 8",
}

// Error is a spec that was refused: Reason says what is wrong in one
// sentence, Error adds the accepted forms.
type Error struct {
	Spec   string
	Reason string
}

func (e *Error) Error() string {
	return e.Reason + ". Accepted forms: " + strings.Join(Forms, "; ")
}

func refuse(spec, format string, args ...any) error {
	return &Error{Spec: spec, Reason: fmt.Sprintf(format, args...)}
}

// Spec is a parsed schedule. The zero Spec never fires.
type Spec struct {
	kind  Kind
	at    int64 // once: Unix seconds
	every int64 // every: seconds
	hour  int   // daily:
	min   int   // daily:
	expr  string
	// gronx is the expression handed to gronx; fixed says its minute and
	// hour fields are fixed, so the daylight-saving rule applies.
	gronx string
	fixed bool
	loc   *time.Location
	// zone is the IANA name written as TZ= (empty when loc has none);
	// shown says Describe names it (it differs from the caller's zone).
	zone  string
	shown bool
}

// Parse reads text, a machine form or a form people type, relative to now
// in the zone loc (used unless text starts with TZ=<zone>). A once: in the
// past is refused: use ParseStored to read back a stored spec.
func Parse(text string, now time.Time, loc *time.Location) (Spec, error) {
	return parse(text, now, loc, true)
}

// ParseStored reads back a machine form as String wrote it: the forms
// people type are refused and a once: in the past is kept (its Next
// reports false).
func ParseStored(text string, loc *time.Location) (Spec, error) {
	return parse(text, time.Time{}, loc, false)
}

func parse(text string, now time.Time, loc *time.Location, fresh bool) (Spec, error) {
	if loc == nil {
		loc = time.UTC
	}
	orig := text
	text = strings.TrimSpace(text)
	if text == "" {
		return Spec{}, refuse(orig, "the schedule is empty")
	}
	s := Spec{loc: loc, zone: ianaName(loc)}
	if rest, ok := strings.CutPrefix(text, "TZ="); ok {
		name, after, _ := strings.Cut(rest, " ")
		z, err := loadZone(name)
		if err != nil {
			return Spec{}, refuse(orig, "unknown time zone %q", name)
		}
		s.shown = z.String() != loc.String()
		s.loc, s.zone = z, name
		text = strings.TrimSpace(after)
		if text == "" {
			return Spec{}, refuse(orig, "nothing follows the time zone")
		}
	}
	var err error
	switch {
	case strings.HasPrefix(text, "once:"):
		err = s.parseOnce(orig, text[len("once:"):], now, fresh)
	case strings.HasPrefix(text, "every:"):
		err = s.parseEvery(orig, text[len("every:"):])
	case strings.HasPrefix(text, "daily:"):
		err = s.parseDaily(orig, text[len("daily:"):])
	case strings.HasPrefix(text, "cron:"):
		err = s.parseCron(orig, text[len("cron:"):], now)
	default:
		if !fresh {
			return Spec{}, refuse(orig, "%q is not a stored schedule form", text)
		}
		err = s.parseNatural(orig, text, now)
	}
	if err != nil {
		return Spec{}, err
	}
	return s, nil
}

// loadZone loads an IANA zone, refusing names LoadLocation would read as
// paths or as the machine's zone.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return nil, fmt.Errorf("bad zone %q", name)
	}
	return time.LoadLocation(name)
}

// ianaName is loc's name when it can be written as TZ= and read back.
func ianaName(loc *time.Location) string {
	name := loc.String()
	if name == "UTC" {
		return name
	}
	if _, err := loadZone(name); err != nil {
		return ""
	}
	return name
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Spec) parseOnce(orig, v string, now time.Time, fresh bool) error {
	if !digits(v) || len(v) > 12 {
		return refuse(orig, "once: takes a whole number of seconds since 1970, not %q", v)
	}
	at, _ := strconv.ParseInt(v, 10, 64)
	if fresh && at < now.Unix() {
		return refuse(orig, "once:%d is in the past (%s)", at, time.Unix(at, 0).In(s.loc).Format("2006-01-02 15:04:05 MST"))
	}
	if fresh && at > now.Unix()+MaxOnceAhead {
		return refuse(orig, "once:%d is more than 100 years ahead (%s)", at, time.Unix(at, 0).In(s.loc).Format("2006-01-02"))
	}
	s.kind, s.at = Once, at
	return nil
}

func (s *Spec) parseEvery(orig, v string) error {
	if strings.HasPrefix(v, "-") {
		return refuse(orig, "every: takes a positive number of seconds, not %s", v)
	}
	if !digits(v) {
		return refuse(orig, "every: takes a whole number of seconds, not %q", v)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > MaxEvery {
		return refuse(orig, "every:%s is longer than a year (%d seconds)", v, MaxEvery)
	}
	if n <= 0 {
		return refuse(orig, "every: takes a positive number of seconds, not %d", n)
	}
	s.kind, s.every = Every, n
	return nil
}

func (s *Spec) parseDaily(orig, v string) error {
	if len(v) != 5 || v[2] != ':' || !digits(v[:2]) || !digits(v[3:]) {
		return refuse(orig, "daily: takes HH:MM with a two-digit hour and minute, not %q", v)
	}
	h, _ := strconv.Atoi(v[:2])
	m, _ := strconv.Atoi(v[3:])
	if h > 23 {
		return refuse(orig, "hour %d is out of range 00-23", h)
	}
	if m > 59 {
		return refuse(orig, "minute %d is out of range 00-59", m)
	}
	s.kind, s.hour, s.min = Daily, h, m
	return nil
}

// String returns the machine form to store: TZ=<zone> before daily: and
// cron: when the zone has an IANA name.
func (s Spec) String() string {
	var body string
	switch s.kind {
	case Once:
		return "once:" + strconv.FormatInt(s.at, 10)
	case Every:
		return "every:" + strconv.FormatInt(s.every, 10)
	case Daily:
		body = fmt.Sprintf("daily:%02d:%02d", s.hour, s.min)
	case Cron:
		body = "cron:" + s.expr
	default:
		return ""
	}
	if s.zone != "" {
		return "TZ=" + s.zone + " " + body
	}
	return body
}

// Kind returns the machine form.
func (s Spec) Kind() Kind { return s.kind }

// Location returns the zone the spec's wall times are read in.
func (s Spec) Location() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// Next returns the first fire time strictly after after (for every:, after
// is the previous run or the time the task was made). It is false when
// there is none: a once: that has passed, or the zero Spec.
func (s Spec) Next(after time.Time) (time.Time, bool) {
	loc := s.Location()
	switch s.kind {
	case Once:
		t := time.Unix(s.at, 0).In(loc)
		return t, t.After(after)
	case Every:
		return after.Add(time.Duration(s.every) * time.Second).In(loc), true
	case Daily:
		return nextWall(after.In(loc), true, func(w time.Time) (time.Time, bool) {
			d := time.Date(w.Year(), w.Month(), w.Day(), s.hour, s.min, 0, 0, time.UTC)
			if !d.After(w) {
				d = d.AddDate(0, 0, 1)
			}
			return d, true
		})
	case Cron:
		return s.nextCron(after)
	}
	return time.Time{}, false
}

// NextN returns up to n fire times after after, in order.
func (s Spec) NextN(n int, after time.Time) []time.Time {
	var out []time.Time
	for len(out) < n {
		t, ok := s.Next(after)
		if !ok {
			break
		}
		out = append(out, t)
		after = t
	}
	return out
}

package schedule

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/adhocore/gronx"
)

type cronField struct {
	name   string
	lo, hi int
	names  string // three-letter names, in order from lo (day of week from 0)
}

var cronFields = [5]cronField{
	{"minute", 0, 59, ""},
	{"hour", 0, 23, ""},
	{"day of month", 1, 31, ""},
	{"month", 1, 12, "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"},
	{"day of week", 0, 7, "SUNMONTUEWEDTHUFRISAT"},
}

// parseCron checks the five fields itself (gronx accepts more than cron
// and says less), then hands gronx an expression of plain numbers.
func (s *Spec) parseCron(orig, v string, now time.Time) error {
	fields := strings.Fields(v)
	if len(fields) != 5 {
		return refuse(orig, "cron: takes exactly 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	canon := make([]string, 5)
	plain := make([]string, 5)
	for i, f := range fields {
		c, p, err := cronFields[i].parse(orig, f)
		if err != nil {
			return err
		}
		canon[i], plain[i] = c, p
	}
	s.kind = Cron
	s.expr = strings.Join(canon, " ")
	s.gronx = strings.Join(plain, " ")
	s.fixed = !strings.HasPrefix(canon[0], "*") && !strings.HasPrefix(canon[1], "*")
	ref := now
	if ref.IsZero() {
		ref = time.Unix(0, 0)
	}
	if _, err := gronx.NextTickAfter(s.gronx, naive(ref.In(s.Location())), false); err != nil {
		return refuse(orig, "cron:%s can never fire", s.expr)
	}
	return nil
}

// parse returns the field as stored (names upper-cased) and as handed to
// gronx: "*" and "*/n" as they are (gronx reads a leading "*" as cron
// does when it combines day of month and day of week), anything else as
// the sorted list of its values, day of week 7 as 0.
func (f cronField) parse(orig, text string) (canon, plain string, err error) {
	if strings.ContainsAny(text, "?#@") {
		return "", "", refuse(orig, "%s %q uses a cron extension that is not supported (?, L, W, #)", f.name, text)
	}
	canon = strings.ToUpper(text)
	if (f.name == "day of month" || f.name == "day of week") && strings.HasPrefix(canon, "*") && strings.Contains(canon, ",") {
		// Cron reads a day field that starts with * as "any day" when it
		// combines the two day fields, whatever the list adds: a trap.
		return "", "", refuse(orig, "%s %q starts a list with *, which cron reads as every day: write the days out", f.name, text)
	}
	set := map[int]bool{}
	for _, item := range strings.Split(canon, ",") {
		base, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			if !digits(stepText) {
				return "", "", refuse(orig, "%s step %q is not a number", f.name, stepText)
			}
			step, _ = strconv.Atoi(stepText)
			if step < 1 || step > f.hi {
				return "", "", refuse(orig, "%s step %d is out of range 1-%d", f.name, step, f.hi)
			}
		}
		lo, hi := f.lo, f.hi
		switch {
		case base == "*":
		case strings.Contains(base, "-"):
			a, b, _ := strings.Cut(base, "-")
			if lo, err = f.value(orig, a); err != nil {
				return "", "", err
			}
			if hi, err = f.value(orig, b); err != nil {
				return "", "", err
			}
			if lo > hi {
				return "", "", refuse(orig, "%s range %s runs backwards", f.name, base)
			}
		default:
			if hasStep {
				return "", "", refuse(orig, "%s step %q needs * or a range before the /", f.name, item)
			}
			if lo, err = f.value(orig, base); err != nil {
				return "", "", err
			}
			hi = lo
		}
		for v := lo; v <= hi; v += step {
			if f.name == "day of week" && v == 7 {
				v = 0
				set[v] = true
				break
			}
			set[v] = true
		}
	}
	if strings.HasPrefix(canon, "*") && !strings.Contains(canon, ",") {
		return canon, canon, nil
	}
	vals := make([]int, 0, len(set))
	for v := range set {
		vals = append(vals, v)
	}
	sort.Ints(vals)
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = strconv.Itoa(v)
	}
	return canon, strings.Join(parts, ","), nil
}

func (f cronField) value(orig, text string) (int, error) {
	if digits(text) {
		n, err := strconv.Atoi(text)
		if err != nil || n < f.lo || n > f.hi {
			return 0, refuse(orig, "%s %s is out of range %d-%d", f.name, text, f.lo, f.hi)
		}
		return n, nil
	}
	if f.names != "" && len(text) == 3 {
		if i := strings.Index(f.names, text); i >= 0 && i%3 == 0 {
			base := f.lo
			if f.name == "day of week" {
				base = 0
			}
			return base + i/3, nil
		}
	}
	if text == "" {
		return 0, refuse(orig, "%s has an empty value", f.name)
	}
	return 0, refuse(orig, "%s %q is not a number or a name", f.name, text)
}

func (s Spec) nextCron(after time.Time) (time.Time, bool) {
	expr := s.gronx
	return nextWall(after.In(s.Location()), s.fixed, func(w time.Time) (time.Time, bool) {
		t, err := gronx.NextTickAfter(expr, w, false)
		if err != nil || !t.After(w) {
			return w, false
		}
		return t, true
	})
}

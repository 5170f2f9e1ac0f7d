package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// parseValue parses raw for setting s. It returns a reason when raw is not
// acceptable; it never panics.
func parseValue(s *setting, raw, baseDir, userHome string) (value, string) {
	raw = strings.TrimSpace(raw)
	if s.normalize != nil {
		raw = s.normalize(raw)
	}
	for _, r := range raw {
		if unicode.IsControl(r) {
			return value{}, "contains a control character"
		}
	}
	var v value
	switch s.Kind {
	case KindString:
		if raw == "" {
			return v, "must not be empty"
		}
		v.s = raw
	case KindInt:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return v, "is out of range"
			}
			return v, "must be a whole number"
		}
		if r := s.checkBounds(float64(n)); r != "" {
			return v, r
		}
		v.i = n
	case KindFloat:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return v, "must be a number"
		}
		if r := s.checkBounds(f); r != "" {
			return v, r
		}
		v.f = f
	case KindDuration:
		d, err := parseDuration(raw)
		if err != nil {
			return v, err.Error()
		}
		v.d = d
	case KindURL:
		if err := checkHTTPURL(raw); err != nil {
			return v, "must be an http:// or https:// URL, like http://127.0.0.1:11434/v1"
		}
		v.s = raw
	case KindPath:
		p, reason := resolvePath(raw, baseDir, userHome)
		if reason != "" {
			return v, reason
		}
		v.s = p
	case KindBool:
		switch strings.ToLower(raw) {
		case "1", "true", "yes", "on":
			v.b = true
		case "0", "false", "no", "off":
			v.b = false
		default:
			return v, "must be true or false"
		}
	default:
		return v, "has an unknown kind"
	}
	return v, ""
}

func (s *setting) checkBounds(x float64) string {
	switch {
	case s.hasMin && s.hasMax && (x < s.min || x > s.max):
		return fmt.Sprintf("must be between %s and %s", ftoa(s.min), ftoa(s.max))
	case s.hasMin && x < s.min:
		return fmt.Sprintf("must be at least %s", ftoa(s.min))
	case s.hasMax && x > s.max:
		return fmt.Sprintf("must be at most %s", ftoa(s.max))
	}
	return ""
}

// parseDuration reads "30" or "2.5" (seconds) or a Go duration ("2s",
// "1m30s"); the result must be greater than zero.
func parseDuration(raw string) (time.Duration, error) {
	raw = strings.TrimSpace(raw)
	var d time.Duration
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("must be a number of seconds or a duration like 30s or 2m")
		}
		if f*float64(time.Second) > math.MaxInt64 {
			return 0, fmt.Errorf("is too long")
		}
		d = time.Duration(f * float64(time.Second))
	} else {
		var perr error
		d, perr = time.ParseDuration(raw)
		if perr != nil {
			return 0, fmt.Errorf("must be a number of seconds or a duration like 30s or 2m")
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be greater than zero")
	}
	return d, nil
}

func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Autonomy is how much the autonomy loop may do without a person.
type Autonomy string

const (
	AutonomyObserve  Autonomy = "observe"   // nothing runs
	AutonomySuggest  Autonomy = "suggest"   // everything waits for approval
	AutonomyAutoSafe Autonomy = "auto-safe" // low-risk actions run, the rest waits
	AutonomyAutoFull Autonomy = "auto-full" // all but protected targets and denied commands run
)

// AutonomyLevels lists the levels from least to most autonomous.
var AutonomyLevels = []Autonomy{AutonomyObserve, AutonomySuggest, AutonomyAutoSafe, AutonomyAutoFull}

// UnmarshalText accepts exactly one of AutonomyLevels.
func (a *Autonomy) UnmarshalText(b []byte) error {
	s := string(b)
	for _, l := range AutonomyLevels {
		if s == string(l) {
			*a = l
			return nil
		}
	}
	names := make([]string, len(AutonomyLevels))
	for i, l := range AutonomyLevels {
		names[i] = string(l)
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}

// HTTPURL is an absolute http:// or https:// URL.
type HTTPURL string

// UnmarshalText accepts only absolute http(s) URLs.
func (u *HTTPURL) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if err := checkHTTPURL(s); err != nil {
		return err
	}
	*u = HTTPURL(s)
	return nil
}

func checkHTTPURL(s string) error {
	p, err := url.Parse(s)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL (like http://127.0.0.1:11434/v1)", MaskURL(s))
	}
	return nil
}

// Duration is a positive length of time, written "60s", "2m" or a number of
// seconds.
type Duration time.Duration

// UnmarshalText accepts a Go duration or a number of seconds; it must be > 0.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// Secret is a string that never prints itself: fmt shows it masked.
type Secret string

// String returns the masked secret, so logging a Provider does not leak it.
func (s Secret) String() string { return Mask(string(s)) }

// GoString returns the masked secret for %#v.
func (s Secret) GoString() string { return strconv.Quote(Mask(string(s))) }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// UnmarshalText stores the secret as written.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}

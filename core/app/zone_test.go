package app

import (
	"testing"
	"time"
)

func TestLocalZone(t *testing.T) {
	cases := []struct {
		env  []string
		want string
	}{
		{[]string{"TZ=Europe/Berlin"}, "Europe/Berlin"},
		{[]string{"TZ=:America/New_York"}, "America/New_York"},
		{[]string{"TZ=../../etc/passwd"}, ""},
		{[]string{"TZ=/etc/localtime"}, ""},
		{[]string{"TZ=Not/AZone"}, ""},
	}
	for _, c := range cases {
		got := localZone(c.env)
		if c.want == "" {
			// A refused name falls back to the zone the rest of the
			// program reads times in.
			if got != time.Local {
				t.Errorf("localZone(%v) = %s, want time.Local", c.env, got)
			}
			continue
		}
		if got.String() != c.want {
			t.Errorf("localZone(%v) = %s, want %s", c.env, got, c.want)
		}
	}
}

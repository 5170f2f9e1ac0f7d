package app

import "testing"

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
			// A refused name falls back to the machine's own zone.
			if machine := localZone(nil); got.String() != machine.String() {
				t.Errorf("localZone(%v) = %s, want the machine's %s", c.env, got, machine)
			}
			continue
		}
		if got.String() != c.want {
			t.Errorf("localZone(%v) = %s, want %s", c.env, got, c.want)
		}
	}
}

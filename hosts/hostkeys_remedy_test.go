package hosts

import "testing"

func TestChangedKeyRemedy(t *testing.T) {
	cases := []struct {
		name, addr string
		at         []KnownKey
		want       string
	}{
		{"web1", "127.0.0.1:2201", []KnownKey{{"/home/u/.macroa/known_hosts", 3}},
			"The old key is at /home/u/.macroa/known_hosts:3. If the change is expected, remove it: ssh-keygen -R '[127.0.0.1]:2201' -f /home/u/.macroa/known_hosts, then: macroa hosts trust web1"},
		{"db1", "10.0.0.5:22", []KnownKey{{"/home/u/.ssh/known_hosts", 1}, {"/home/u/.ssh/known_hosts", 7}, {"/d/my keys", 2}},
			"The old key is at /home/u/.ssh/known_hosts:1, /home/u/.ssh/known_hosts:7, /d/my keys:2. If the change is expected, remove it: ssh-keygen -R 10.0.0.5 -f /home/u/.ssh/known_hosts and ssh-keygen -R 10.0.0.5 -f '/d/my keys', then: macroa hosts trust db1"},
		{"x", "h:22", nil,
			"If the change is expected, remove it (ssh-keygen -R h -f YOUR_KNOWN_HOSTS), then: macroa hosts trust x"},
		{"q", "h:22", []KnownKey{{"/it's", 1}},
			`The old key is at /it's:1. If the change is expected, remove it: ssh-keygen -R h -f '/it'\''s', then: macroa hosts trust q`},
	}
	for _, tc := range cases {
		if got := ChangedKeyRemedy(tc.name, tc.addr, tc.at); got != tc.want {
			t.Errorf("ChangedKeyRemedy(%q, %q, %v)\n got %s\nwant %s", tc.name, tc.addr, tc.at, got, tc.want)
		}
	}
}

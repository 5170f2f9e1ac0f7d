package config

import (
	"strings"
	"testing"
)

func TestMonitorAndAlertsSettings(t *testing.T) {
	cases := []struct {
		name, toml, wantErr string
	}{
		{"defaults", "", ""},
		{"all given", "[monitor]\ninterval = \"5s\"\n[alerts]\ndisk_percent = 80\nconsecutive = 3\nmargin = 0\n", ""},
		{"zero consecutive is not the default", "[alerts]\nconsecutive = 0\n", "alerts.consecutive"},
		{"zero percent is not the default", "[alerts]\ndisk_percent = 0\n", "alerts.disk_percent"},
		{"over 100", "[alerts]\ninodes_percent = 101\n", "alerts.inodes_percent"},
		{"zero load", "[alerts]\nload_per_core = 0\n", "alerts.load_per_core"},
		{"hot GPU", "[alerts]\ngpu_temp = 400\n", "alerts.gpu_temp"},
		{"margin 100", "[alerts]\nmargin = 100\n", "alerts.margin"},
		{"fast interval", "[monitor]\ninterval = \"100ms\"\n", "monitor.interval"},
		{"typo", "[alerts]\ndisk_pecent = 80\n", "did you mean"},
		{"bad sudo", "[[hosts]]\nname = \"a\"\naddress = \"a\"\nsudo = \"always\"\n", "never, sudo"},
		{"prometheus without url", "[[prometheus]]\nname = \"dc1\"\n", "prometheus[0].url"},
		{"sandbox mode", "sandbox = \"required\"\n", ""},
		{"bad sandbox mode", "sandbox = \"strict\"\n", "required, best-effort, off"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.toml(c.toml)
			if c.wantErr == "" {
				cfg := f.load()
				if cfg.File.Alerts.Consecutive < 1 || cfg.File.Monitor.Interval <= 0 {
					t.Errorf("defaults not applied: %+v %+v", cfg.File.Alerts, cfg.File.Monitor)
				}
				if wantZero := strings.Contains(c.toml, "margin = 0"); wantZero != (cfg.File.Alerts.Margin == 0) {
					t.Errorf("margin = %g; a margin = 0 the file writes must stay 0, none given must be the default", cfg.File.Alerts.Margin)
				}
				return
			}
			if err := f.loadErr(); !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error %q does not name %q", err, c.wantErr)
			}
		})
	}
}

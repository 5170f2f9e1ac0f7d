package main

import (
	"regexp"
	"testing"

	"github.com/macroa/macroa/sandbox/support"
)

// macroa config says which sandbox level this machine gives, the mode
// config.toml chose, and what a model's read-only commands get from both.
func TestConfigSaysSandboxLevel(t *testing.T) {
	level := support.Detect().Level()
	required := `sandbox\.unasked\s+confined \(full\)`
	if level != support.LevelFull {
		required = `sandbox\.unasked\s+ask first \(required; this kernel gives ` + string(level) + `\)`
	}
	cases := []struct {
		name, toml string
		want       []string
	}{
		{"default", "", []string{`sandbox\s+best-effort\s+default`, `sandbox\.kernel\s+(full|partial|none)\b.*this kernel`, `sandbox\.unasked\s+(confined|unconfined) \(`}},
		{"required", "sandbox = \"required\"\n", []string{`sandbox\s+required\s+~/.macroa/config.toml line 1`, required}},
		{"off", "sandbox = \"off\"\n", []string{`sandbox\s+off\s+`, `sandbox\.unasked\s+unconfined \(off\)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSandbox(t)
			if c.toml != "" {
				s.writeConfig(c.toml)
			}
			r := s.macroa("config")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for _, re := range c.want {
				if !regexp.MustCompile(`(?m)^` + re).MatchString(r.stdout) {
					t.Errorf("config output does not match %s:\n%s", re, r.stdout)
				}
			}
		})
	}
}

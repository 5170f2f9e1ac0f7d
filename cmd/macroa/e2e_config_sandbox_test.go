package main

import (
	"regexp"
	"testing"
)

// macroa config says which sandbox level this machine gives.
func TestConfigSaysSandboxLevel(t *testing.T) {
	s := newSandbox(t)
	r := s.macroa("config")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, re := range []string{`(?m)^sandbox\.kernel\s+(full|partial|none)\b.*this kernel`} {
		if !regexp.MustCompile(re).MatchString(r.stdout) {
			t.Errorf("config output does not match %s:\n%s", re, r.stdout)
		}
	}
}

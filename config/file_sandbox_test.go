package config

import (
	"slices"
	"testing"
)

func TestSecretPathsExpanded(t *testing.T) {
	f := newFixture(t)
	f.toml("[policy]\nsecret_paths = [\"~/work/private\", \"/srv/keys/\", \"~\"]\n")
	cfg := f.load()
	got := cfg.SecretPaths("/home/ann")
	want := []string{"/home/ann/work/private", "/srv/keys", "/home/ann"}
	if !slices.Equal(got, want) {
		t.Errorf("SecretPaths = %v, want %v", got, want)
	}
	var listed bool
	for _, s := range cfg.FileSettings() {
		switch s.Name {
		case "policy.secret_paths":
			listed = s.Value == "~/work/private, /srv/keys/, ~"
		case "sandbox":
			if s.Value != string(SandboxBestEffort) {
				t.Errorf("sandbox = %q, want the default best-effort", s.Value)
			}
		}
	}
	if !listed {
		t.Errorf("policy.secret_paths not listed as written: %+v", cfg.FileSettings())
	}
}

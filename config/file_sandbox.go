package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// SandboxMode is config.toml's `sandbox`: what happens to a command a
// model runs unasked when the kernel cannot confine it.
type SandboxMode string

const (
	SandboxRequired   SandboxMode = "required"    // it asks a person instead
	SandboxBestEffort SandboxMode = "best-effort" // it runs with what the kernel gives, said once
	SandboxOff        SandboxMode = "off"         // the person's explicit choice: no sandbox
)

// SandboxModes lists the modes, strictest first.
var SandboxModes = []SandboxMode{SandboxRequired, SandboxBestEffort, SandboxOff}

// UnmarshalText accepts exactly one of SandboxModes.
func (m *SandboxMode) UnmarshalText(b []byte) error {
	for _, v := range SandboxModes {
		if string(b) == string(v) {
			*m = v
			return nil
		}
	}
	return fmt.Errorf("%q is not one of required, best-effort, off", string(b))
}

// SecretPaths is [policy] secret_paths with "~/" expanded against home,
// cleaned; entries that are neither absolute nor under ~ are left out
// (validation refuses them).
func (c *Config) SecretPaths(home string) []string {
	var out []string
	for _, p := range c.File.Policy.SecretPaths {
		p = strings.TrimSpace(p)
		switch {
		case p == "~":
			p = home
		case strings.HasPrefix(p, "~/"):
			p = filepath.Join(home, p[2:])
		}
		if filepath.IsAbs(p) {
			out = append(out, filepath.Clean(p))
		}
	}
	return out
}

// secretPathProblem says what is wrong with one secret_paths entry.
func secretPathProblem(p string) string {
	p = strings.TrimSpace(p)
	if p == "~" || strings.HasPrefix(p, "~/") || filepath.IsAbs(p) {
		return ""
	}
	return fmt.Sprintf("%q must be an absolute path or start with ~/", p)
}

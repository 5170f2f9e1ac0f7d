package config

import "fmt"

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

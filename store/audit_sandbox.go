package store

// The sandbox levels an audit entry records for a command a model ran
// unasked (AuditEntry.Sandbox). The store keeps whatever it is given; these
// name the values the kernel writes so readers and tests agree on them.
const (
	SandboxFull    = "full"        // Landlock and seccomp both applied
	SandboxPartial = "partial"     // some of the confinement this kernel offers
	SandboxNone    = "none"        // the kernel offers no confinement
	SandboxOff     = "off"         // confinement switched off in the configuration
	SandboxSystemd = "systemd-run" // another host's confinement, through systemd-run
)

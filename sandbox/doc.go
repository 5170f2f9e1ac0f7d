// Package sandbox confines a command a model runs unasked, with what the
// kernel enforces rather than what a parser believed: Landlock for files
// (and, from its ABI 4, TCP), seccomp for what Landlock does not cover.
//
// A Box (box.go) starts such a command from an OS thread of this process
// that restricted itself first: the forked command inherits the thread's
// Landlock domain and seccomp filter, the rest of the process stays as it
// was, and the thread is never given back to the Go scheduler. The
// command gets a minimal environment and may read only the allow-list
// built from the files as they are (policy.go: system directories and
// $HOME entry by entry, less what secretpath names), write only to a
// private directory, and open no TCP connection (Landlock) and no UDP,
// raw or Unix socket; ptrace, mounts, namespaces and keyrings are refused
// (seccomp.go, generated per architecture). A second filter built at
// start (seccomp_extra.go) and dropped capabilities (caps.go) refuse what
// Landlock leaves to the process's own rights: file modes, owners and
// times, a listening port, TCP Fast Open, other processes' limits and
// priority, signals to this process, a session of its own. Each command gets a domain and a temporary directory of its
// own; the walked allow-list is kept, opened, while the walked directories
// are unchanged (rules_cache.go, ruleset.go), so a command's start costs
// about 2 ms more than an unconfined one. When the command ends, what it
// left running in its domain is killed (leftovers.go). What the kernel
// offers, and the level that gives, is in sandbox/support, which restricts
// nothing.
package sandbox

// Package sandbox confines a command a model runs unasked, with what the
// kernel enforces rather than what a parser believed: Landlock for files
// (and, from its ABI 4, TCP), seccomp for what Landlock does not cover.
//
// Command re-runs this binary as a child (MaybeChild, first thing in
// main) that restricts itself and then execs the command with a minimal
// environment: reads only from the allow-list built at spawn time
// (policy.go: system directories and $HOME entry by entry, less what
// secretpath names), writes only to a private directory, no TCP
// (Landlock), no UDP, raw or Unix sockets, ptrace, mounts or keyrings
// (seccomp.go). What the kernel offers, and the level it gives, is in
// sandbox/support, which restricts nothing and is cheap to import; this
// package's seccomp library builds tables when the program starts.
package sandbox

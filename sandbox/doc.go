// Package sandbox confines a command a model runs unasked, with what the
// kernel enforces rather than what a parser believed: Landlock for files
// (and, from its ABI 4, TCP), seccomp for what Landlock does not cover.
//
// Detect says once per process what this kernel offers; Level turns that
// into the word `macroa config` and the audit log show (full, partial,
// none), and Mode (from config.toml's `sandbox`) says what to do when the
// sandbox cannot be applied.
package sandbox

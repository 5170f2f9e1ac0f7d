package agent

import "sync/atomic"

// forcedOpen makes CheckShellIn judge every command that parses read-only,
// with none of its overrides: the hostile-model suites set it to show that
// the sandbox alone stops what a parser missed. Nothing outside tests sets
// it (forceopen_test.go checks).
var forcedOpen atomic.Bool

// ForceReadOnlyForTesting makes the shell policy judge every command that
// parses read-only until restore is called. For tests only: with it, a
// model's command is stopped by nothing but the sandbox.
func ForceReadOnlyForTesting() (restore func()) {
	forcedOpen.Store(true)
	return func() { forcedOpen.Store(false) }
}

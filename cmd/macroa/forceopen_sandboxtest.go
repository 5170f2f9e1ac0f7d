//go:build sandboxtest

package main

import (
	"os"

	"github.com/macroa/macroa/core/agent"
)

// A binary built with `-tags sandboxtest` opens the shell policy when
// MACROA_TEST_PARSER_OPEN=1: every command a model writes is judged
// read-only, so only the sandbox stands between it and the machine. For
// trying the sandbox by hand; `go build` without the tag leaves this out.
func init() {
	if os.Getenv("MACROA_TEST_PARSER_OPEN") == "1" {
		agent.ForceReadOnlyForTesting()
	}
}

package main

import "fmt"

// exitError carries the exit code a command should end with.
type exitError struct {
	code int
	msg  string // printed to stderr as "macroa: msg"; "" prints nothing
}

func (e *exitError) Error() string { return e.msg }

// usageErr is a mistake in how the command was called: exit 2.
func usageErr(format string, a ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, a...)}
}

// failErr is a command that ran and failed: exit 1.
func failErr(format string, a ...any) error {
	return &exitError{code: 1, msg: fmt.Sprintf(format, a...)}
}

// silentFail exits 1 after the command already said why.
var silentFail = &exitError{code: 1}

// Command macroa is a personal AI OS for people who run their machines from
// a terminal. See README.md for the commands.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes one command line and returns the process exit code:
// 0 success, 1 failure, 2 usage error.
func run(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, "macroa: "+ee.msg)
		}
		return ee.code
	}
	// Anything cobra reports itself (unknown command or flag, wrong number
	// of arguments) is a usage error.
	fmt.Fprintf(os.Stderr, "macroa: %v\nRun 'macroa --help' for usage.\n", err)
	return 2
}

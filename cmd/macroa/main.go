// Command macroa is a personal AI OS for people who run their machines from
// a terminal. See README.md for the commands.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/termsafe"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes one command line and returns the process exit code:
// 0 success, 1 failure, 2 usage error. Everything the commands print goes
// through the terminal sanitiser (termsafe): stored values, answers,
// file contents and error messages can never control the terminal.
func run(args []string) int {
	stdout, stderr := termsafe.NewWriter(os.Stdout), termsafe.NewWriter(os.Stderr)
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	code := execute(root, stderr)
	_ = stdout.Flush()
	_ = stderr.Flush()
	return code
}

func execute(root *cobra.Command, stderr io.Writer) int {
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "macroa: "+termsafe.Clean(ee.msg))
		}
		return ee.code
	}
	// Anything cobra reports itself (unknown command or flag, wrong number
	// of arguments) is a usage error.
	fmt.Fprintf(stderr, "macroa: %s\nRun 'macroa --help' for usage.\n", termsafe.Clean(err.Error()))
	return 2
}

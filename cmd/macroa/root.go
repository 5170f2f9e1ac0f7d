package main

import (
	"context"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
)

// newRootCmd builds the command tree. Each subcommand lives in its own file.
func newRootCmd() *cobra.Command {
	a := app.New(app.Options{})
	root := &cobra.Command{
		Use:   "macroa",
		Short: "A personal AI OS for people who run their machines from a terminal",
		Long: `Macroa routes every request to the cheapest thing that can serve it:
shell commands, memory and files never call a model; everything else goes
to the cheapest model tier that can answer it.

Run without a command on a terminal to open the cockpit (macroa tui); with
piped input it reads requests line by line (macroa repl).`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown command %q\nRun 'macroa --help' for usage.", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// Plain `macroa`: the cockpit on a terminal, else the line REPL
			// over stdin (scripts, pipes).
			if term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()) {
				return runTUI(cmd, a, "", "")
			}
			return runREPL(cmd, a, "")
		},
		PersistentPostRun: func(cmd *cobra.Command, args []string) { _ = a.Shutdown(context.Background()) },
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErr("%s\nRun '%s --help' for usage.", flagError(err), cmd.CommandPath())
	})
	root.AddCommand(
		newRunCmd(a),
		newREPLCmd(a),
		newSessionsCmd(a),
		newMemoryCmd(a),
		newAuditCmd(a),
		newConfigCmd(a),
		newApprovalsCmd(a),
		newScheduleCmd(a),
		newHostsCmd(a),
		newDaemonCmd(a),
		newAutonomyCmd(a),
		newNotifyCmd(a),
		newUsageCmd(a),
		newTUICmd(a),
		newLogsCmd(a),
		newVersionCmd(),
	)
	strictCompletion(root)
	shutdownOnError(root, a)
	return root
}

// shutdownOnError shuts the App down after a command that failed, too:
// cobra skips PersistentPostRun then, and Shutdown is what sends the
// notifications the command's changes queued (an approval waiting after
// macroa run, an action that failed after macroa approvals approve) and
// closes the store. A second Shutdown does nothing.
func shutdownOnError(c *cobra.Command, a *app.App) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			err := run(cmd, args)
			if err != nil {
				_ = a.Shutdown(context.Background())
			}
			return err
		}
	}
	for _, sub := range c.Commands() {
		shutdownOnError(sub, a)
	}
}

// flagError is a flag's parse error without Go's internals: `invalid
// argument "x" for "--days" flag: not a number`.
func flagError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": strconv."); i >= 0 {
		msg = msg[:i] + ": not a number"
	}
	return msg
}

// strictCompletion makes `macroa completion SHELL` refuse a shell it does
// not know (exit 2) instead of printing its help and succeeding.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown shell %q: macroa completion knows bash, zsh, fish and powershell", args[0])
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			return usageErr("name a shell: macroa completion bash|zsh|fish|powershell")
		}
	}
}

// exactArgs is cobra.ExactArgs with a usage exit code and a clearer message.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			// main prefixes "macroa: " already: name the command without it.
			return usageErr("%s takes %s\nUsage: %s", subPath(cmd), names, cmd.UseLine())
		}
		return nil
	}
}

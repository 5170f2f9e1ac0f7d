package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/suggest"
)

// subcommandArgs is the Args of a command that only groups subcommands
// (and may run without any): an argument that names none of them is
// named back, with the closest subcommand when one is near.
func subcommandArgs(none bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 && none {
			return nil
		}
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		choices := strings.Join(names, ", ")
		if i := strings.LastIndex(choices, ", "); i >= 0 {
			choices = choices[:i] + " or " + choices[i+2:]
		}
		if len(args) == 0 {
			return usageErr("%s takes a subcommand: %s\nUsage: %s", subPath(cmd), choices, cmd.UseLine())
		}
		msg := fmt.Sprintf("%s has no subcommand %q", subPath(cmd), args[0])
		if s := suggest.Closest(strings.ToLower(args[0]), names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return usageErr("%s (use %s; see: %s --help)", msg, choices, cmd.CommandPath())
	}
}

// subPath is a command's path without the program's name.
func subPath(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

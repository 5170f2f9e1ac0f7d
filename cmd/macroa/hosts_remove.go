package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
)

func newHostsRemoveCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "remove NAME",
		Aliases:           []string{"rm"},
		Short:             "Remove a host's [[hosts]] block (and its [policy.hosts] level) from config.toml",
		Args:              exactArgs(1, "one host NAME"),
		ValidArgsFunction: completeHosts(a, false, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if name == hosts.LocalName {
				return usageErr("%q is this machine, which is always a host", name)
			}
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			removed, err := config.RemoveHost(cfg.FilePath, cfg.FileDisplay(), name)
			if err != nil {
				return failErr("%s", oneSentence(err.Error()))
			}
			if !removed {
				var names []string
				for _, h := range cfg.File.Hosts {
					names = append(names, h.Name)
				}
				return unknownHost(name, names)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"removed": name})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed %s from %s.\n", name, cfg.FileDisplay())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

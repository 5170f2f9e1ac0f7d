package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
)

// completeSessions offers stored session names for shell completion.
func completeSessions(a *app.App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		defer a.Shutdown(context.Background())
		list, err := a.SessionService().List(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]string, 0, len(list))
		for _, s := range list {
			names = append(names, s.Name)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
)

// completeHosts completes host names from config.toml (with local when
// withLocal), and for exec @tags and @groups; only the first argument
// unless many.
func completeHosts(a *app.App, withLocal, many bool) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 && !many {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, err := a.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		add := func(s string) {
			if strings.HasPrefix(s, prefix) && validHostName(strings.TrimPrefix(s, "@")) {
				out = append(out, s)
			}
		}
		if withLocal {
			add(hosts.LocalName)
		}
		seen := map[string]bool{}
		for _, h := range cfg.File.Hosts {
			add(h.Name)
			if cmd.Name() == "exec" {
				for _, t := range append(append([]string(nil), h.Tags...), h.Groups...) {
					if !seen[t] {
						seen[t] = true
						add("@" + t)
					}
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

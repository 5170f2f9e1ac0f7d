package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
)

// autonomyRow is one level as `macroa autonomy` shows it.
type autonomyRow struct {
	Host     string `json:"host"`  // "" for the global level
	Level    string `json:"level"` // the effective level
	From     string `json:"from"`  // config.toml line, "default", or "global" for a host without its own
	Override bool   `json:"override"`
}

func newAutonomyCmd(a *app.App) *cobra.Command {
	var host string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "autonomy [LEVEL]",
		Short: "Show or set how much Macroa may do without asking (globally or for one host)",
		Long: `Without LEVEL, print the global autonomy level and each host's, with where
each comes from. With LEVEL, save it in ~/.macroa/config.toml: [policy]
autonomy, or with --host the host's entry in [policy.hosts] ("local" is
this machine). The rest of the file, comments included, is kept.

Levels, least autonomous first:
  observe    nothing runs; proposals wait for a person
  suggest    every action asks
  auto-safe  low-risk actions run, the rest asks
  auto-full  all run but protected targets, critical risk and denied commands`,
		Example: `  macroa autonomy
  macroa autonomy auto-safe
  macroa autonomy observe --host web1
  macroa autonomy auto-full --host local`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("%s takes at most one level (%s)\nUsage: %s", cmd.CommandPath(), levelNames(), cmd.UseLine())
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, l := range config.AutonomyLevels {
				out = append(out, string(l))
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			if host != "" && !knownHost(cfg, host) {
				return usageErr("unknown host %q: use %s", host, hostChoices(cfg))
			}
			if len(args) == 0 {
				return showAutonomy(cmd, cfg, host, asJSON)
			}
			var level config.Autonomy
			if err := level.UnmarshalText([]byte(args[0])); err != nil {
				return usageErr("unknown autonomy level %q: use one of %s", args[0], levelNames())
			}
			if err := app.EnsureDataDir(cfg.Home); err != nil {
				return failErr("%v", err)
			}
			if err := config.SetFileAutonomy(cfg.FilePath, cfg.FileDisplay(), host, level); err != nil {
				return failErr("%v", err)
			}
			// Load again so the change is read back as every process will.
			cfg, err = config.LoadDefault()
			if err != nil {
				return failErr("saved, but the configuration is now invalid: %v", err)
			}
			row := autonomyOf(cfg, host)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), row)
			}
			what := "Global autonomy"
			if host != "" {
				what = "Autonomy for " + host
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s set to %s in %s.\n", what, row.Level, cfg.FileDisplay())
			return nil
		},
	}
	cmd.Flags().StringVar(&host, "host", "", `a host: "local" (this machine) or a [[hosts]] name`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.RegisterFlagCompletionFunc("host", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		cfg, err := a.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := []string{config.LocalHost}
		for _, h := range cfg.File.Hosts {
			out = append(out, h.Name)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func showAutonomy(cmd *cobra.Command, cfg *config.Config, host string, asJSON bool) error {
	var rows []autonomyRow
	if host != "" {
		rows = []autonomyRow{autonomyOf(cfg, host)}
	} else {
		rows = append(rows, autonomyOf(cfg, ""), autonomyOf(cfg, config.LocalHost))
		for _, h := range cfg.File.Hosts {
			rows = append(rows, autonomyOf(cfg, h.Name))
		}
	}
	out := cmd.OutOrStdout()
	if asJSON {
		if host != "" {
			return writeJSON(out, rows[0])
		}
		return writeJSON(out, rows)
	}
	t := newTable("HOST", "LEVEL", "FROM")
	for _, r := range rows {
		name := r.Host
		if name == "" {
			name = "(global)"
		}
		t.row(name, r.Level, r.From)
	}
	return t.write(out)
}

// autonomyOf is the level for host ("" the global one) and where it
// comes from.
func autonomyOf(cfg *config.Config, host string) autonomyRow {
	p := cfg.File.Policy
	if host == "" {
		return autonomyRow{Level: string(p.Autonomy), From: cfg.FileSource(config.AutonomyKey(""))}
	}
	if l, ok := p.Hosts[host]; ok {
		return autonomyRow{Host: host, Level: string(l), From: cfg.FileSource(config.AutonomyKey(host)), Override: true}
	}
	return autonomyRow{Host: host, Level: string(p.Autonomy), From: "global"}
}

func levelNames() string {
	names := make([]string, len(config.AutonomyLevels))
	for i, l := range config.AutonomyLevels {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

// knownHost: "local" or a [[hosts]] name.
func knownHost(cfg *config.Config, host string) bool {
	if host == config.LocalHost {
		return true
	}
	for _, h := range cfg.File.Hosts {
		if h.Name == host {
			return true
		}
	}
	return false
}

func hostChoices(cfg *config.Config) string {
	names := []string{config.LocalHost + " (this machine)"}
	for _, h := range cfg.File.Hosts {
		names = append(names, h.Name)
	}
	if len(names) == 1 {
		return names[0] + ", or add a [[hosts]] entry to " + cfg.FileDisplay()
	}
	return "one of " + strings.Join(names, ", ")
}

package main

import (
	"fmt"
	"sort"
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
	var asJSON, clear bool
	cmd := &cobra.Command{
		Use:   "autonomy [LEVEL]",
		Short: "Show or set how much Macroa may do without asking (globally or for one host)",
		Long: `Without LEVEL, print the global autonomy level and each host's, with where
each comes from. With LEVEL, save it in ~/.macroa/config.toml: [policy]
autonomy, or with --host the host's entry in [policy.hosts] ("local" is
this machine). A host with its own level keeps it when the global level
changes; --clear removes it, and the host follows the global level again.
The rest of the file, comments included, is kept. A config.toml whose
only error is the level being set or cleared is repaired.

Levels, least autonomous first:
  observe    nothing runs; proposals wait for a person
  suggest    every action asks
  auto-safe  low-risk actions run, the rest asks
  auto-full  all run but protected targets, critical risk and denied commands`,
		Example: `  macroa autonomy
  macroa autonomy auto-safe
  macroa autonomy observe --host web1
  macroa autonomy auto-full --host local
  macroa autonomy --host local --clear`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("%s takes at most one level (%s)\nUsage: %s", cmd.CommandPath(), levelNames(), cmd.UseLine())
			}
			if clear && len(args) > 0 {
				return usageErr("--clear takes no level: it removes the host's own level, and the host follows the global one")
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
			var level config.Autonomy
			if len(args) == 1 {
				if err := level.UnmarshalText([]byte(args[0])); err != nil {
					return usageErr("unknown autonomy level %q: use one of %s", args[0], levelNames())
				}
			}
			editing := len(args) == 1 || clear
			cfg, err := a.Config()
			repair := false
			if err != nil {
				// A file whose only error is the level this command sets
				// or clears is what it repairs; nothing else is touched.
				h, ok := config.AutonomyErrorHost(err)
				if !editing || !ok || h != host {
					return failErr("%v%s", err, repairHint(err))
				}
				o := config.DefaultLoadOptions()
				o.SkipFile = true
				if cfg, err = config.Load(o); err != nil {
					return failErr("%v", err)
				}
				repair = true
			}
			// Repairing, the file's [[hosts]] are unknown: the edit is
			// checked against them when it is read back.
			if host != "" && !repair && !knownHost(cfg, host) {
				return usageErr("unknown host %q: use %s", host, hostChoices(cfg))
			}
			if !editing {
				return showAutonomy(cmd, cfg, host, asJSON)
			}
			if err := app.EnsureDataDir(cfg.Home); err != nil {
				return failErr("%v", err)
			}
			display := cfg.FileDisplay()
			if clear {
				removed, err := config.ClearFileAutonomy(cfg.FilePath, display, host)
				if err != nil {
					return failErr("%v", err)
				}
				if !removed {
					if host == "" {
						return failErr("%s sets no global autonomy: the default, %s, applies", display, config.AutonomySuggest)
					}
					return failErr("%s has no level of its own in %s: it follows the global level, %s", host, display, cfg.File.Policy.Autonomy)
				}
			} else if err := config.SetFileAutonomy(cfg.FilePath, display, host, level); err != nil {
				return failErr("%v", err)
			}
			// Load again so the change is read back as every process will.
			cfg, err = config.LoadDefault()
			if err != nil {
				return failErr("saved, but the configuration is now invalid: %v", err)
			}
			row := autonomyOf(cfg, host)
			out := cmd.OutOrStdout()
			note := ""
			if host == "" {
				note = keptOverrides(cfg)
			}
			if asJSON {
				if note != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), "macroa: "+note)
				}
				return writeJSON(out, row)
			}
			switch {
			case clear && host == "":
				fmt.Fprintf(out, "Global autonomy removed from %s: the default, %s, applies.\n", cfg.FileDisplay(), row.Level)
			case clear:
				fmt.Fprintf(out, "%s has no level of its own now: it follows the global level, %s.\n", host, row.Level)
			case host == "":
				fmt.Fprintf(out, "Global autonomy set to %s in %s.\n", row.Level, cfg.FileDisplay())
			default:
				fmt.Fprintf(out, "Autonomy for %s set to %s in %s.\n", host, row.Level, cfg.FileDisplay())
			}
			if note != "" {
				fmt.Fprintln(out, note)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&host, "host", "", `a host: "local" (this machine) or a [[hosts]] name`)
	cmd.Flags().BoolVar(&clear, "clear", false, "remove the host's own level (with --host), or the global one, from config.toml")
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

// keptOverrides says which hosts keep a level of their own when the
// global one changes, and how to change or clear them; "" when none does.
func keptOverrides(cfg *config.Config) string {
	hosts := cfg.File.Policy.Hosts
	if len(hosts) == 0 {
		return ""
	}
	names := make([]string, 0, len(hosts))
	for h := range hosts {
		names = append(names, h)
	}
	sort.Slice(names, func(i, j int) bool {
		// This machine first: it is the one the change was likely meant for.
		if (names[i] == config.LocalHost) != (names[j] == config.LocalHost) {
			return names[i] == config.LocalHost
		}
		return names[i] < names[j]
	})
	label := func(h string) string {
		if h == config.LocalHost {
			return h + " (this machine)"
		}
		return h
	}
	if len(names) == 1 {
		h := names[0]
		return fmt.Sprintf("%s keeps its own level, %s: change it with macroa autonomy LEVEL --host %s, or make it follow the global level with macroa autonomy --host %s --clear.",
			label(h), hosts[h], h, h)
	}
	parts := make([]string, len(names))
	for i, h := range names {
		parts[i] = label(h) + " " + string(hosts[h])
	}
	return fmt.Sprintf("These hosts keep their own levels: %s. Change one with macroa autonomy LEVEL --host HOST, or make it follow the global level with macroa autonomy --host HOST --clear.",
		strings.Join(parts, ", "))
}

// repairHint tells how to fix a config.toml whose only error is an
// autonomy level; "" for any other error.
func repairHint(err error) string {
	h, ok := config.AutonomyErrorHost(err)
	if !ok {
		return ""
	}
	flag := ""
	if h != "" {
		flag = " --host " + h
	}
	if strings.Contains(err.Error(), "is not a host") {
		return fmt.Sprintf("\nRemove it with: macroa autonomy%s --clear", flag)
	}
	return fmt.Sprintf("\nFix it with: macroa autonomy LEVEL%s (%s), or remove it with: macroa autonomy%s --clear", flag, levelNames(), flag)
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

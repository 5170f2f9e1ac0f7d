package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/providers"
	confine "github.com/macroa/macroa/sandbox"
	"github.com/macroa/macroa/sandbox/support"
	"github.com/macroa/macroa/termsafe"
)

func newConfigCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective settings and where each came from (secrets masked)",
		Long: `Print the effective settings and where each came from. Precedence, highest
first: the environment, ./.env, ~/.macroa/.env, ~/.macroa/config.toml, defaults.
Secrets are masked.`,
		Args: exactArgs(0, "no arguments, or a subcommand: set, unset"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			settings := append(cfg.Settings(), cfg.FileSettings()...)
			// What this kernel can enforce, beside the mode that decides
			// what happens when it cannot.
			settings = append(settings, config.Setting{Name: "sandbox.kernel", Value: support.Detect().Describe(),
				Source: "this kernel", Description: "How strongly a model's unasked command can be confined here."})
			if home, err := os.UserHomeDir(); err == nil {
				box := confine.New(confine.Mode(cfg.File.Sandbox), home, cfg.SecretPaths(home))
				settings = append(settings, config.Setting{Name: "sandbox.unasked", Value: box.Applies(),
					Source: "sandbox and this kernel", Description: "What a model's read-only commands get here."})
			}
			if asJSON {
				return writeJSON(out, settings)
			}
			t := newTable("SETTING", "VALUE", "FROM")
			for _, s := range settings {
				t.row(s.Name, dash(s.Value), s.Source)
			}
			_ = t.write(out)
			if _, err := os.Stat(cfg.FilePath); err == nil {
				fmt.Fprintf(out, "\nConfig file: %s\n", cfg.FilePath)
			} else {
				fmt.Fprintf(out, "\nConfig file: none (structured settings go in %s)\n", cfg.FilePath)
			}
			// With nothing configured, name the local server that would
			// answer (one short probe of this machine).
			p := providers.DescribeLocal(cmd.Context(), cfg, a.LocalServer())
			switch {
			case p.Local:
				fmt.Fprintf(out, "Model provider: %s, found running (no provider configured)\n", p.Provider)
			case p.Configured:
				fmt.Fprintf(out, "Model provider: %s\n", p.Provider)
			default:
				fmt.Fprintf(out, "Model provider: none (%s)\n", p.Hint)
			}
			for _, w := range cfg.Warnings {
				fmt.Fprintln(out, "warning: "+termsafe.Clean(w))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	set := &cobra.Command{
		Use:   "set NAME VALUE",
		Short: "Save a setting in ~/.macroa/.env (written with mode 0600)",
		Example: `  macroa config set OPENROUTER_API_KEY sk-or-...
  macroa config set MACROA_BASE_URL http://127.0.0.1:11434/v1
  macroa config set MACROA_SHELL_TIMEOUT 60s`,
		Args: exactArgs(2, "a setting name and a value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			if hint := fileSettingHint(cfg, args[0], false); hint != "" {
				return usageErr("%s", hint)
			}
			if !knownSetting(cfg, args[0]) {
				return usageErr("unknown setting %q (see: macroa config)", args[0])
			}
			if err := app.EnsureDataDir(cfg.Home); err != nil {
				return failErr("%v", err)
			}
			path := filepath.Join(cfg.Home, ".env")
			if err := config.SetEnvFileValue(path, args[0], args[1]); err != nil {
				return failErr("save %s: %v", args[0], err)
			}
			// Load again so a bad value is reported now, not on the next run.
			if _, err := config.LoadDefault(); err != nil {
				return failErr("saved %s in %s, but the configuration is now invalid: %v", args[0], path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Saved %s in %s.\n", args[0], path)
			return nil
		},
	}
	unset := &cobra.Command{
		Use:   "unset NAME",
		Short: "Remove a setting from ~/.macroa/.env",
		Args:  exactArgs(1, "a setting name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			if hint := fileSettingHint(cfg, args[0], true); hint != "" {
				return usageErr("%s", hint)
			}
			path := filepath.Join(cfg.Home, ".env")
			ok, err := config.UnsetEnvFileValue(path, args[0])
			if err != nil {
				return failErr("unset %s: %v", args[0], err)
			}
			if !ok {
				return failErr("%s is not set in %s", args[0], path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed %s from %s.\n", args[0], path)
			return nil
		},
	}
	cmd.AddCommand(set, unset)
	return cmd
}

func knownSetting(cfg *config.Config, name string) bool {
	for _, s := range cfg.Settings() {
		if s.Name == name {
			return true
		}
	}
	return false
}

// fileSettingHint says, in one sentence, where a setting that lives in
// config.toml (the policy.* and notify[*] names macroa config shows, and
// any [policy.hosts] entry) is set or removed instead; "" for any other
// name.
func fileSettingHint(cfg *config.Config, name string, unset bool) string {
	shown := false
	for _, s := range cfg.FileSettings() {
		shown = shown || s.Name == name
	}
	hostLevel := strings.HasPrefix(name, "policy.hosts.")
	if name == "sandbox.kernel" || name == "sandbox.unasked" {
		return name + " is what this machine gives, not a setting: set sandbox in " + cfg.FileDisplay() + " (see README: Sandbox)"
	}
	// Lists and the sandbox mode are config.toml's even while unset.
	fileOnly := name == "sandbox" || name == "policy.secret_paths"
	if !shown && !fileOnly && !hostLevel && !strings.HasPrefix(name, "notify[") && !strings.HasPrefix(name, "notify.") {
		return ""
	}
	where := fmt.Sprintf("%s lives in %s, not in .env: ", name, cfg.FileDisplay())
	host := strings.Trim(strings.TrimPrefix(name, "policy.hosts."), `"`)
	switch {
	case name == "policy.autonomy" && unset:
		return where + "remove it with macroa autonomy --clear (the default, suggest, applies)"
	case name == "policy.autonomy":
		return where + "set it with macroa autonomy LEVEL (" + levelNames() + ")"
	case hostLevel && unset:
		return where + "remove it with macroa autonomy --host " + host + " --clear"
	case hostLevel:
		return where + "set it with macroa autonomy LEVEL --host " + host + " (" + levelNames() + ")"
	}
	see := ""
	switch {
	case name == "sandbox" || name == "policy.secret_paths":
		see = " (see README: Sandbox)"
	case strings.HasPrefix(name, "notify"):
		see = " (see: macroa notify --help)"
	}
	if unset {
		return where + "edit that file to remove it" + see
	}
	return where + "edit that file to set it" + see
}

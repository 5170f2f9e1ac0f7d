package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
)

func newNotifyCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Notifications: approvals waiting and failed actions, sent to ntfy, Gotify or a webhook",
		Long: `Macroa sends a notification when an approval is waiting and when an action
fails, to every [[notify]] channel in ~/.macroa/config.toml whose
min_priority the message meets:

  [[notify]]
  type = "ntfy"                 # ntfy | gotify | webhook
  url = "https://ntfy.sh"
  topic = "my-macroa-alerts"    # ntfy only
  token_env = "NTFY_TOKEN"      # or token = "..."
  min_priority = "default"      # low | default | high | urgent
  timeout = "10s"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown command %q for %s (try: macroa notify test)", args[0], cmd.CommandPath())
			}
			return usageErr("name a subcommand: macroa notify test")
		},
		RunE: func(cmd *cobra.Command, args []string) error { return nil },
	}
	var asJSON bool
	test := &cobra.Command{
		Use:   "test",
		Short: "Send a test message to every channel and report each result",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			if len(cfg.File.Notify) == 0 {
				return usageErr("no notification channel is configured: add a [[notify]] table to %s (see: macroa notify --help)", cfg.FileDisplay())
			}
			results, err := a.NotifyTest(cmd.Context())
			if err != nil {
				return failErr("%v", err)
			}
			out := cmd.OutOrStdout()
			failed := 0
			if asJSON {
				rows := make([]notifyTestRow, len(results))
				for i, r := range results {
					rows[i] = notifyTestRow{Channel: r.Channel.Name, OK: r.Err == nil, Attempts: r.Attempts}
					if r.Err != nil {
						failed++
						rows[i].Error = r.Err.Error()
					}
				}
				if err := writeJSON(out, rows); err != nil {
					return err
				}
				if failed > 0 {
					return silentFail
				}
				return nil
			}
			for _, r := range results {
				if r.Err != nil {
					failed++
					fmt.Fprintf(out, "FAIL  %v\n", r.Err)
					continue
				}
				fmt.Fprintf(out, "OK    %s\n", r.Channel.Name)
			}
			if failed > 0 {
				return failErr("%s", notDelivered(failed, len(results)))
			}
			return nil
		},
	}
	test.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(test)
	return cmd
}

// notifyTestRow is one channel's result as --json prints it.
type notifyTestRow struct {
	Channel  string `json:"channel"`
	OK       bool   `json:"ok"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
}

// notDelivered says how many channels the test message did not reach.
func notDelivered(failed, total int) string {
	switch {
	case total == 1:
		return "the test message did not reach the channel (the FAIL line above says why)"
	case failed == total:
		return fmt.Sprintf("the test message reached none of the %d channels (the FAIL lines above say why)", total)
	case failed == 1:
		return fmt.Sprintf("the test message did not reach 1 of %d channels (the FAIL line above says why)", total)
	}
	return fmt.Sprintf("the test message did not reach %d of %d channels (the FAIL lines above say why)", failed, total)
}

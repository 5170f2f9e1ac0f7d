package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
)

func newUsageCmd(a *app.App) *cobra.Command {
	var days int
	var by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "usage",
		Short: "Show model spending by day, tier, model and session",
		Example: `  macroa usage              # the last 30 days, every breakdown
  macroa usage --by model --days 7
  macroa usage --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if days < 1 {
				return usageErr("--days must be 1 or more, got %d", days)
			}
			groups := []store.UsageGroup{store.ByDay, store.ByTier, store.ByModel, store.BySession}
			if by != "" {
				g := store.UsageGroup(by)
				switch g {
				case store.ByDay, store.ByTier, store.ByModel, store.BySession:
				default:
					return usageErr("--by must be day, tier, model or session, got %q", by)
				}
				groups = []store.UsageGroup{g}
			}
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			now := time.Now()
			since := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()).AddDate(0, 0, -(days - 1))
			report, err := a.UsageService().Report(cmd.Context(), since, groups...)
			if err != nil {
				return failErr("%v", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, report)
			}
			if len(report[groups[0]]) == 0 {
				fmt.Fprintf(out, "No model calls in the last %d days.\n", days)
				return nil
			}
			for i, g := range groups {
				if i > 0 {
					fmt.Fprintln(out)
				}
				t := newTable(strings.ToUpper(string(g)), "CALLS", "PROMPT TOKENS", "ANSWER TOKENS", "COST", "ESTIMATED").alignRight(0, 1, 2, 3, 4, 5)
				for _, r := range report[g] {
					// ESTIMATED: calls whose provider sent no token counts.
					t.row(dash(r.Key), fmt.Sprint(r.Calls), fmt.Sprint(r.PromptTokens), fmt.Sprint(r.CompletionTokens),
						fmt.Sprintf("$%.6f", r.CostUSD), fmt.Sprint(r.Estimated))
				}
				_ = t.write(out)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&days, "days", 30, "how many days back, today included")
	cmd.Flags().StringVar(&by, "by", "", "one breakdown only: day, tier, model or session")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

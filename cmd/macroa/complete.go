package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
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

// completeApprovals offers approval ids with their risk and summary:
// pending ones, and with pendingOnly false the latest decided ones too.
func completeApprovals(a *app.App, pendingOnly bool) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		defer a.Shutdown(context.Background())
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		q := store.ApprovalQuery{States: []store.ApprovalState{store.ApprovalPending}, Limit: 200}
		if !pendingOnly {
			q = store.ApprovalQuery{Limit: 200}
		}
		list, err := a.ListApprovals(cmd.Context(), q)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := make([]string, 0, len(list))
		for _, e := range list {
			if !strings.HasPrefix(string(e.ID), strings.ToLower(prefix)) {
				continue
			}
			desc := riskWord(e.Risk) + ": " + clip(cell(e.Summary), 60)
			if e.State != store.ApprovalPending {
				desc = string(e.State) + ": " + clip(cell(e.Summary), 60)
			}
			out = append(out, string(e.ID)+"\t"+desc)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeRules offers the remembered rules' ids with what they cover.
func completeRules(a *app.App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		defer a.Shutdown(context.Background())
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		rules, err := a.ApprovalRules(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := make([]string, 0, len(rules))
		for _, r := range rules {
			if r.RevokedAt.IsZero() {
				out = append(out, fmt.Sprintf("%d\t%s %s (%s)", r.ID, r.Kind, clip(cell(r.Target), 50), r.Scope))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

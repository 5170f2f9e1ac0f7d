package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
)

// ruleJSON is the --json shape of a remembered rule.
type ruleJSON struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Host      string     `json:"host"`
	Target    string     `json:"target"`
	Scope     string     `json:"scope"`
	Session   string     `json:"session"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	From      string     `json:"from"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	Uses      int        `json:"uses"`
}

func newApprovalsRulesCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List remembered approvals: actions that run without asking, and where",
		Args:  subcommandArgs(true),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := openStore(ctx, a); err != nil {
				return err
			}
			rules, err := a.ApprovalRules(ctx)
			if err != nil {
				return failErr("list approval rules: %v", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				rows := make([]ruleJSON, 0, len(rules))
				for _, r := range rules {
					rows = append(rows, ruleJSON{
						ID: int64(r.ID), Kind: r.Kind, Host: r.Host, Target: r.Target, Scope: string(r.Scope), Session: r.Session,
						CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, From: string(r.From), RevokedAt: optTime(r.RevokedAt), Uses: r.Uses,
					})
				}
				return writeJSON(out, rows)
			}
			if len(rules) == 0 {
				fmt.Fprintln(out, "No remembered approvals. Make one with: macroa approvals approve ID --remember session|host|always")
				return nil
			}
			now := time.Now()
			t := newTable("ID", "KIND", "TARGET", "APPLIES TO", "USES", "CREATED", "BY", "FROM").alignRight(0, 4)
			for _, r := range rules {
				applies := string(r.Scope)
				switch r.Scope {
				case store.ScopeSession:
					applies = "session " + r.Session
				case store.ScopeHost:
					applies = "host " + hostName(r.Host)
				}
				id := strconv.FormatInt(int64(r.ID), 10)
				if !r.RevokedAt.IsZero() {
					applies = "revoked " + clock(r.RevokedAt, now)
				}
				t.row(id, r.Kind, clip(cell(dash(r.Target)), 50), applies, fmt.Sprint(r.Uses), clock(r.CreatedAt, now), dash(r.CreatedBy), dash(string(r.From)))
			}
			return t.write(out)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	revoke := &cobra.Command{
		Use:               "revoke RULE-ID",
		Short:             "Revoke a remembered approval: the action asks again from now on",
		Args:              exactArgs(1, "a rule id (see: macroa approvals rules)"),
		ValidArgsFunction: completeRules(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(args[0]), "#"), 10, 64)
			if err != nil || n < 1 {
				return usageErr("%q is not a rule id: rule ids are numbers (see: macroa approvals rules)", args[0])
			}
			ctx := cmd.Context()
			if err := openStore(ctx, a); err != nil {
				return err
			}
			id := store.ApprovalRuleID(n)
			// Revoking a revoked rule changes nothing and says so: the
			// rules in force, read first, tell the two apart.
			live, err := a.ApprovalRules(ctx)
			if err != nil {
				return failErr("revoke rule %d: %v", n, err)
			}
			inForce := false
			for _, r := range live {
				inForce = inForce || r.ID == id
			}
			if err := a.RevokeApprovalRule(ctx, id, approvals.Person(approvals.CLI)); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return failErr("no rule %d (see: macroa approvals rules)", n)
				}
				return failErr("revoke rule %d: %v", n, err)
			}
			if !inForce {
				return failErr("rule %d was already revoked: nothing changed", n)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Rule %d revoked: the action it covered asks again from now on.\n", n)
			return nil
		},
	}
	cmd.AddCommand(revoke)
	return cmd
}

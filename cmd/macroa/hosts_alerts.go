package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
)

// alertsShown bounds what alerts prints.
const alertsShown = 200

func newHostsAlertsCmd(a *app.App) *cobra.Command {
	var all, asJSON bool
	cmd := &cobra.Command{
		Use:               "alerts [NAME]",
		Short:             "The alerts firing (--all: resolved ones too), newest first",
		ValidArgsFunction: completeHosts(a, true, false),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("hosts alerts takes at most one host NAME\nUsage: %s", cmd.UseLine())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, err := openHosts(ctx, a)
			if err != nil {
				return err
			}
			host := ""
			if len(args) == 1 {
				host = args[0]
				list, err := svc.List(ctx)
				if err != nil {
					return failErr("read the hosts: %v", err)
				}
				if _, err := pickHosts(list, args); err != nil {
					return err
				}
			}
			alerts, err := svc.Alerts(ctx, host, all, alertsShown)
			if err != nil {
				return failErr("read the alerts: %v", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				rows := make([]alertJSON, 0, len(alerts))
				for _, x := range alerts {
					rows = append(rows, toAlertJSON(x))
				}
				return writeJSON(out, rows)
			}
			if len(alerts) == 0 {
				if all {
					fmt.Fprintln(out, "No alerts.")
				} else {
					fmt.Fprintln(out, "No alerts firing. Resolved ones too: macroa hosts alerts --all")
				}
				return nil
			}
			now := time.Now()
			t := newTable("HOST", "RULE", "FIRED", "STATE", "MESSAGE")
			for _, x := range alerts {
				state := "firing"
				if !x.Firing() {
					state = "resolved " + span(now.Sub(x.ResolvedAt)) + " ago"
				}
				t.row(x.Host, string(x.Rule), span(now.Sub(x.FiredAt))+" ago", state, clip(x.Message, 80))
			}
			return t.write(out)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "resolved alerts too")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

type alertJSON struct {
	ID         int64      `json:"id"`
	Host       string     `json:"host"`
	Rule       string     `json:"rule"`
	Subject    string     `json:"subject,omitempty"`
	Message    string     `json:"message"`
	Value      float64    `json:"value"`
	Threshold  float64    `json:"threshold"`
	FiredAt    time.Time  `json:"fired_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Firing     bool       `json:"firing"`
}

func toAlertJSON(a fleet.Alert) alertJSON {
	j := alertJSON{ID: a.ID, Host: a.Host, Rule: string(a.Rule), Subject: a.Subject, Message: a.Message,
		Value: a.Value, Threshold: a.Threshold, FiredAt: a.FiredAt, Firing: a.Firing()}
	if !a.Firing() {
		t := a.ResolvedAt
		j.ResolvedAt = &t
	}
	return j
}

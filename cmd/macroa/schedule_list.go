package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
)

// showRuns is how many of a task's last runs show prints.
const showRuns = 5

func newScheduleListCmd(a *app.App) *cobra.Command {
	var all, asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the tasks that will run, soonest first (--all: paused and done ones too)",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, err := openSchedules(ctx, a)
			if err != nil {
				return err
			}
			list, err := svc.List(ctx, all)
			if err != nil {
				return failErr("list tasks: %v", err)
			}
			now := time.Now()
			out := cmd.OutOrStdout()
			if asJSON {
				rows := make([]taskJSON, 0, len(list))
				for _, t := range list {
					rows = append(rows, toTaskJSON(svc, t, now))
				}
				return writeJSON(out, rows)
			}
			switch {
			case len(list) > 0:
				printTasks(out, svc, list, all, now)
			case all:
				fmt.Fprintln(out, "No scheduled tasks. Add one: macroa schedule add NAME COMMAND SCHEDULE")
			default:
				fmt.Fprintln(out, "No scheduled tasks. Paused and done ones: macroa schedule list --all")
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "paused and done tasks too")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newScheduleShowCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "show TASK",
		Short:             "Print everything about one task: its command, schedule, next three runs and last runs",
		Args:              exactArgs(1, "a task id, id prefix or name"),
		ValidArgsFunction: completeTasks(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, t, err := openTask(ctx, a, args[0])
			if err != nil {
				return err
			}
			runs, err := svc.History(ctx, t.ID, showRuns)
			if err != nil {
				return taskErr(t, "read the runs of", err)
			}
			now := time.Now()
			if asJSON {
				j := toTaskJSON(svc, t, now)
				r := toTaskRunsJSON(runs)
				j.Runs = &r
				return writeJSON(cmd.OutOrStdout(), j)
			}
			printTask(cmd.OutOrStdout(), svc, t, runs, now)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

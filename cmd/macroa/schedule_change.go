package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
)

func newScheduleDeleteCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "delete TASK",
		Aliases: []string{"rm", "remove"},
		Short:   "Delete a task and its history (a prefix that names several deletes nothing)",
		Long: `Delete a task and its run history. TASK is its id, any prefix of the id
that names one task, or its exact name; a prefix naming several tasks lists
them and deletes nothing (exit 1). A run going now finishes.

With --json it prints the task as it was, with "deleted": true; an error
is a plain sentence on stderr (exit 1), not JSON.`,
		Args:              exactArgs(1, "a task id, id prefix or name"),
		ValidArgsFunction: completeTasks(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, t, err := openTask(ctx, a, args[0])
			if err != nil {
				return err
			}
			gone, err := svc.Delete(ctx, t.ID, scheduleBy(), scheduleWhere)
			if err != nil {
				return taskErr(t, "delete", err)
			}
			if gone.ID == "" {
				gone = t
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), deletedTaskJSON{toTaskJSON(svc, gone, time.Now()), true})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Task '%s' deleted (ID: %s).\n", cell(gone.Name), gone.ID)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the deleted task as JSON")
	return cmd
}

// deletedTaskJSON is delete's --json: the task as it was, marked deleted
// so a script reading it cannot take it for a task that still exists.
type deletedTaskJSON struct {
	taskJSON
	Deleted bool `json:"deleted"`
}

// newSchedulePauseCmd is pause (paused true) or resume.
func newSchedulePauseCmd(a *app.App, paused bool) *cobra.Command {
	var asJSON bool
	use, short := "resume TASK", "Resume a paused task: its next run is planned from now"
	if paused {
		use, short = "pause TASK", "Pause a task: it runs no more, scheduled or missed, until resumed"
	}
	cmd := &cobra.Command{
		Use:               use,
		Short:             short,
		Args:              exactArgs(1, "a task id, id prefix or name"),
		ValidArgsFunction: completeTasks(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			svc, t, err := openTask(ctx, a, args[0])
			if err != nil {
				return err
			}
			verb := strings.Fields(use)[0]
			if t.Done() && !paused {
				return failErr("task %s (%s) is done: it has no run to come; add it again with a new schedule", t.ID, cell(t.Name))
			}
			was := t.Paused
			t, err = svc.SetPaused(ctx, t.ID, paused, scheduleBy(), scheduleWhere)
			if err != nil {
				return taskErr(t, verb, err)
			}
			now := time.Now()
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), toTaskJSON(svc, t, now))
			}
			out := cmd.OutOrStdout()
			switch {
			case was == paused && paused:
				fmt.Fprintf(out, "Task %s (%s) was paused already.\n", t.ID, cell(t.Name))
			case was == paused:
				fmt.Fprintf(out, "Task %s (%s) was not paused.\n", t.ID, cell(t.Name))
			case paused:
				fmt.Fprintf(out, "Paused task %s (%s). Resume it: macroa schedule resume %s\n", t.ID, cell(t.Name), t.ID)
			default:
				fmt.Fprintf(out, "Resumed task %s (%s): %s.\n", t.ID, cell(t.Name), cell(svc.Describe(t)))
			}
			if !paused && !t.Done() {
				fmt.Fprintf(out, "Next run: %s.\n", whenStamp(t.NextRunAt, now))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the task as JSON")
	return cmd
}

// completeTasks offers task ids with their names and schedules.
func completeTasks(a *app.App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		defer a.Shutdown(context.Background())
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		svc, err := openSchedules(cmd.Context(), a)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		list, err := svc.List(cmd.Context(), true)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := make([]string, 0, len(list))
		for _, t := range list {
			if strings.HasPrefix(string(t.ID), strings.ToLower(prefix)) {
				out = append(out, string(t.ID)+"\t"+clip(cell(t.Name), 30)+": "+clip(cell(svc.Describe(t)), 40))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

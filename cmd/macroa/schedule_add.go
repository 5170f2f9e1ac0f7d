package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
)

func newScheduleAddCmd(a *app.App) *cobra.Command {
	var session, missed string
	var missedCap int
	var reminder, asJSON, dryRun bool
	cmd := &cobra.Command{
		Use:   "add NAME COMMAND SCHEDULE",
		Short: "Schedule a request (or with --reminder, a message) and print its id, its schedule in words and its next run",
		Long: `Schedule COMMAND under NAME. COMMAND is a request as macroa run takes it
('!df -h' runs a shell command, 'remember ...' a memory change, anything
else asks a model); with --reminder it is only a text you are told when the
schedule comes, and nothing runs.

Runs missed while no daemon or cockpit ran are made up by --missed: once
(one run for all of them, the default), skip (none), or all (each, up to
--missed-cap).

An invalid schedule is refused (exit 2) with the reason and the accepted
forms, and nothing is stored. See macroa schedule --help for the forms.`,
		Example: `  macroa schedule add disk '!df -h /' 'every 6 hours'
  macroa schedule add tea 'The tea is ready' 'in 4 minutes' --reminder
  macroa schedule add weekly 'summarise the week' 'TZ=Europe/Berlin cron:0 17 * * 5' --session review`,
		Args: exactArgs(3, "a name, a command and a schedule"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, command, spec := args[0], args[1], args[2]
			if strings.TrimSpace(name) == "" {
				return usageErr("the task's name is empty")
			}
			if strings.TrimSpace(command) == "" {
				return usageErr("the task's command is empty: say what it runs (or, with --reminder, what to tell you)")
			}
			if err := checkSessionFlag(session); err != nil {
				return err
			}
			policy, err := store.ParseMissedPolicy(missed)
			if err != nil {
				return usageErr("--missed: %v", err)
			}
			if missedCap < 0 || missedCap > store.MaxMissedCap || (missedCap == 0 && cmd.Flags().Changed("missed-cap")) {
				return usageErr("--missed-cap must be between 1 and %d, got %d", store.MaxMissedCap, missedCap)
			}
			if missedCap > 0 && policy != store.MissedAll {
				return usageErr("--missed-cap bounds what --missed all makes up; it means nothing with --missed %s", policy)
			}
			kind := store.TaskRequest
			if reminder {
				kind = store.TaskReminder
			}
			ctx := cmd.Context()
			svc, err := openSchedules(ctx, a)
			if err != nil {
				return err
			}
			if dryRun {
				return previewSpec(cmd.OutOrStdout(), svc, spec, asJSON)
			}
			t, err := svc.Add(ctx, scheduler.AddRequest{
				Name: name, Command: command, Spec: spec, Kind: kind, Session: session,
				Missed: policy, MissedCap: missedCap, By: scheduleBy(), Source: scheduleWhere,
			})
			if err != nil {
				return specErr(spec, err)
			}
			now := time.Now()
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), toTaskJSON(svc, t, now))
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Task %s scheduled (ID: %s): %s.\n", cell(t.Name), t.ID, cell(svc.Describe(t)))
			if t.Done() {
				fmt.Fprintln(out, "It has no run to come.")
			} else {
				fmt.Fprintf(out, "Next run: %s.\n", whenStamp(t.NextRunAt, now))
			}
			if kind == store.TaskReminder {
				fmt.Fprintln(out, "A reminder: its text is shown and sent, never run.")
			}
			warnNobodyRuns(ctx, a, svc, out, kind)
			return nil
		},
	}
	cmd.Flags().StringVarP(&session, "session", "s", "", "keep the task's runs in this named session")
	cmd.Flags().StringVar(&missed, "missed", "once", "runs missed while nothing ran the scheduler: once, skip or all")
	cmd.Flags().IntVar(&missedCap, "missed-cap", 0, fmt.Sprintf("with --missed all, make up at most this many (1 to %d; default 10)", store.MaxMissedCap))
	cmd.Flags().BoolVar(&reminder, "reminder", false, "COMMAND is a text to tell you, never run")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the task as JSON")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what the schedule means and when it would run; add nothing")
	_ = cmd.RegisterFlagCompletionFunc("session", completeSessions(a))
	_ = cmd.RegisterFlagCompletionFunc("missed", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"once\tone run for all missed", "skip\tnone; wait for the next", "all\teach, up to --missed-cap"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// previewSpec says what a schedule means and its next runs, storing
// nothing.
func previewSpec(out io.Writer, svc *scheduler.Service, spec string, asJSON bool) error {
	p, err := svc.Preview(spec, 3)
	if err != nil {
		return specErr(spec, err)
	}
	if asJSON {
		return writeJSON(out, struct {
			Spec     string      `json:"spec"`
			Schedule string      `json:"schedule"`
			NextRuns []time.Time `json:"next_runs"`
		}{p.Machine, p.Words, p.Next})
	}
	now := time.Now()
	fmt.Fprintf(out, "%s (%s). Nothing was added.\n", cell(p.Words), cell(p.Machine))
	for _, at := range p.Next {
		fmt.Fprintf(out, "  %s\n", whenStamp(at, now))
	}
	return nil
}

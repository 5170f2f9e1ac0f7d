package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// defaultHistory is how many runs history prints unless told.
const defaultHistory = 20

func newScheduleRunNowCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "run-now TASK",
		Short: "Run a task here and now and print how it went (exit 1 when it failed)",
		Long: `Run a task in this process at once, whatever its schedule, and print its
output and outcome. Its schedule is unchanged. What the run would change
that needs a person waits in the approval queue (exit 1, naming the entry).
ctrl+c interrupts the run, which is recorded as interrupted.`,
		Args:              exactArgs(1, "a task id, id prefix or name"),
		ValidArgsFunction: completeTasks(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			// ctrl+c, a closed terminal or a kill end the run, which the
			// scheduler records as interrupted before the process exits.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			svc, t, err := openTask(ctx, a, args[0])
			if err != nil {
				return err
			}
			if err := openKernel(ctx, a); err != nil {
				return err
			}
			waiting := noticeApprovals(ctx, a.Bus(), cmd.ErrOrStderr())
			run, err := svc.RunNow(ctx, t.ID, scheduleBy(), scheduleWhere)
			waiting.stop()
			if err != nil {
				return taskErr(t, "run", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := writeJSON(out, toTaskRunJSON(run)); err != nil {
					return err
				}
				if run.State != store.RunSucceeded {
					return silentFail
				}
				return nil
			}
			if t.Kind == store.TaskReminder && run.Output == "" {
				run.Output = t.Command
			}
			fmt.Fprint(out, termsafe.Clean(ensureNewline(run.Output)))
			return runOutcome(out, t, run)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the run as JSON")
	return cmd
}

// approvalNotice tells the person, on stderr, when the run waits for an
// approval this process proposed, and how to answer it: the run blocks
// until someone does.
type approvalNotice struct {
	sub  *events.Subscription[events.Event]
	done chan struct{}
}

func noticeApprovals(ctx context.Context, bus *events.Bus, errOut io.Writer) *approvalNotice {
	n := &approvalNotice{done: make(chan struct{})}
	n.sub = bus.SubscribeWith(ctx, events.SubscribeOptions[events.Event]{
		Name:   "run-now approvals",
		Buffer: 16,
		Filter: func(e events.Event) bool {
			c, ok := e.(events.ApprovalChanged)
			return ok && c.State == string(store.ApprovalPending)
		},
	})
	go func() {
		defer close(n.done)
		for e := range n.sub.C {
			c := e.(events.ApprovalChanged)
			fmt.Fprintf(errOut, "macroa: the run waits for approval %s (%s): answer it in the cockpit or from another terminal (macroa approvals approve %s, or reject); ctrl+c stops waiting and the run is interrupted\n",
				c.ID, cell(c.Summary), c.ID)
		}
	}()
	return n
}

func (n *approvalNotice) stop() {
	n.sub.Stop()
	<-n.done
}

// runOutcome says how a run ended and returns its exit error.
func runOutcome(out io.Writer, t store.Task, r store.TaskRun) error {
	name := cell(t.Name)
	switch r.State {
	case store.RunSucceeded:
		fmt.Fprintf(out, "Task %s (%s) ran: succeeded (run %d).\n", t.ID, name, r.ID)
		return nil
	case store.RunWaiting:
		if r.Approval != "" {
			return failErr("task %s (%s) waits for approval %s: macroa approvals show %s", t.ID, name, r.Approval, r.Approval)
		}
		return failErr("task %s (%s) waits for a person (run %d)", t.ID, name, r.ID)
	case store.RunFailed, store.RunInterrupted, store.RunSkipped:
		msg := fmt.Sprintf("task %s (%s) %s (run %d)", t.ID, name, r.State, r.ID)
		if r.Error != "" {
			msg += ": " + cell(r.Error)
		}
		return failErr("%s", msg)
	}
	return failErr("task %s (%s) is %s (run %d)", t.ID, name, r.State, r.ID)
}

func newScheduleHistoryCmd(a *app.App) *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:               "history TASK",
		Aliases:           []string{"runs"},
		Short:             "List a task's runs, newest first: when, why, how they ended",
		Args:              exactArgs(1, "a task id, id prefix or name"),
		ValidArgsFunction: completeTasks(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usageErr("--limit must be 1 or more, got %d", limit)
			}
			ctx := cmd.Context()
			svc, t, err := openTask(ctx, a, args[0])
			if err != nil {
				return err
			}
			runs, err := svc.History(ctx, t.ID, limit)
			if err != nil {
				return taskErr(t, "read the runs of", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, toTaskRunsJSON(runs))
			}
			if len(runs) == 0 {
				fmt.Fprintf(out, "Task %s (%s) has not run yet. Run it now: macroa schedule run-now %s\n", t.ID, cell(t.Name), t.ID)
				return nil
			}
			printRuns(out, runs, time.Now())
			return nil
		},
	}
	cmd.Flags().IntVarP(&limit, "limit", "n", defaultHistory, "at most this many runs")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

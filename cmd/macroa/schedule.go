package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
)

// scheduleWhere names this front end on what the scheduler records.
const scheduleWhere = "cli"

func newScheduleCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "schedule",
		Aliases: []string{"schedules"},
		Short:   "Add, list, show, pause, run and delete scheduled tasks",
		Long: `A scheduled task is a request (a shell command, a memory change, a prompt)
that runs by itself when its schedule comes, or a reminder that only tells
you its text. Tasks run in the daemon (macroa daemon), or in an open cockpit
while no daemon runs; what a task would change that needs a person waits in
the approval queue like anything else.

A task may be named by its id, any prefix of the id that names one task, or
its exact name.

Schedules:
  ` + strings.Join(schedule.Forms, "\n  "),
		Example: `  macroa schedule add backup '!tar czf ~/backup.tgz ~/notes' 'every day at 2:30'
  macroa schedule add standup 'Stand-up in 5 minutes' 'every weekday at 9:55' --reminder
  macroa schedule add report 'summarise yesterday' 'cron:0 8 * * 1-5' --missed skip
  macroa schedule list --all
  macroa schedule show backup
  macroa schedule run-now 3f2a
  macroa schedule history 3f2a --limit 5`,
		Args: subcommandArgs(true),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newScheduleAddCmd(a), newScheduleListCmd(a), newScheduleShowCmd(a), newScheduleDeleteCmd(a),
		newSchedulePauseCmd(a, true), newSchedulePauseCmd(a, false), newScheduleRunNowCmd(a), newScheduleHistoryCmd(a))
	return cmd
}

// openSchedules opens the store and returns the scheduler.
func openSchedules(ctx context.Context, a *app.App) (*scheduler.Service, error) {
	if err := openStore(ctx, a); err != nil {
		return nil, err
	}
	svc, err := a.Schedules()
	if err != nil {
		return nil, failErr("%v", err)
	}
	return svc, nil
}

// scheduleBy is who a change made here is recorded as.
func scheduleBy() string { return approvals.Person(approvals.CLI).Who }

// findTask resolves what a person typed (an id, a unique id prefix or an
// exact name) to one task. None is a failure; several are listed, and
// nothing is done to any of them.
// openTask opens the scheduler and finds the task ref names: what every
// subcommand on one task starts with.
func openTask(ctx context.Context, a *app.App, ref string) (*scheduler.Service, store.Task, error) {
	svc, err := openSchedules(ctx, a)
	if err != nil {
		return nil, store.Task{}, err
	}
	t, err := findTask(ctx, svc, ref)
	return svc, t, err
}

func findTask(ctx context.Context, svc *scheduler.Service, ref string) (store.Task, error) {
	if strings.TrimSpace(ref) == "" {
		return store.Task{}, usageErr("name a task: its id, a prefix of it, or its name (see: macroa schedule list --all)")
	}
	t, err := svc.Find(ctx, ref)
	if err == nil {
		return t, nil
	}
	var amb *store.AmbiguousTaskError
	switch {
	case errors.As(err, &amb):
		return store.Task{}, failErr("%s", ambiguousTasks(svc, ref, amb.Matches))
	case errors.Is(err, store.ErrTaskNotFound):
		return store.Task{}, failErr("no task %s (see: macroa schedule list --all)", quoteRef(ref))
	}
	return store.Task{}, failErr("look up task %s: %v", quoteRef(ref), err)
}

// ambiguousTasks names the tasks a prefix matches, for the person to pick
// one; nothing was changed.
func ambiguousTasks(svc *scheduler.Service, ref string, matches []store.Task) string {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "%s matches %d tasks; nothing was changed. Type more of the id:", quoteRef(ref), len(matches))
	t := newTable("ID", "NAME", "SCHEDULE")
	for i, m := range matches {
		if i == show {
			break
		}
		t.row(string(m.ID), clip(cell(m.Name), 30), clip(cell(svc.Describe(m)), 40))
	}
	var rows strings.Builder
	_ = t.write(&rows)
	for _, l := range strings.Split(strings.TrimRight(rows.String(), "\n"), "\n") {
		b.WriteString("\n  " + l)
	}
	if len(matches) > show {
		fmt.Fprintf(&b, "\n  and %d more", len(matches)-show)
	}
	return b.String()
}

// quoteRef is what a person typed, cleaned and quoted for a message.
func quoteRef(ref string) string { return fmt.Sprintf("%q", cell(ref)) }

// taskErr turns an error about task t into an exit error.
func taskErr(t store.Task, verb string, err error) error {
	switch {
	case errors.Is(err, store.ErrTaskNotFound):
		return failErr("task %s (%s) no longer exists", t.ID, cell(t.Name))
	case errors.Is(err, store.ErrTaskBusy):
		return failErr("a run of task %s (%s) is still going; see: macroa schedule history %s", t.ID, cell(t.Name), t.ID)
	}
	return failErr("%s task %s: %v", verb, t.ID, err)
}

// specEcho is how much of a refused schedule its error repeats: enough to
// recognise it, not a page of whatever was pasted.
const specEcho = 80

// quotedRE is a Go-quoted string in a refusal's reason.
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// clipQuoted cuts each quoted piece of a refusal's reason to specEcho, so
// the reason says what is wrong without repeating all of a long spec.
func clipQuoted(reason string) string {
	return quotedRE.ReplaceAllStringFunc(reason, func(q string) string {
		u, err := strconv.Unquote(q)
		if err != nil || len(u) <= specEcho {
			return q
		}
		return strconv.Quote(clip(u, specEcho))
	})
}

// specErr is a refused schedule as a usage error: the reason and every
// form accepted, one to a line.
func specErr(spec string, err error) error {
	var se *schedule.Error
	if !errors.As(err, &se) {
		return failErr("%v", err)
	}
	return usageErr("schedule %s refused: %s. Nothing was added.\nAccepted forms:\n  %s",
		fmt.Sprintf("%q", clip(cell(spec), specEcho)), clipQuoted(se.Reason), strings.Join(schedule.Forms, "\n  "))
}

package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
)

// taskState is a task's state as one word: active, paused or done.
func taskState(t store.Task) string {
	switch {
	case t.Done():
		return "done"
	case t.Paused:
		return "paused"
	}
	return "active"
}

// nextRun says when a task runs next: "17:30 (in 5m)", "paused", "done".
func nextRun(t store.Task, now time.Time) string {
	switch {
	case t.Done():
		return "done"
	case t.Paused:
		return "paused"
	case !t.NextRunAt.After(now):
		return whenShort(t.NextRunAt, now) + " (due now)"
	}
	return whenShort(t.NextRunAt, now) + " (in " + countdown(t.NextRunAt.Sub(now)) + ")"
}

// lastOutcome is a task's last run in a few words: "succeeded 2h ago".
func lastOutcome(t store.Task, now time.Time) string {
	if t.LastState == "" {
		return "-"
	}
	if t.LastRunAt.IsZero() {
		return string(t.LastState)
	}
	return string(t.LastState) + " " + span(now.Sub(t.LastRunAt)) + " ago"
}

// upcoming is a task's next n fire times: its next due time, then what
// its spec gives after it. A paused task shows what resuming now would
// plan; a done one has none.
func upcoming(svc *scheduler.Service, t store.Task, n int, now time.Time) []time.Time {
	if !t.Paused {
		return svc.NextTimes(t, n)
	}
	if t.Done() {
		return nil
	}
	spec, err := schedule.ParseStored(t.Spec, time.Local)
	if err != nil {
		return nil
	}
	return spec.NextN(n, now.Truncate(time.Second))
}

// printTasks prints tasks as a table; all adds a state column.
func printTasks(out io.Writer, svc *scheduler.Service, list []store.Task, all bool, now time.Time) {
	var t *table
	if all {
		t = newTable("ID", "NAME", "SCHEDULE", "STATE", "NEXT RUN", "LAST", "RUNS").alignRight(6)
	} else {
		t = newTable("ID", "NAME", "SCHEDULE", "NEXT RUN", "LAST", "RUNS").alignRight(5)
	}
	for _, task := range list {
		cells := []string{string(task.ID), clip(cell(task.Name), 30), clip(cell(svc.Describe(task)), 40)}
		if all {
			cells = append(cells, taskState(task))
		}
		cells = append(cells, nextRun(task, now), lastOutcome(task, now), fmt.Sprint(task.RunCount))
		t.row(cells...)
	}
	_ = t.write(out)
}

// missedWords says what a task does with runs it missed.
func missedWords(t store.Task) string {
	switch t.Missed {
	case store.MissedSkip:
		return "skip: runs missed while nothing ran the scheduler are skipped"
	case store.MissedAll:
		return fmt.Sprintf("all: each run missed is made up, at most %d", t.MissedCap)
	}
	return "once: runs missed while nothing ran the scheduler are made up by one run"
}

// printTask prints one task in full, its command with every control
// character visible, its next fire times and its last runs.
func printTask(out io.Writer, svc *scheduler.Service, t store.Task, runs []store.TaskRun, now time.Time) {
	var b strings.Builder
	field := func(label, value string) {
		if label != "" {
			label += ":"
		}
		fmt.Fprintf(&b, "  %-11s %s\n", label, value)
	}
	fmt.Fprintf(&b, "Task %s: %s\n", t.ID, cell(t.Name))
	kind := "request (runs as macroa run would run it)"
	label := "Command"
	if t.Kind == store.TaskReminder {
		kind, label = "reminder (its text is told, never run)", "Text"
	}
	field(label, visibleLines(t.Command))
	field("Kind", kind)
	field("Schedule", cell(svc.Describe(t))+" ("+cell(t.Spec)+")")
	field("State", taskState(t))
	if next := upcoming(svc, t, 3, now); len(next) > 0 {
		l := "Next runs"
		if t.Paused {
			l = "If resumed"
		}
		for i, at := range next {
			field(l, whenStamp(at, now))
			if i == 0 {
				l = ""
			}
		}
	}
	field("Missed", missedWords(t))
	if t.Session != "" {
		field("Session", cell(t.Session))
	}
	created := pastStamp(t.CreatedAt, now)
	if t.CreatedBy != "" {
		created += " by " + cell(t.CreatedBy)
	}
	if t.Source != "" {
		created += " from " + cell(t.Source)
	}
	field("Created", created)
	if !t.UpdatedAt.IsZero() && !t.UpdatedAt.Equal(t.CreatedAt) {
		field("Changed", pastStamp(t.UpdatedAt, now))
	}
	runsText := fmt.Sprint(t.RunCount)
	if t.LastState != "" {
		runsText += ", the last " + lastOutcome(t, now)
	}
	field("Runs", runsText)
	if t.LastError != "" {
		field("Last error", cell(t.LastError))
	}
	_, _ = io.WriteString(out, b.String())
	if len(runs) > 0 {
		fmt.Fprintln(out, "\nLast runs:")
		var rows strings.Builder
		printRuns(&rows, runs, now)
		for _, l := range strings.Split(strings.TrimRight(rows.String(), "\n"), "\n") {
			fmt.Fprintln(out, "  "+l)
		}
	}
}

// printRuns prints runs as a table, newest first as given.
func printRuns(out io.Writer, runs []store.TaskRun, now time.Time) {
	t := newTable("RUN", "STARTED", "TRIGGER", "STATE", "TOOK", "RESULT").alignRight(0)
	for _, r := range runs {
		t.row(fmt.Sprint(r.ID), startedAt(r, now), string(r.Trigger), string(r.State), took(r, now), clip(runResult(r), 60))
	}
	_ = t.write(out)
}

func startedAt(r store.TaskRun, now time.Time) string {
	if r.Started.IsZero() {
		return startedClock(r.DueAt, now)
	}
	return startedClock(r.Started, now)
}

// took is how long a run ran: "1.2s", "running 3m", "-".
func took(r store.TaskRun, now time.Time) string {
	switch {
	case r.Started.IsZero():
		return "-"
	case r.Finished.IsZero():
		return "for " + span(now.Sub(r.Started))
	}
	switch d := r.Finished.Sub(r.Started); {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return span(d)
	}
}

// runResult is a run's result on one line: its error, the approval it
// waits for, or the start of its output.
func runResult(r store.TaskRun) string {
	switch {
	case r.Error != "":
		return cell(r.Error)
	case r.State == store.RunWaiting && r.Approval != "":
		return "waits for approval " + string(r.Approval)
	}
	return cell(r.Output)
}

// taskJSON is the --json shape of a task. Field names are stable: scripts
// depend on them. Times that have not happened are left out.
type taskJSON struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Command   string         `json:"command"`
	Kind      string         `json:"kind"`
	Spec      string         `json:"spec"`
	Schedule  string         `json:"schedule"`
	State     string         `json:"state"`
	Paused    bool           `json:"paused"`
	Session   string         `json:"session"`
	Missed    string         `json:"missed"`
	MissedCap int            `json:"missed_cap"`
	NextRunAt *time.Time     `json:"next_run_at,omitempty"`
	NextRuns  []time.Time    `json:"next_runs,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	CreatedBy string         `json:"created_by"`
	Source    string         `json:"source"`
	RunCount  int64          `json:"run_count"`
	LastRunAt *time.Time     `json:"last_run_at,omitempty"`
	LastState string         `json:"last_state"`
	LastError string         `json:"last_error"`
	Runs      *[]taskRunJSON `json:"runs,omitempty"`
}

// nextRunAt is when a task runs next; none while it is paused or done.
func nextRunAt(t store.Task) *time.Time {
	if t.Paused {
		return nil
	}
	return optTime(t.NextRunAt)
}

func toTaskJSON(svc *scheduler.Service, t store.Task, now time.Time) taskJSON {
	return taskJSON{
		ID: string(t.ID), Name: t.Name, Command: t.Command, Kind: string(t.Kind), Spec: t.Spec,
		Schedule: svc.Describe(t), State: taskState(t), Paused: t.Paused, Session: t.Session,
		Missed: string(t.Missed), MissedCap: t.MissedCap, NextRunAt: nextRunAt(t),
		NextRuns: upcoming(svc, t, 3, now), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		CreatedBy: t.CreatedBy, Source: t.Source, RunCount: t.RunCount, LastRunAt: optTime(t.LastRunAt),
		LastState: string(t.LastState), LastError: t.LastError,
	}
}

// taskRunJSON is the --json shape of a run.
type taskRunJSON struct {
	ID         int64      `json:"id"`
	Task       string     `json:"task"`
	TaskName   string     `json:"task_name,omitempty"`
	DueAt      time.Time  `json:"due_at"`
	Trigger    string     `json:"trigger"`
	State      string     `json:"state"`
	Runner     string     `json:"runner"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	TurnID     string     `json:"turn_id"`
	Approval   string     `json:"approval"`
	Output     string     `json:"output"`
	Error      string     `json:"error"`
}

func toTaskRunJSON(r store.TaskRun) taskRunJSON {
	return taskRunJSON{
		ID: int64(r.ID), Task: string(r.Task), TaskName: r.TaskName, DueAt: r.DueAt, Trigger: string(r.Trigger),
		State: string(r.State), Runner: r.Runner, StartedAt: optTime(r.Started), FinishedAt: optTime(r.Finished),
		TurnID: string(r.TurnID), Approval: string(r.Approval), Output: r.Output, Error: r.Error,
	}
}

func toTaskRunsJSON(runs []store.TaskRun) []taskRunJSON {
	out := make([]taskRunJSON, 0, len(runs))
	for _, r := range runs {
		out = append(out, toTaskRunJSON(r))
	}
	return out
}

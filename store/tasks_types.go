package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TaskID names one scheduled task: 10 lower-case hex characters, unique in
// the table, so a short prefix names it.
type TaskID string

// TaskRunID names one run of a task (task_runs.id).
type TaskRunID int64

// TaskKind says what a task does when it fires.
type TaskKind string

// The kinds. A request runs Command through the kernel (shell, memory, a
// model prompt, an agent task); a reminder only tells a person Command's
// text, and never runs it.
const (
	TaskRequest  TaskKind = "request"
	TaskReminder TaskKind = "reminder"
)

// MissedPolicy says what a task does with runs it missed while no process
// ran the scheduler.
type MissedPolicy string

// The policies.
const (
	MissedOnce MissedPolicy = "once" // run once for all of them (the default)
	MissedSkip MissedPolicy = "skip" // run none; wait for the next due time
	MissedAll  MissedPolicy = "all"  // run each, oldest first, up to the task's cap
)

// ParseMissedPolicy reads a policy's name; "" is MissedOnce.
func ParseMissedPolicy(s string) (MissedPolicy, error) {
	switch p := MissedPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return MissedOnce, nil
	case MissedOnce, MissedSkip, MissedAll:
		return p, nil
	}
	return "", fmt.Errorf("unknown missed-run policy %q: use once, skip or all", s)
}

// MaxMissedCap bounds how many missed runs the "all" policy makes up.
const MaxMissedCap = 1000

// Task is one row of the scheduler's table.
type Task struct {
	ID      TaskID
	Name    string
	Command string // the request's input, or the reminder's text
	Kind    TaskKind
	Spec    string // the machine form (core/schedule Spec.String)
	Session string // the session its runs keep their turns in; "" none
	Paused  bool
	Missed  MissedPolicy
	// MissedCap bounds the runs the "all" policy makes up (1..MaxMissedCap).
	MissedCap int
	// NextRunAt is the next due time; zero when it fires no more.
	NextRunAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string // "person:<login>", ...
	Source    string // the front end that made it: cli, tui, repl...
	RunCount  int64  // runs started (scheduled, missed and manual)
	LastRunAt time.Time
	LastState TaskRunState // "" before the first run
	LastError string
}

// Done reports whether the task fires no more (a once: that fired).
func (t Task) Done() bool { return t.NextRunAt.IsZero() }

// TaskRunState is where a run is:
//
//	running → succeeded | failed | interrupted
//	running → waiting (for an approval) → running ...
//	skipped (a missed run the policy did not make up; final at once)
type TaskRunState string

// The states.
const (
	RunRunning     TaskRunState = "running"
	RunWaiting     TaskRunState = "waiting"
	RunSucceeded   TaskRunState = "succeeded"
	RunFailed      TaskRunState = "failed"
	RunInterrupted TaskRunState = "interrupted"
	RunSkipped     TaskRunState = "skipped"
)

// Final reports whether nothing more can happen to a run in state s.
func (s TaskRunState) Final() bool { return s != RunRunning && s != RunWaiting }

// TaskRunTrigger says why a run started.
type TaskRunTrigger string

// The triggers.
const (
	TriggerSchedule TaskRunTrigger = "schedule" // its due time came
	TriggerMissed   TaskRunTrigger = "missed"   // made up after downtime
	TriggerNow      TaskRunTrigger = "now"      // a person asked (run-now)
)

// TaskRun is one run of a task.
type TaskRun struct {
	ID       TaskRunID
	Task     TaskID
	DueAt    time.Time // the due time it is for (the request time for "now")
	Trigger  TaskRunTrigger
	State    TaskRunState
	Runner   string // the process that claimed it: "<host>/<pid>/<start ticks>"
	Started  time.Time
	Finished time.Time // zero while it runs
	TurnID   TurnID
	Approval ApprovalID // the approval it waited for, if any
	Output   string     // capped at MaxRunOutput bytes
	Error    string
	// Shown is when a reminder's text reached a person (zero: not yet).
	Shown time.Time
	// Filled by the queries that join the task: its name, kind and command.
	TaskName    string
	TaskKind    TaskKind
	TaskCommand string
	// Seq moves on every write to the row; RunsSince pages by it.
	Seq int64
}

// MaxRunOutput caps the output a run keeps, in bytes.
const MaxRunOutput = 16 << 10

// MaxTaskRuns bounds the history kept per task: older runs are pruned as
// new ones are recorded.
const MaxTaskRuns = 200

// Lease is one row of the leases table.
type Lease struct {
	Name       string
	Holder     string // "<host>/<pid>/<start ticks>"
	Role       string // what the holder is: "daemon", "tui"...
	AcquiredAt time.Time
	RenewedAt  time.Time
	ExpiresAt  time.Time
}

// SchedulerLease is the lease's name for the task runner.
const SchedulerLease = "scheduler"

// Errors of the scheduler's queries.
var (
	ErrTaskNotFound = errors.New("no such task")
	// ErrRunClaimed: the due run was claimed by another process, or the
	// task changed, or this process no longer holds the lease.
	ErrRunClaimed = errors.New("the run was claimed elsewhere")
	// ErrTaskBusy: a run of the task is still going.
	ErrTaskBusy = errors.New("a run of the task is still going")
	// ErrNotLeaseHolder: the lease is held by another process.
	ErrNotLeaseHolder = errors.New("another process holds the lease")
)

// AmbiguousTaskError is a prefix that names more than one task.
type AmbiguousTaskError struct {
	Prefix  string
	Matches []Task
}

func (e *AmbiguousTaskError) Error() string {
	return fmt.Sprintf("%q names %d tasks", e.Prefix, len(e.Matches))
}

package events

// PartSchedules: a scheduled task, one of its runs, or the scheduler's
// lease changed.
const PartSchedules StorePart = "schedules"

// TaskFired: a run of a scheduled task started or finished in this
// process. Other processes learn of it from StoreChanged{schedules}.
type TaskFired struct {
	Task    string // store.TaskID
	Name    string
	Kind    string // store.TaskKind: request or reminder
	Run     int64  // store.TaskRunID
	State   string // store.TaskRunState
	Trigger string // store.TaskRunTrigger
	Message string // a reminder's text, cleaned; "" for a request
	Error   string // why a failed or interrupted run ended, cleaned
}

func (e TaskFired) Turn() string { return "" }

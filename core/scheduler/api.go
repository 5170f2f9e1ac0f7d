package scheduler

import (
	"time"

	"github.com/macroa/macroa/store"
)

// AddRequest is a task to add.
type AddRequest struct {
	Name    string
	Command string // the request's input, or a reminder's text
	Spec    string // any form core/schedule accepts
	Kind    store.TaskKind
	Session string
	Missed  store.MissedPolicy // "" is once
	// MissedCap bounds the runs the "all" policy makes up; 0 is the default (10).
	MissedCap int
	By        string // who asked: person:<login>
	Source    string // the front end: cli, tui, repl...
}

// Preview is a spec read without storing anything: its machine form, its
// words and its next fire times.
type Preview struct {
	Machine string
	Words   string
	Next    []time.Time
}

// Status is the scheduler's state as any process sees it.
type Status struct {
	Lease store.Lease // zero when no process ever held it
	// Held: the lease is held now by a live process (not expired, and the
	// holder, when on this machine, still running).
	Held bool
	Self bool // this process holds it
	// Tasks counts the tasks that will fire (not paused, not done), Paused
	// the paused ones, Running the runs going now.
	Tasks, Paused, Running int
	Next                   time.Time // the next due time; zero when none
	NextTask               string    // its name
}

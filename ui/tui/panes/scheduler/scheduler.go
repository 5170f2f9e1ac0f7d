// Package scheduler is the cockpit's scheduler pane: the scheduled tasks
// by next due time, each with its next run counting down, its spec in
// words, its last outcome and its run count. enter shows a task's details
// and history; space pauses or resumes it, r runs it now (in this
// process, in a tea.Cmd; ctrl+c interrupts it), n adds one with a form
// that previews the next fire times as the spec is typed, x deletes one
// after a y/n question. The header says which process fires the tasks.
//
// The tasks are read again when the store says schedules changed (a
// StoreChanged core event, from any process), when a run fires in this
// process (TaskFired) and after the pane's own actions. The countdowns
// move with a one-second tick that does no I/O: it runs only while some
// task will fire, and a tick changes the screen only when the pane was
// drawn in the frame before it. After each change the pane reads the runs
// written since the last it saw (RunsSince) and toasts a reminder's text
// (until a key is pressed, and marks it shown) and a failed scheduled
// run, once each; runs that existed before the cockpit opened are never
// announced, except reminders nobody saw (UnshownReminders), told once
// on opening.
package scheduler

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// ID is the pane's name: its [keys.scheduler] table in config.toml.
const ID kit.PaneID = "scheduler"

// Service is what the pane asks of the scheduler (*scheduler.Service
// serves it). The methods take a context and plain data, so an in-process
// service or a remote client can serve them.
type Service interface {
	// List returns the tasks by next due time; all adds paused and done ones.
	List(ctx context.Context, all bool) ([]store.Task, error)
	// Describe puts a task's spec in words: "every Monday at 09:00".
	Describe(t store.Task) string
	// Preview reads a spec without storing it: its forms and next fire times.
	Preview(spec string, n int) (scheduler.Preview, error)
	Add(ctx context.Context, r scheduler.AddRequest) (store.Task, error)
	Delete(ctx context.Context, id store.TaskID, by, where string) (store.Task, error)
	SetPaused(ctx context.Context, id store.TaskID, paused bool, by, where string) (store.Task, error)
	// RunNow runs a task in this process and returns when the run ends.
	RunNow(ctx context.Context, id store.TaskID, by, where string) (store.TaskRun, error)
	// History returns a task's newest runs, newest first.
	History(ctx context.Context, id store.TaskID, limit int) ([]store.TaskRun, error)
	// RunsSince returns runs written after seq, oldest first.
	RunsSince(ctx context.Context, seq int64, limit int) ([]store.TaskRun, error)
	// LastRunSeq is where RunsSince starts to see only later runs.
	LastRunSeq(ctx context.Context) (int64, error)
	// NextTimes returns a task's next n fire times from its next due time.
	NextTimes(t store.Task, n int) []time.Time
	// Status says which process runs the tasks, if any.
	Status(ctx context.Context) (scheduler.Status, error)
	// UnshownReminders returns the reminders that fired after since and
	// reached nobody (no cockpit showed them, no notification channel
	// took them), oldest first.
	UnshownReminders(ctx context.Context, since time.Time) ([]store.TaskRun, error)
	// MarkShown records that these runs' reminders reached a person.
	MarkShown(ctx context.Context, ids ...store.TaskRunID) error
}

const (
	timeout      = 10 * time.Second   // bounds one query of the pane
	historyLimit = 50                 // runs the detail view shows
	previewN     = 3                  // fire times a preview shows
	runsPage     = 500                // runs one RunsSince read returns
	missedSince  = 7 * 24 * time.Hour // how far back a cockpit opening shows reminders nobody saw
	maxRunPages  = 40                 // pages one catch-up reads at most
	where        = "cockpit"          // the front end actions are recorded from
	source       = "tui"              // the source a task added here records
)

// mode is what the pane is doing besides showing its list.
type mode int

const (
	browse   mode = iota
	adding        // the add form is open
	deleting      // "delete task …? y/n"
)

// kind names a query, for its sequence number.
type kind int

const (
	kindList kind = iota
	kindDetail
	kindPreview
)

// Pane lists the scheduled tasks.
type Pane struct {
	kit.Base
	svc    Service
	st     kit.Styles
	paint  paints
	now    func() time.Time
	person func() string // who acts from here: person:<login>; called in a Cmd

	tasks   []store.Task
	words   map[store.TaskID]string // each task's spec in words, read with the list
	rows    []int                   // indexes into tasks that pass the filter
	list    kit.List
	loaded  bool
	loadErr string
	status  *scheduler.Status // who runs the tasks; nil when unknown

	// q numbers every query by kind; answers of older ones are dropped.
	q kit.Queries[kind]

	// The task the detail view shows, kept by id while the list reloads,
	// with its history and its next fire times.
	shown    *store.Task
	history  []store.TaskRun
	next     []time.Time
	detailOK bool
	detErr   string
	gone     bool // the shown task is no longer in the table (deleted elsewhere)

	running map[store.TaskID]bool               // run-now calls of this pane not yet answered
	cancels map[store.TaskID]context.CancelFunc // ends a run-now (ctrl+c)
	acting  map[store.TaskID]bool               // pause, resume or delete calls in flight

	prompt mode
	target store.Task // the task the delete question is about
	form   form

	// The tick: ticking says one is scheduled, tickGen drops a tick of an
	// earlier schedule, drawn says View ran since the last tick (a tick
	// while the pane is hidden changes nothing on screen).
	ticking bool
	tickGen int
	drawn   bool
	every   func(gen int) tea.Cmd

	runs runWatch
}

// New builds the scheduler pane; keys are the user's rebinds from
// config.toml [keys.scheduler] (action → keys).
func New(svc Service, st kit.Styles, keys map[string][]string) *Pane {
	p := &Pane{
		Base:    kit.NewBase(ID, "scheduler", bindings(), keys),
		svc:     svc,
		st:      st,
		paint:   newPaints(st),
		now:     time.Now,
		person:  func() string { return approvals.Person(approvals.Cockpit).Who },
		words:   map[store.TaskID]string{},
		running: map[store.TaskID]bool{},
		cancels: map[store.TaskID]context.CancelFunc{},
		acting:  map[store.TaskID]bool{},
	}
	p.every = func(gen int) tea.Cmd {
		return tea.Every(time.Second, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
	}
	return p
}

// SetClock replaces the clock the countdowns are measured with.
func (p *Pane) SetClock(now func() time.Time) { p.now = now }

// SetPerson replaces who the pane acts as (tests; the default is the
// person at this terminal).
func (p *Pane) SetPerson(who string) { p.person = func() string { return who } }

// Capturing is true while the form or the delete question is open, or a
// filter is typed: every key then belongs to the pane.
func (p *Pane) Capturing() bool { return p.prompt != browse || p.list.Filtering }

// Badge is how many tasks will fire (neither paused nor done).
func (p *Pane) Badge() string {
	if n := p.live(); n > 0 {
		return kit.Count(n)
	}
	return ""
}

// live counts the tasks that will fire.
func (p *Pane) live() int {
	n := 0
	for i := range p.tasks {
		if !p.tasks[i].Paused && !p.tasks[i].Done() {
			n++
		}
	}
	return n
}

// Init loads the tasks and notes where the runs end, so only later ones
// are announced.
func (p *Pane) Init() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	p.runs.opened = p.now()
	return tea.Batch(p.load(), p.watchRuns(), p.unshown())
}

// Messages of the pane's queries, actions and tick.
type (
	listMsg struct {
		seq    uint64
		tasks  []store.Task
		words  map[store.TaskID]string
		status *scheduler.Status
		err    error
	}
	detailMsg struct {
		seq  uint64
		id   store.TaskID
		runs []store.TaskRun
		next []time.Time
		err  error
	}
	// actedMsg ends a pause, resume or delete.
	actedMsg struct {
		verb string // "paused", "resumed", "deleted"
		id   store.TaskID
		name string
		task store.Task
		err  error
	}
	// ranMsg ends a run-now.
	ranMsg struct {
		id   store.TaskID
		name string
		kind store.TaskKind
		text string // a reminder's text
		run  store.TaskRun
		err  error
	}
	tickMsg struct{ gen int }
)

// load reads every task, puts each spec in words, and reads who runs
// them.
func (p *Pane) load() tea.Cmd {
	seq, svc := p.q.Next(kindList), p.svc
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		ts, err := svc.List(ctx, true)
		words := make(map[store.TaskID]string, len(ts))
		for _, t := range ts {
			words[t.ID] = svc.Describe(t)
		}
		m := listMsg{seq: seq, tasks: ts, words: words, err: err}
		if st, err := svc.Status(ctx); err == nil {
			m.status = &st
		}
		return m
	})
}

// loadDetail reads the shown task's history and next fire times.
func (p *Pane) loadDetail() tea.Cmd {
	if p.shown == nil || p.svc == nil {
		return nil
	}
	seq, svc, t := p.q.Next(kindDetail), p.svc, *p.shown
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		runs, err := svc.History(ctx, t.ID, historyLimit)
		m := detailMsg{seq: seq, id: t.ID, runs: runs, err: err}
		if !t.Paused {
			m.next = svc.NextTimes(t, previewN)
		}
		return m
	})
}

// reload reads again what the pane shows: the tasks, the shown task's
// history, and the runs written since the last seen.
func (p *Pane) reload() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	return tea.Batch(p.load(), p.loadDetail(), p.watchRuns())
}

// Update takes the pane's query results, the store's changes, runs fired
// here and the tick.
func (p *Pane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.CoreEventMsg:
		if _, ok := msg.Event.(events.TaskFired); ok || kit.StoreChanged(msg, events.PartSchedules) {
			return p.reload()
		}
	case listMsg:
		return p.applyList(msg)
	case detailMsg:
		if !p.q.Current(kindDetail, msg.seq) || p.shown == nil || msg.id != p.shown.ID {
			return nil
		}
		p.history, p.next, p.detailOK, p.detErr = msg.runs, msg.next, true, ""
		if msg.err != nil {
			p.detErr = msg.err.Error()
		}
	case previewMsg:
		p.form.applyPreview(p, msg)
	case addedMsg:
		return p.added(msg)
	case actedMsg:
		return p.acted(msg)
	case ranMsg:
		return p.ran(msg)
	case runsMsg:
		return p.applyRuns(msg)
	case unshownMsg:
		return p.applyUnshown(msg)
	case tickMsg:
		if msg.gen != p.tickGen {
			return nil
		}
		p.drawn = false
		if p.live() == 0 {
			p.ticking = false
			return nil
		}
		return p.every(p.tickGen)
	case tea.PasteMsg:
		if p.prompt == adding {
			return p.form.paste(p, msg)
		}
		if p.list.FilterPaste(msg) {
			p.narrow(p.selectedID())
		}
	}
	return nil
}

// applyList takes a read of the tasks, keeping the selection on its task
// and the detail view on the task it shows.
func (p *Pane) applyList(m listMsg) tea.Cmd {
	if !p.q.Current(kindList, m.seq) {
		return nil // stale: a newer read is on its way
	}
	if m.err != nil {
		p.loadErr = m.err.Error()
		return nil
	}
	keep := p.selectedID()
	p.tasks, p.words, p.loaded, p.loadErr, p.status = m.tasks, m.words, true, "", m.status
	if p.shown != nil {
		p.gone = true
		for i := range p.tasks {
			if p.tasks[i].ID == p.shown.ID {
				t := p.tasks[i]
				p.shown, p.gone = &t, false
			}
		}
	}
	p.narrow(keep)
	return p.startTick()
}

// startTick schedules the countdowns' tick when some task will fire and
// none is scheduled.
func (p *Pane) startTick() tea.Cmd {
	if p.ticking || p.live() == 0 {
		return nil
	}
	p.ticking = true
	p.tickGen++
	return p.every(p.tickGen)
}

// Quiet: stale answers, a read of the tasks that finds what is shown (a
// lease renewal elsewhere wakes the pane), reads of the runs, and a tick while the pane was not drawn (hidden
// behind another tab), change nothing on screen.
func (p *Pane) Quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case tickMsg:
		return m.gen != p.tickGen || !p.drawn
	case listMsg:
		return !p.q.Current(kindList, m.seq) || p.sameList(m)
	case detailMsg:
		return !p.q.Current(kindDetail, m.seq)
	case previewMsg:
		return !p.q.Current(kindPreview, m.seq)
	case runsMsg, unshownMsg:
		return true // what they announce comes as toasts
	}
	return false
}

// sameList reports whether a read of the tasks holds what is shown: the
// same tasks and the same runner (a renewed lease is no change).
func (p *Pane) sameList(m listMsg) bool {
	if m.err != nil || !p.loaded || p.loadErr != "" || len(m.tasks) != len(p.tasks) {
		return false
	}
	for i := range m.tasks {
		if m.tasks[i] != p.tasks[i] {
			return false
		}
	}
	a, b := m.status, p.status
	if a == nil || b == nil {
		return a == b
	}
	return a.Held == b.Held && a.Self == b.Self && a.Lease.Role == b.Lease.Role
}

// narrow matches the tasks against the filter again, keeping the
// selection on the task keep when it still shows.
func (p *Pane) narrow(keep store.TaskID) {
	rows := p.rows[:0]
	sel := -1
	for i := range p.tasks {
		t := &p.tasks[i]
		if p.list.Query() == "" || p.list.Match(t.Name, t.Command, p.words[t.ID], string(t.ID), string(t.LastState)) {
			if t.ID == keep && keep != "" {
				sel = len(rows)
			}
			rows = append(rows, i)
		}
	}
	p.rows = rows
	if sel >= 0 {
		p.list.Sel = sel
	}
	p.list.Clamp(len(rows))
}

// selected returns the selected task.
func (p *Pane) selected() (*store.Task, bool) {
	if len(p.rows) == 0 {
		return nil, false
	}
	p.list.Clamp(len(p.rows))
	return &p.tasks[p.rows[p.list.Sel]], true
}

func (p *Pane) selectedID() store.TaskID {
	if t, ok := p.selected(); ok {
		return t.ID
	}
	return ""
}

// Selected returns a copy of the selected task.
func (p *Pane) Selected() (store.Task, bool) {
	t, ok := p.selected()
	if !ok {
		return store.Task{}, false
	}
	return *t, true
}

// Shown returns the task the detail view shows, and whether it is open.
func (p *Pane) Shown() (store.Task, bool) {
	if p.shown == nil || !p.list.Detail {
		return store.Task{}, false
	}
	return *p.shown, true
}

// Len is how many tasks are loaded.
func (p *Pane) Len() int { return len(p.tasks) }

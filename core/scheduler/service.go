package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// Defaults of the runner's timing.
const (
	DefaultLeaseTTL   = 15 * time.Second
	DefaultRenewEvery = 5 * time.Second
	// MissedGrace is how late the newest due run may start and still
	// count as on time; every earlier one was missed.
	MissedGrace = time.Minute
	// dueBatch is how many due tasks one look claims at most.
	dueBatch = 200
)

// Work is one run handed to Options.Run.
type Work struct {
	Task   store.Task
	Run    store.TaskRun
	TurnID store.TurnID
	// Waiting marks the run as waiting for the approval named (call with
	// "" when it is answered); the executor calls it from the approval
	// queue's OnPending.
	Waiting func(approval store.ApprovalID)
}

// Outcome is how the executor says a run ended.
type Outcome struct {
	Success   bool
	Output    string
	Error     string
	Cancelled bool // the run's context ended before it finished
}

// Options build a Service.
type Options struct {
	Store *store.DB
	Bus   *events.Bus // nil: nothing published
	// Run runs a request task's command (the kernel, source scheduler).
	Run func(ctx context.Context, w Work) Outcome
	// Secrets are removed from what a run keeps.
	Redact func(string) string
	Log    *slog.Logger
	Now    func() time.Time
	// Location is the zone specs without TZ= are read in (time.Local).
	Location *time.Location
	// Holder names this process in the lease and in the runs it claims;
	// Alive says whether the process a holder names still runs.
	Holder string
	Alive  func(holder string) bool
	// LeaseTTL and RenewEvery time the lease (DefaultLeaseTTL, DefaultRenewEvery).
	LeaseTTL   time.Duration
	RenewEvery time.Duration
}

// Service is the scheduler: the task table's operations for every front
// end, and the runner that fires due tasks while this process holds the
// lease.
type Service struct {
	o   Options
	run *runner // nil until Start
	mu  sync.Mutex
}

// New builds a Service; nothing runs until Start.
func New(o Options) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.RenewEvery <= 0 || o.RenewEvery >= o.LeaseTTL {
		o.RenewEvery = o.LeaseTTL / 3
	}
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	if o.Alive == nil {
		o.Alive = func(string) bool { return true }
	}
	return &Service{o: o}
}

// ErrNeverFires is a spec with no fire time after now.
var ErrNeverFires = errors.New("the schedule never fires again")

// Add stores a task after reading its spec; a spec that does not parse is
// a *schedule.Error and nothing is stored.
func (s *Service) Add(ctx context.Context, r AddRequest) (store.Task, error) {
	now := s.o.Now()
	spec, err := schedule.Parse(r.Spec, now, s.o.Location)
	if err != nil {
		return store.Task{}, err
	}
	next, ok := spec.Next(now)
	if !ok {
		return store.Task{}, &schedule.Error{Spec: r.Spec, Reason: "it never fires: its time has passed"}
	}
	if r.Kind == "" {
		r.Kind = store.TaskRequest
	}
	if n := strings.TrimSpace(r.Name); termsafe.Clean(n) != n || strings.ContainsAny(n, "\n\t") {
		return store.Task{}, ErrNameControls
	}
	name, err := s.freeName(ctx, strings.TrimSpace(r.Name), r.Kind)
	if err != nil {
		return store.Task{}, err
	}
	t := store.Task{
		Name: name, Command: r.Command, Kind: r.Kind, Spec: spec.String(),
		Session: r.Session, Missed: r.Missed, MissedCap: r.MissedCap, NextRunAt: next,
		CreatedBy: r.By, Source: r.Source,
	}
	t, err = s.o.Store.AddTask(ctx, t, store.AuditEntry{Source: r.Source, ChosenBy: r.By,
		Action: s.o.Redact(fmt.Sprintf("add task %q (%s): %s", t.Name, spec.String(), t.Command))})
	if err != nil {
		return store.Task{}, err
	}
	s.poke()
	return t, nil
}

// ErrNameControls is a name holding control characters or escape
// sequences: shown cleaned, it could not be typed back to name the task.
var ErrNameControls = errors.New("a task's name cannot hold control characters or escape sequences")

// ErrNameTaken is a name another task that will still fire has: a name
// must say which task it is.
var ErrNameTaken = errors.New("another task has that name")

// freeName is name when no task that will still fire has it. A
// reminder's name is made from its text, so a second one with the same
// text is numbered ("reminder: stretch (2)"); any other task's name must
// be free.
func (s *Service) freeName(ctx context.Context, name string, kind store.TaskKind) (string, error) {
	for n := 1; n <= 100; n++ {
		try := name
		if n > 1 {
			try = fmt.Sprintf("%s (%d)", name, n)
		}
		t, taken, err := s.o.Store.TaskNamed(ctx, try)
		if err != nil {
			return "", err
		}
		if !taken {
			return try, nil
		}
		if kind != store.TaskReminder {
			return "", fmt.Errorf("%w: %q is task %s; pick another name, or delete that one first", ErrNameTaken, name, t.ID)
		}
	}
	return "", fmt.Errorf("%w: %q and 99 numbered ones", ErrNameTaken, name)
}

// Preview reads a spec at now without storing anything; n fire times.
func (s *Service) Preview(text string, n int) (Preview, error) {
	now := s.o.Now()
	spec, err := schedule.Parse(text, now, s.o.Location)
	if err != nil {
		return Preview{}, err
	}
	return Preview{Machine: spec.String(), Words: spec.Describe(), Next: spec.NextN(n, now)}, nil
}

// List returns the tasks by next due time; all adds paused and done ones.
func (s *Service) List(ctx context.Context, all bool) ([]store.Task, error) {
	return s.o.Store.ListTasks(ctx, all)
}

// Find resolves ref: a whole id, a unique id prefix, or an exact name.
// None is store.ErrTaskNotFound; several a *store.AmbiguousTaskError.
func (s *Service) Find(ctx context.Context, ref string) (store.Task, error) {
	return s.o.Store.FindTask(ctx, ref)
}

// Delete removes a task and its history; a run of it going here is
// cancelled.
func (s *Service) Delete(ctx context.Context, id store.TaskID, by, where string) (store.Task, error) {
	t, err := s.o.Store.DeleteTask(ctx, id, store.AuditEntry{Source: where, ChosenBy: by,
		Action: string("delete task " + id)})
	if err != nil {
		return store.Task{}, err
	}
	if r := s.runner(); r != nil {
		r.cancelTask(id)
	}
	s.poke()
	return t, nil
}

// SetPaused pauses or resumes a task; resuming plans its next due time
// from now (a once: keeps its time, and runs by its missed-run policy
// when that has passed).
func (s *Service) SetPaused(ctx context.Context, id store.TaskID, paused bool, by, where string) (store.Task, error) {
	var next time.Time
	if !paused {
		t, err := s.o.Store.GetTask(ctx, id)
		if err != nil {
			return store.Task{}, err
		}
		if spec, err := schedule.ParseStored(t.Spec, s.o.Location); err == nil && spec.Kind() != schedule.Once {
			next, _ = spec.Next(s.o.Now())
		}
	}
	verb := "resume"
	if paused {
		verb = "pause"
	}
	t, err := s.o.Store.SetTaskPaused(ctx, id, paused, next, store.AuditEntry{Source: where, ChosenBy: by,
		Action: verb + " task " + string(id)})
	if err != nil {
		return store.Task{}, err
	}
	s.poke()
	return t, nil
}

// RunNow runs a task in this process at once and returns the finished
// run; store.ErrTaskBusy when a run of it is going. It waits for the run,
// approval included; ctx ending interrupts it.
func (s *Service) RunNow(ctx context.Context, id store.TaskID, by, where string) (store.TaskRun, error) {
	t, err := s.o.Store.GetTask(ctx, id)
	if err != nil {
		return store.TaskRun{}, err
	}
	run, err := s.o.Store.StartRunNow(ctx, id, s.o.Holder)
	if err != nil {
		return store.TaskRun{}, err
	}
	s.o.Log.Info("task run now", "task", t.ID, "name", t.Name, "run", run.ID, "by", by, "where", where)
	rec := s.execute(ctx, t, run)
	if t.Kind == store.TaskReminder && rec.State == store.RunSucceeded {
		// The person who asked sees its text now: no cockpit tells it again.
		if err := s.o.Store.MarkShown(context.WithoutCancel(ctx), rec.ID); err != nil {
			s.o.Log.Warn("scheduler: mark the reminder shown", "run", rec.ID, "err", err)
		}
	}
	return rec, nil
}

// History returns a task's newest runs, newest first.
func (s *Service) History(ctx context.Context, id store.TaskID, limit int) ([]store.TaskRun, error) {
	return s.o.Store.TaskHistory(ctx, id, limit)
}

// RunsSince returns runs written after seq (any task), oldest first.
func (s *Service) RunsSince(ctx context.Context, seq int64, limit int) ([]store.TaskRun, error) {
	return s.o.Store.RunsSince(ctx, seq, limit)
}

// LastRunSeq is where RunsSince starts to see only later runs.
func (s *Service) LastRunSeq(ctx context.Context) (int64, error) {
	return s.o.Store.LastRunSeq(ctx)
}

// UnshownReminders returns the reminders that fired after since and have
// reached nobody yet (no cockpit was open, no notification channel took
// them), oldest first: what a cockpit shows when it opens.
func (s *Service) UnshownReminders(ctx context.Context, since time.Time) ([]store.TaskRun, error) {
	return s.o.Store.UnshownReminders(ctx, since, 100)
}

// MarkShown records that these runs' reminders reached a person.
func (s *Service) MarkShown(ctx context.Context, ids ...store.TaskRunID) error {
	return s.o.Store.MarkShown(ctx, ids...)
}

// Describe puts a task's spec in words: "every Monday at 09:00".
func (s *Service) Describe(t store.Task) string {
	spec, err := schedule.ParseStored(t.Spec, s.o.Location)
	if err != nil {
		return t.Spec
	}
	return spec.Describe()
}

// NextTimes returns a task's next n fire times from its next due time.
func (s *Service) NextTimes(t store.Task, n int) []time.Time {
	if t.Done() || n <= 0 {
		return nil
	}
	spec, err := schedule.ParseStored(t.Spec, s.o.Location)
	if err != nil {
		return []time.Time{t.NextRunAt}
	}
	return append([]time.Time{t.NextRunAt}, spec.NextN(n-1, t.NextRunAt)...)
}

// Status reads the lease and the counts.
func (s *Service) Status(ctx context.Context) (Status, error) {
	var st Status
	l, ok, err := s.o.Store.GetLease(ctx, store.SchedulerLease)
	if err != nil {
		return Status{}, err
	}
	if ok {
		st.Lease = l
		st.Held = l.ExpiresAt.After(s.o.Now()) && s.o.Alive(l.Holder)
		st.Self = st.Held && l.Holder == s.o.Holder
	}
	if st.Tasks, st.Paused, st.Running, err = s.o.Store.TaskCounts(ctx); err != nil {
		return Status{}, err
	}
	t, ok, err := s.o.Store.NextDue(ctx)
	if err != nil {
		return Status{}, err
	}
	if ok {
		st.Next, st.NextTask = t.NextRunAt, t.Name
	}
	return st, nil
}

func (s *Service) runner() *runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run
}

// poke wakes this process's runner to plan again after a change.
func (s *Service) poke() {
	if r := s.runner(); r != nil {
		r.poke()
	}
}

func (s *Service) publish(e events.Event) {
	if s.o.Bus != nil {
		s.o.Bus.Publish(e)
	}
}

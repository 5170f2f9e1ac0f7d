package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/macroa/macroa/store"
)

var errNotYet = errors.New("scheduler: not built yet")

// Service is the scheduler: the task table's operations for every front
// end, and the runner that fires due tasks while this process holds the
// lease.
type Service struct{}

// Add stores a task after reading its spec; a spec that does not parse is
// a *schedule.Error and nothing is stored.
func (s *Service) Add(ctx context.Context, r AddRequest) (store.Task, error) {
	return store.Task{}, errNotYet
}

// Preview reads a spec at now without storing anything; n fire times.
func (s *Service) Preview(spec string, n int) (Preview, error) { return Preview{}, errNotYet }

// List returns the tasks by next due time; all adds paused and done ones.
func (s *Service) List(ctx context.Context, all bool) ([]store.Task, error) { return nil, errNotYet }

// Find resolves ref: a whole id, a unique id prefix, or an exact name.
// None is store.ErrTaskNotFound; several a *store.AmbiguousTaskError.
func (s *Service) Find(ctx context.Context, ref string) (store.Task, error) {
	return store.Task{}, errNotYet
}

// Delete removes a task and its history.
func (s *Service) Delete(ctx context.Context, id store.TaskID, by, where string) (store.Task, error) {
	return store.Task{}, errNotYet
}

// SetPaused pauses or resumes a task; resuming plans its next due time
// from now.
func (s *Service) SetPaused(ctx context.Context, id store.TaskID, paused bool, by, where string) (store.Task, error) {
	return store.Task{}, errNotYet
}

// RunNow runs a task in this process at once and returns the finished
// run; store.ErrTaskBusy when a run of it is going.
func (s *Service) RunNow(ctx context.Context, id store.TaskID, by, where string) (store.TaskRun, error) {
	return store.TaskRun{}, errNotYet
}

// History returns a task's newest runs, newest first.
func (s *Service) History(ctx context.Context, id store.TaskID, limit int) ([]store.TaskRun, error) {
	return nil, errNotYet
}

// RunsSince returns runs written after seq (any task), oldest first.
func (s *Service) RunsSince(ctx context.Context, seq int64, limit int) ([]store.TaskRun, error) {
	return nil, errNotYet
}

// Describe puts a task's spec in words: "every Monday at 09:00".
func (s *Service) Describe(t store.Task) string { return t.Spec }

// Status reads the lease and the counts.
func (s *Service) Status(ctx context.Context) (Status, error) { return Status{}, errNotYet }

// Start runs due tasks in the background whenever this process holds the
// lease, taking it when it is free; role names this process ("daemon",
// "tui").
func (s *Service) Start(ctx context.Context, role string) error { return errNotYet }

// Stop ends the runner: runs still going after grace are cancelled and
// marked interrupted, and the lease is released.
func (s *Service) Stop(grace time.Duration) {}

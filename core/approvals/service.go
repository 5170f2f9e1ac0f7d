package approvals

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// Config is what the service reads from the configuration each time it
// needs it, so a changed level applies to the next proposal.
type Config struct {
	Level  policy.Level  // the global autonomy level
	Policy policy.Policy // protected units, denied commands, per-host levels ("" is this machine)
	Expiry time.Duration // how long a pending entry waits; 0: DefaultExpiry
	Wait   time.Duration // how long Ask waits for a person; 0: DefaultWait
	// ShellTimeout bounds one program an action runs (and its check); 0:
	// no bound of its own.
	ShellTimeout time.Duration
	// Secrets are the configured secret values, redacted from what is
	// stored, published and logged.
	Secrets []string
}

// The defaults of Config.
const (
	DefaultExpiry = 24 * time.Hour
	DefaultWait   = 10 * time.Minute
)

// ServiceOptions are what a Service is built from.
type ServiceOptions struct {
	Store  *store.DB
	Bus    *events.Bus     // nil: nothing is published, and waits re-read every safety interval
	Config func() Config   // nil: suggest, with the defaults
	Local  hosts.Transport // this machine; nil: hosts.Local{}
	// Transports gives the transport to another host, for an action whose
	// Host names one (through SSH, with the host's sudo policy); nil:
	// such actions fail.
	Transports func(host string) (hosts.Transport, error)
	Memory     MemoryWriter // nil: the memory kinds fail
	Log        *slog.Logger
	Now        func() time.Time
	// BackupDir is where file writes keep their backups (<data dir>/backups).
	BackupDir string
}

// Service is the approval queue and its executor.
type Service struct {
	db     *store.DB
	bus    *events.Bus
	cfg    func() Config
	log    *slog.Logger
	now    func() time.Time
	exec   executor
	runner string
	// safety is how often a wait re-reads its entry anyway, in case a
	// change was never announced.
	safety time.Duration

	mu      sync.Mutex
	base    context.Context // ends with Stop: runs in flight are cancelled
	stop    context.CancelFunc
	started bool
	stopped bool           // no run starts any more
	runs    sync.WaitGroup // runs in flight, which Stop waits for
	done    chan struct{}
	kick    chan struct{} // a new pending entry: the expiry timer looks again

	// beforeRun, when set, is called after an entry was approved for this
	// process and before it starts running (tests stop here).
	beforeRun func(Entry)
}

// ErrStopped is what an approval says once the service has stopped: the
// entry stays pending. (One decided just as it stopped stays approved for
// this process, and the next start marks it interrupted: it never runs by
// itself.)
var ErrStopped = errors.New("macroa is shutting down, so nothing more is proposed or run")

// safetyReread is how often a wait reads its entry when nothing woke it.
const safetyReread = 2 * time.Second

// NewService returns a service over o.Store; Start begins its background
// work (recovery and the expiry timer).
func NewService(o ServiceOptions) *Service {
	if o.Config == nil {
		o.Config = func() Config { return Config{Level: policy.Suggest} }
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Service{db: o.Store, bus: o.Bus, cfg: o.Config, log: o.Log, now: o.Now, runner: Runner(),
		safety: safetyReread, base: base, stop: cancel, kick: make(chan struct{}, 1)}
	s.exec = executor{local: o.Local, transports: o.Transports, memory: o.Memory, backups: o.BackupDir, publish: s.publish}
	return s
}

// Asker is how one front end hands proposals to the queue: Ask with o.
func (s *Service) Asker(o AskOptions) AskFunc {
	return func(ctx context.Context, p Proposal) (Answer, error) { return s.Ask(ctx, p, o) }
}

func (s *Service) config() Config {
	c := s.cfg()
	if c.Level == "" {
		c.Level = policy.Suggest
	}
	if c.Expiry <= 0 {
		c.Expiry = DefaultExpiry
	}
	if c.Wait <= 0 {
		c.Wait = DefaultWait
	}
	return c
}

func (s *Service) publish(e events.Event) {
	if s.bus != nil {
		s.bus.Publish(e)
	}
}

// changed publishes an entry's transition.
func (s *Service) changed(e Entry, by, where string, merged bool) {
	s.publish(events.ApprovalChanged{ID: string(e.ID), State: string(e.State), Risk: e.Risk, Summary: e.Summary,
		Host: e.Host, Proposer: e.Proposer, By: by, Where: where, Merged: merged, TurnID: string(e.TurnID)})
}

// Approve answers a pending entry yes for d, then runs it here and
// returns it finished. The first answer wins: a later one, here or in
// another process, gets a *store.ApprovalConflict with the entry as it
// stands. With r.Scope set, the approval is also remembered as a rule for
// the same kind and target; an entry with a protected target, critical
// risk or denied by the gate is never remembered (and nothing is decided).
func (s *Service) Approve(ctx context.Context, id store.ApprovalID, d Decider, r Remember) (Entry, error) {
	if d.Who == "" {
		return Entry{}, errors.New("an approval needs who decides")
	}
	if s.isStopped() {
		return Entry{}, ErrStopped
	}
	if r.Scope != "" {
		cur, err := s.db.GetApproval(ctx, id)
		if err != nil {
			return Entry{}, err
		}
		if err := rememberable(cur, r); err != nil {
			return Entry{}, err
		}
	}
	e, err := s.db.DecideApproval(ctx, id, store.ApprovalApproved, d.Who, string(d.Where), "", s.runner)
	if err != nil {
		s.conflictSeen(err, d)
		return Entry{}, err
	}
	s.changed(e, d.Who, string(d.Where), false)
	if r.Scope != "" {
		if err := s.remember(ctx, e, d, r); err != nil {
			s.log.Warn("approvals: remember a decision", "id", e.ID, "err", err)
		}
	}
	return s.execute(ctx, e, d)
}

func (s *Service) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// Reject answers a pending entry no, keeping the note for the proposer.
func (s *Service) Reject(ctx context.Context, id store.ApprovalID, d Decider, note string) (Entry, error) {
	if d.Who == "" {
		return Entry{}, errors.New("a rejection needs who decides")
	}
	e, err := s.db.DecideApproval(ctx, id, store.ApprovalRejected, d.Who, string(d.Where), note, "")
	if err != nil {
		s.conflictSeen(err, d)
		return Entry{}, err
	}
	s.changed(e, d.Who, string(d.Where), false)
	return e, nil
}

// conflictSeen publishes the expiry a late answer caused: the store
// turned the entry expired in that answer's transaction.
func (s *Service) conflictSeen(err error, d Decider) {
	var c *store.ApprovalConflict
	if errors.As(err, &c) && errors.Is(err, store.ErrApprovalExpired) && c.Current.State == store.ApprovalExpired {
		s.changed(c.Current, "expiry", string(d.Where), false)
	}
}

// execute runs an entry approved for this process: the executor's
// preparation (a file's backup), then running (with the Undo JSON), the
// run, and the outcome. The run ends when ctx ends (ctrl+c) or the
// service stops, and its outcome is recorded all the same: an entry this
// process claimed never stays approved or running behind it.
func (s *Service) execute(ctx context.Context, e Entry, d Decider) (Entry, error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return e, ErrStopped
	}
	s.runs.Add(1)
	s.mu.Unlock()
	defer s.runs.Done()
	if s.beforeRun != nil {
		s.beforeRun(e)
	}
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.base, cancel)
	defer stop()
	cfg := s.config()

	a, aerr := actions.Decode(actions.Kind(e.Kind), e.Host, []byte(e.Params))
	var prep prepared
	if aerr == nil {
		prep, aerr = s.exec.prepare(e.ID, a)
	}
	started, err := s.db.StartApproval(context.WithoutCancel(ctx), e.ID, s.runner, prep.undo)
	if err != nil {
		if prep.file != nil {
			prep.file.discard()
		}
		return e, fmt.Errorf("start approval %s: %w", e.ID, err)
	}
	s.changed(started, d.Who, string(d.Where), false)

	var o outcome
	if aerr != nil {
		o = outcome{exitCode: -1, err: aerr.Error()}
	} else {
		o = s.exec.run(run, e.ID, a, prep, cfg.ShellTimeout, cfg.Secrets)
	}
	to := store.ApprovalSucceeded
	if !o.ok {
		to = store.ApprovalFailed
	}
	// The outcome is recorded even when the run was cancelled.
	fin, err := s.db.FinishApproval(context.WithoutCancel(ctx), e.ID, s.runner, to, o.exitCode, o.output, o.err)
	if err != nil {
		return started, fmt.Errorf("finish approval %s: %w", e.ID, err)
	}
	s.changed(fin, d.Who, string(d.Where), false)
	return fin, nil
}

// Get returns one entry.
func (s *Service) Get(ctx context.Context, id store.ApprovalID) (Entry, error) {
	return s.db.GetApproval(ctx, id)
}

// Resolve finds the entry a unique id prefix names.
func (s *Service) Resolve(ctx context.Context, prefix string) (store.ApprovalID, error) {
	return s.db.ResolveApprovalID(ctx, prefix)
}

// List returns entries, pending first.
func (s *Service) List(ctx context.Context, q store.ApprovalQuery) ([]Entry, error) {
	return s.db.ListApprovals(ctx, q)
}

// Counts returns the numbers the status bar shows.
func (s *Service) Counts(ctx context.Context) (store.ApprovalCounts, error) {
	return s.db.CountApprovals(ctx)
}

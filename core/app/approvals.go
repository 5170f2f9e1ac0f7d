package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// Approvals returns the approval queue and its executor, built on first
// use from the configuration ([policy]), the store, the broker, this
// machine's hosts.Local and the memory service. Start starts its
// background work (recovery of what a dead process left, the expiry
// timer); Shutdown stops it before the store closes.
func (a *App) Approvals() (*approvals.Service, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.approvalService()
}

// approvalService builds the service once; a.mu is held.
func (a *App) approvalService() (*approvals.Service, error) {
	if a.approvals != nil {
		return a.approvals, nil
	}
	db, err := a.openStore(context.Background())
	if err != nil {
		return nil, err
	}
	reload := a.opts.reloadConfig
	if reload == nil && a.opts.Config == nil {
		reload = config.LoadDefault
	}
	src := newPolicySource(a.cfg, reload, a.logger())
	a.approvals = approvals.NewService(approvals.ServiceOptions{
		Store:  db,
		Bus:    a.broker(),
		Config: src.get,
		Local:  hosts.Local{},
		// An approved action for another host runs through its transport.
		Transports: func(host string) (hosts.Transport, error) {
			h, err := a.Hosts()
			if err != nil {
				return nil, err
			}
			return h.Transport(host)
		},
		Memory:    approvalMemory{a},
		Log:       a.logger(),
		BackupDir: filepath.Join(a.cfg.Home, "backups"),
	})
	// A process that never calls Start (macroa run, macroa approvals)
	// sends the notifications for the changes it makes too.
	a.startNotify(a.cfg)
	return a.approvals, nil
}

// approvalConfig is the service's configuration from [policy]: the
// level, protected units and denied commands, per-host levels (the
// "local" key is this machine), expiry and wait, the shell timeout and
// the secrets to redact.
func approvalConfig(c *config.Config) approvals.Config {
	p := c.File.Policy
	levels := make(map[string]policy.Level, len(p.Hosts))
	for h, l := range p.Hosts {
		if h == config.LocalHost {
			h = ""
		}
		levels[h] = policy.Level(l)
	}
	return approvals.Config{
		Level:        policy.Level(p.Autonomy),
		Policy:       policy.Policy{ProtectedUnits: p.Protected, DeniedCommands: p.DenyCommands, AllowedCommands: p.AllowCommands, HostLevels: levels},
		Expiry:       time.Duration(p.ApprovalExpiry),
		Wait:         time.Duration(p.ApprovalWait),
		ShellTimeout: c.ShellTimeout,
		Secrets:      c.SecretValues(),
	}
}

// policySource gives the approval queue its configuration, read again
// when config.toml changes (macroa autonomy sets a level in another
// process): the next proposal is judged at the new level. A file that no
// longer loads keeps the last good configuration, with a warning.
type policySource struct {
	path   string
	reload func() (*config.Config, error) // nil: never read again
	log    *slog.Logger

	mu    sync.Mutex
	stamp fileStamp
	cur   approvals.Config
}

// fileStamp tells one version of a file from another.
type fileStamp struct {
	exists bool
	mod    int64 // nanoseconds
	size   int64
	ino    uint64
}

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	st := fileStamp{exists: true, mod: fi.ModTime().UnixNano(), size: fi.Size()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	return st
}

func newPolicySource(cfg *config.Config, reload func() (*config.Config, error), log *slog.Logger) *policySource {
	return &policySource{path: cfg.FilePath, reload: reload, log: log, stamp: stampOf(cfg.FilePath), cur: approvalConfig(cfg)}
}

// get returns the configuration, read again first when config.toml
// changed since it was last read: one stat when it did not.
func (s *policySource) get() approvals.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reload == nil {
		return s.cur
	}
	st := stampOf(s.path)
	if st == s.stamp {
		return s.cur
	}
	s.stamp = st
	cfg, err := s.reload()
	if err != nil {
		s.log.Warn("approvals: config.toml changed but does not load; the last good policy stays", "err", err)
		return s.cur
	}
	s.cur = approvalConfig(cfg)
	return s.cur
}

// startApprovals builds and starts the queue's background work; a.mu is
// not held (recovery reads and writes the store).
func (a *App) startApprovals(ctx context.Context) error {
	svc, err := a.Approvals()
	if err != nil {
		return err
	}
	if err := svc.Start(ctx); err != nil {
		return fmt.Errorf("start the approval queue: %w", err)
	}
	return nil
}

// stopApprovals stops the queue's background work and waits for runs in
// flight to record their outcome.
func (a *App) stopApprovals() {
	a.mu.Lock()
	svc := a.approvals
	a.mu.Unlock()
	if svc != nil {
		svc.Stop()
	}
}

// approvalMemory is the memory service as the executor uses it: each
// change commits with its audit entry.
type approvalMemory struct{ a *App }

func (m approvalMemory) Remember(ctx context.Context, key, value string) error {
	ms := m.a.MemoryService()
	e := ms.Record("approval", "remember "+key, "remember "+key+" = "+value)
	e.ChosenBy = "approval"
	_, err := ms.Set(ctx, store.FactInput{Key: key, Value: value, Source: "approval"}, e)
	return err
}

func (m approvalMemory) Forget(ctx context.Context, key string) error {
	ms := m.a.MemoryService()
	_, ok, err := ms.Forget(ctx, "", key, func(f store.Fact) store.AuditEntry {
		e := ms.Record("approval", "forget "+key, "forget "+f.Namespace+"/"+f.Key)
		e.ChosenBy = "approval"
		return e
	})
	if err == nil && !ok {
		return fmt.Errorf("nothing is remembered under %q", key)
	}
	return err
}

// The facade of the approval queue: what the approvals pane and the CLI
// ask, with the service's signatures.

// Ask hands a proposal to the queue (see approvals.Service.Ask).
func (a *App) Ask(ctx context.Context, p approvals.Proposal, o approvals.AskOptions) (approvals.Answer, error) {
	svc, err := a.Approvals()
	if err != nil {
		return approvals.Answer{}, err
	}
	return svc.Ask(ctx, p, o)
}

// ListApprovals returns entries, pending first by risk and age.
func (a *App) ListApprovals(ctx context.Context, q store.ApprovalQuery) ([]store.Approval, error) {
	svc, err := a.Approvals()
	if err != nil {
		return nil, err
	}
	return svc.List(ctx, q)
}

// ApprovalCounts returns the numbers the status bar shows.
func (a *App) ApprovalCounts(ctx context.Context) (store.ApprovalCounts, error) {
	svc, err := a.Approvals()
	if err != nil {
		return store.ApprovalCounts{}, err
	}
	return svc.Counts(ctx)
}

// GetApproval returns one entry.
func (a *App) GetApproval(ctx context.Context, id store.ApprovalID) (store.Approval, error) {
	svc, err := a.Approvals()
	if err != nil {
		return store.Approval{}, err
	}
	return svc.Get(ctx, id)
}

// ResolveApproval finds the entry a unique id prefix names.
func (a *App) ResolveApproval(ctx context.Context, prefix string) (store.ApprovalID, error) {
	svc, err := a.Approvals()
	if err != nil {
		return "", err
	}
	return svc.Resolve(ctx, prefix)
}

// Approve decides an entry yes and runs it here; it returns when the run
// ends.
func (a *App) Approve(ctx context.Context, id store.ApprovalID, d approvals.Decider, r approvals.Remember) (store.Approval, error) {
	svc, err := a.Approvals()
	if err != nil {
		return store.Approval{}, err
	}
	return svc.Approve(ctx, id, d, r)
}

// Reject decides an entry no, keeping the note for the proposer.
func (a *App) Reject(ctx context.Context, id store.ApprovalID, d approvals.Decider, note string) (store.Approval, error) {
	svc, err := a.Approvals()
	if err != nil {
		return store.Approval{}, err
	}
	return svc.Reject(ctx, id, d, note)
}

// ApprovalRules returns the remembered approvals that apply.
func (a *App) ApprovalRules(ctx context.Context) ([]store.ApprovalRule, error) {
	svc, err := a.Approvals()
	if err != nil {
		return nil, err
	}
	return svc.Rules(ctx)
}

// RevokeApprovalRule ends a remembered approval.
func (a *App) RevokeApprovalRule(ctx context.Context, id store.ApprovalRuleID, d approvals.Decider) error {
	svc, err := a.Approvals()
	if err != nil {
		return err
	}
	return svc.Revoke(ctx, id, d)
}

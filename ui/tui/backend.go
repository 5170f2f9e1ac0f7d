package tui

import (
	"context"
	"sync"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
)

// Backend is everything the cockpit asks of the core. Panes call it only
// from tea.Cmds, never from Update. The in-process implementation wraps
// the kernel and the store; a remote one can come later without touching
// the panes.
type Backend interface {
	Run(ctx context.Context, req kernel.Request) kernel.Result
	Sessions(ctx context.Context) ([]store.Session, error)
	History(ctx context.Context, session string, limit int) ([]store.Entry, error)
	EnsureSession(ctx context.Context, name string) (store.Session, error)
	RenameSession(ctx context.Context, from, to string) error
	DeleteSession(ctx context.Context, name string) (bool, error)
	AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error)
	RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error)
	SpentSince(ctx context.Context, since time.Time) (float64, error)
}

// Local is the in-process Backend.
type Local struct {
	Kernel *kernel.Kernel
	DB     *store.DB
	// Base, when set, ends every run when it ends: the cockpit cancels it
	// when the terminal goes away (SIGHUP), so in-flight answers are saved
	// as cancelled rather than lost.
	Base context.Context
	// Runs, when set, counts runs in flight, so the process can wait for
	// them to finish saving before it exits.
	Runs *sync.WaitGroup
}

func (l Local) Run(ctx context.Context, req kernel.Request) kernel.Result {
	if l.Runs != nil {
		l.Runs.Add(1)
		defer l.Runs.Done()
	}
	if l.Base != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(l.Base, cancel)
		defer stop()
	}
	return l.Kernel.Run(ctx, req)
}
func (l Local) Sessions(ctx context.Context) ([]store.Session, error) { return l.DB.ListSessions(ctx) }
func (l Local) EnsureSession(ctx context.Context, name string) (store.Session, error) {
	return l.DB.EnsureSession(ctx, name)
}
func (l Local) RenameSession(ctx context.Context, from, to string) error {
	return l.DB.RenameSession(ctx, from, to)
}
func (l Local) DeleteSession(ctx context.Context, name string) (bool, error) {
	return l.DB.DeleteSession(ctx, name)
}
func (l Local) AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error) {
	return l.DB.AuditSince(ctx, after, limit)
}
func (l Local) RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error) {
	return l.DB.RecentAudit(ctx, n)
}
func (l Local) SpentSince(ctx context.Context, since time.Time) (float64, error) {
	return l.DB.SpentSince(ctx, since, "")
}

// History returns a session's last limit entries, oldest first; no
// session by that name is an empty history.
func (l Local) History(ctx context.Context, session string, limit int) ([]store.Entry, error) {
	s, ok, err := l.DB.SessionByName(ctx, session)
	if err != nil || !ok {
		return nil, err
	}
	return l.DB.RecentEntries(ctx, s.ID, limit)
}

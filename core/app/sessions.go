package app

import (
	"context"

	"github.com/macroa/macroa/store"
)

// SessionService is named sessions: listing, history, creating, renaming,
// deleting and clearing them. The CLI, the REPL and the cockpit read and
// change sessions only through it.
type SessionService struct{ a *App }

// SessionService returns the sessions service.
func (a *App) SessionService() SessionService { return SessionService{a} }

// List returns every named session, most recently used first.
func (s SessionService) List(ctx context.Context) ([]store.Session, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return nil, err
	}
	return db.ListSessions(ctx)
}

// Lookup finds a session by name; ok is false when there is none.
func (s SessionService) Lookup(ctx context.Context, name string) (sess store.Session, ok bool, err error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return store.Session{}, false, err
	}
	return db.SessionByName(ctx, name)
}

// Entries returns the session's last limit entries (0: all), oldest first.
func (s SessionService) Entries(ctx context.Context, sess store.Session, limit int) ([]store.Entry, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return nil, err
	}
	return db.RecentEntries(ctx, sess.ID, limit)
}

// History returns the named session's last limit entries, oldest first;
// no session by that name is an empty history.
func (s SessionService) History(ctx context.Context, name string, limit int) ([]store.Entry, error) {
	sess, ok, err := s.Lookup(ctx, name)
	if err != nil || !ok {
		return nil, err
	}
	return s.Entries(ctx, sess, limit)
}

// Ensure returns the named session, creating it when new.
func (s SessionService) Ensure(ctx context.Context, name string) (store.Session, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return store.Session{}, err
	}
	return db.EnsureSession(ctx, name)
}

// Rename gives a session a new name.
func (s SessionService) Rename(ctx context.Context, from, to string) error {
	db, err := s.a.store(ctx)
	if err != nil {
		return err
	}
	return db.RenameSession(ctx, from, to)
}

// Delete removes a session and its conversation; ok is false when there
// was none. Audit entries stay.
func (s SessionService) Delete(ctx context.Context, name string) (bool, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return false, err
	}
	return db.DeleteSession(ctx, name)
}

// Clear forgets the named session's conversation and keeps the session;
// no session by that name is nothing to clear.
func (s SessionService) Clear(ctx context.Context, name string) error {
	sess, ok, err := s.Lookup(ctx, name)
	if err != nil || !ok {
		return err
	}
	db, err := s.a.store(ctx)
	if err != nil {
		return err
	}
	return db.ClearSession(ctx, sess.ID)
}

package app

import (
	"context"
	"time"

	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/store"
)

// MemoryService is remembered facts, by namespace: get, set, list, search
// and forget. It never calls a model.
type MemoryService struct{ a *App }

// MemoryService returns the memory service.
func (a *App) MemoryService() MemoryService { return MemoryService{a} }

// Get returns the live fact under key; namespace "" looks in every
// namespace, preferring "user".
func (m MemoryService) Get(ctx context.Context, namespace, key string) (store.Fact, bool, error) {
	db, err := m.a.store(ctx)
	if err != nil {
		return store.Fact{}, false, err
	}
	return db.GetFact(ctx, namespace, key)
}

// List returns live facts, pinned first, then newest; namespace "" lists
// every namespace, limit <= 0 all of them.
func (m MemoryService) List(ctx context.Context, namespace string, limit int) ([]store.Fact, error) {
	db, err := m.a.store(ctx)
	if err != nil {
		return nil, err
	}
	return db.ListFacts(ctx, namespace, limit)
}

// Search is a full-text search over keys and values.
func (m MemoryService) Search(ctx context.Context, query string, limit int) ([]store.Fact, error) {
	db, err := m.a.store(ctx)
	if err != nil {
		return nil, err
	}
	return db.SearchFacts(ctx, query, limit)
}

// Set remembers a fact; it commits with its audit entry e or not at all.
func (m MemoryService) Set(ctx context.Context, in store.FactInput, e store.AuditEntry) (store.Fact, error) {
	db, err := m.a.store(ctx)
	if err != nil {
		return store.Fact{}, err
	}
	f, _, err := db.SetFactAudited(ctx, in, e)
	return f, err
}

// Forget forgets the live fact under key (namespace "" as in Get), with
// the audit entry record gives for the fact found; ok is false, and
// nothing is written, when there is none.
func (m MemoryService) Forget(ctx context.Context, namespace, key string, record func(store.Fact) store.AuditEntry) (store.Fact, bool, error) {
	db, err := m.a.store(ctx)
	if err != nil {
		return store.Fact{}, false, err
	}
	return db.ForgetFact(ctx, namespace, key, record)
}

// Record is the audit entry of a memory write a person asked for from a
// front end (source "cli", say): input is what they typed, action what the
// write does. Both are redacted of the configured secrets; the value
// belongs only in action.
func (m MemoryService) Record(source, input, action string) store.AuditEntry {
	var secrets []string
	if cfg, err := m.a.Config(); err == nil {
		secrets = cfg.SecretValues()
	}
	return store.AuditEntry{
		TurnID:   store.NewTurnID(),
		Time:     time.Now(),
		Source:   source,
		Input:    redact.String(input, secrets...),
		Route:    "command",
		Skill:    "memory",
		Action:   redact.String(action, secrets...),
		ChosenBy: "user",
		Success:  true,
	}
}

package app

import (
	"context"

	"github.com/macroa/macroa/store"
)

// AuditService reads, verifies and accepts the hash-chained audit log.
type AuditService struct{ a *App }

// AuditService returns the audit service.
func (a *App) AuditService() AuditService { return AuditService{a} }

// Recent returns the newest n entries, newest first.
func (s AuditService) Recent(ctx context.Context, n int) ([]store.AuditEntry, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return nil, err
	}
	return db.RecentAudit(ctx, n)
}

// Since returns at most limit entries after the entry after, oldest first.
func (s AuditService) Since(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return nil, err
	}
	return db.AuditSince(ctx, after, limit)
}

// Verify checks the chain, the MACs and the checkpoint.
func (s AuditService) Verify(ctx context.Context) (store.VerifyReport, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return store.VerifyReport{}, err
	}
	return db.VerifyAudit(ctx)
}

// Stats summarises runs, failures, cost and tiers.
func (s AuditService) Stats(ctx context.Context) (store.AuditStats, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return store.AuditStats{}, err
	}
	return db.AuditStats(ctx)
}

// Acceptance says whether the log needs accepting, and why.
func (s AuditService) Acceptance(ctx context.Context) (store.AuditAcceptance, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return store.AuditAcceptance{}, err
	}
	return db.AuditAcceptance(ctx)
}

// Accept takes the log as it stood when seen was read, recorded as e.
func (s AuditService) Accept(ctx context.Context, seen store.AuditAcceptance, e store.AuditEntry) (store.AuditEntry, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return store.AuditEntry{}, err
	}
	return db.AcceptAudit(ctx, seen, e)
}

// CheckpointPath is where the log's checkpoint is kept, beside the store.
func (s AuditService) CheckpointPath(ctx context.Context) (string, error) {
	db, err := s.a.store(ctx)
	if err != nil {
		return "", err
	}
	return store.CheckpointPath(db.Path()), nil
}

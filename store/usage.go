package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// UsageRecord is one model call's tokens and cost.
type UsageRecord struct {
	Time             time.Time
	TurnID           TurnID
	Session, Source  string
	Tier, Provider   string
	Model            string
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
	Cached           bool // answered from the response cache: nothing was spent
	Estimated        bool // the provider sent no token counts: these are an estimate
}

// RecordUsage stores one model call.
func (db *DB) RecordUsage(ctx context.Context, r UsageRecord) error {
	if math.IsNaN(r.CostUSD) || math.IsInf(r.CostUSD, 0) || r.CostUSD < 0 {
		return fmt.Errorf("record usage: bad cost %v", r.CostUSD)
	}
	if r.Time.IsZero() {
		r.Time = db.now()
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO usage
		(created_at, turn_id, session, source, tier, provider, model, prompt_tokens, completion_tokens, cost_usd, cached, estimated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Time.UnixMilli(), string(r.TurnID), r.Session, r.Source, r.Tier, r.Provider, r.Model,
		r.PromptTokens, r.CompletionTokens, r.CostUSD, boolInt(r.Cached), boolInt(r.Estimated))
	if err != nil {
		return fmt.Errorf("record usage: %w", err)
	}
	return nil
}

// SpentSince returns the dollars spent on model calls from since on; with a
// session name, only that session's calls count.
func (db *DB) SpentSince(ctx context.Context, since time.Time, session string) (float64, error) {
	q := `SELECT COALESCE(SUM(cost_usd), 0) FROM usage WHERE created_at >= ?`
	args := []any{since.UnixMilli()}
	if session != "" {
		q += ` AND session = ?`
		args = append(args, session)
	}
	var spent float64
	if err := db.sql.QueryRowContext(ctx, q, args...).Scan(&spent); err != nil {
		return 0, fmt.Errorf("sum spending: %w", err)
	}
	return spent, nil
}

// UsageGroup names a way to break spending down.
type UsageGroup string

const (
	ByDay     UsageGroup = "day"
	ByTier    UsageGroup = "tier"
	ByModel   UsageGroup = "model"
	BySession UsageGroup = "session"
)

// UsageRow is one line of a usage report.
type UsageRow struct {
	Key              string  `json:"key"` // the day (YYYY-MM-DD, local time), tier, model or session
	Calls            int64   `json:"calls"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	// Estimated counts the calls whose tokens (and so cost) are estimates.
	Estimated int64 `json:"estimated_calls"`
}

// UsageReport sums calls, tokens and cost from since on, grouped as asked,
// largest cost first (days: newest first).
func (db *DB) UsageReport(ctx context.Context, since time.Time, group UsageGroup) ([]UsageRow, error) {
	var key, order string
	switch group {
	case ByDay:
		key, order = `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch', 'localtime')`, `k DESC`
	case ByTier:
		key, order = `tier`, `cost DESC, k`
	case ByModel:
		key, order = `model`, `cost DESC, k`
	case BySession:
		key, order = `session`, `cost DESC, k`
	default:
		return nil, errors.New("usage report: unknown grouping " + string(group))
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT `+key+` AS k, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_usd) AS cost, SUM(estimated)
		FROM usage WHERE created_at >= ? GROUP BY k ORDER BY `+order, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("usage report: %w", err)
	}
	defer rows.Close()
	var out []UsageRow
	for rows.Next() {
		var r UsageRow
		if err := rows.Scan(&r.Key, &r.Calls, &r.PromptTokens, &r.CompletionTokens, &r.CostUSD, &r.Estimated); err != nil {
			return nil, fmt.Errorf("usage report: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("usage report: %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
)

// AuditStats summarises the whole audit log.
type AuditStats struct {
	TotalRuns    int64
	Failures     int64 // success = 0
	PlanCalls    int64 // plan_steps > 0
	Sessions     int64 // distinct non-empty sessions
	TotalTokens  int64 // prompt + completion
	TotalCostUSD float64
	BySkill      []SkillStat  // most used first
	ByTier       []TierStat   // most used first
	BySource     []SourceStat // most used first
}

// SkillStat is one skill's share of the audit log.
type SkillStat struct {
	Skill   string
	Count   int64
	AvgMS   int64 // mean elapsed time, rounded
	CostUSD float64
}

// TierStat is one model tier's share of the audit log.
type TierStat struct {
	Tier    string
	Count   int64
	CostUSD float64
}

// SourceStat is one front end's share of the audit log (tui, run, http...).
type SourceStat struct {
	Source  string
	Count   int64
	CostUSD float64
}

// AuditStats computes totals and per-skill, per-tier and per-source counts
// over runs' outcomes: the records written before an action (stage start)
// are not runs of their own.
func (db *DB) AuditStats(ctx context.Context) (AuditStats, error) {
	var st AuditStats
	// One read transaction so the totals and the breakdowns agree.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return st, fmt.Errorf("audit stats: %w", err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `
		SELECT count(*), coalesce(sum(success = 0), 0), coalesce(sum(plan_steps > 0), 0),
		       count(DISTINCT nullif(session, '')),
		       coalesce(sum(prompt_tokens + completion_tokens), 0), coalesce(sum(cost_usd), 0)
		FROM audit_log WHERE stage = ''`).Scan(&st.TotalRuns, &st.Failures, &st.PlanCalls, &st.Sessions, &st.TotalTokens, &st.TotalCostUSD)
	if err != nil {
		return st, fmt.Errorf("audit stats: %w", err)
	}
	st.TotalCostUSD = roundCost(st.TotalCostUSD)

	skills, err := groupBy(ctx, tx, "skill")
	if err != nil {
		return st, fmt.Errorf("audit stats: %w", err)
	}
	for _, g := range skills {
		st.BySkill = append(st.BySkill, SkillStat{Skill: g.key, Count: g.count, AvgMS: g.avgMS, CostUSD: g.cost})
	}
	tiers, err := groupBy(ctx, tx, "tier")
	if err != nil {
		return st, fmt.Errorf("audit stats: %w", err)
	}
	for _, g := range tiers {
		st.ByTier = append(st.ByTier, TierStat{Tier: g.key, Count: g.count, CostUSD: g.cost})
	}
	sources, err := groupBy(ctx, tx, "source")
	if err != nil {
		return st, fmt.Errorf("audit stats: %w", err)
	}
	for _, g := range sources {
		st.BySource = append(st.BySource, SourceStat{Source: g.key, Count: g.count, CostUSD: g.cost})
	}
	return st, nil
}

// group is one line of a GROUP BY over the audit log.
type group struct {
	key   string
	count int64
	cost  float64
	avgMS int64
}

// groupBy counts rows per value of column, most frequent first. column is
// always a fixed name from this file, never user input.
func groupBy(ctx context.Context, tx *sql.Tx, column string) ([]group, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT `+column+`, count(*), coalesce(sum(cost_usd), 0), CAST(round(avg(elapsed_ms)) AS INTEGER)
		FROM audit_log WHERE stage = '' GROUP BY `+column+` ORDER BY count(*) DESC, `+column)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []group
	for rows.Next() {
		var g group
		if err := rows.Scan(&g.key, &g.count, &g.cost, &g.avgMS); err != nil {
			return nil, err
		}
		g.cost = roundCost(g.cost)
		out = append(out, g)
	}
	return out, rows.Err()
}

// roundCost rounds to a millionth of a dollar, hiding float summing noise.
func roundCost(c float64) float64 { return math.Round(c*1e6) / 1e6 }

package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The queue benchmarks share one database of 10,000 decided and 1,000
// pending entries, seeded once per test binary; TestMain removes it with
// the other fixtures.
var (
	approvalBenchOnce sync.Once
	approvalBenchDB   *DB
	approvalBenchErr  error
)

func seededApprovals(b *testing.B) *DB {
	approvalBenchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "macroa-store-bench-")
		if err != nil {
			approvalBenchErr = err
			return
		}
		benchDirs = append(benchDirs, dir)
		ctx := context.Background()
		db, err := Open(ctx, filepath.Join(dir, "macroa.db"))
		if err != nil {
			approvalBenchErr = err
			return
		}
		approvalBenchDB = db
		approvalBenchErr = seedApprovals(ctx, db, 10_000, 1_000)
	})
	if approvalBenchErr != nil {
		b.Fatal(approvalBenchErr)
	}
	return approvalBenchDB
}

// seedApprovals inserts decided entries (spread over the final states,
// one changed per second) and pending ones (risk 1 to 4, one a second)
// in one transaction, straight into the table: no audit entries.
func seedApprovals(ctx context.Context, db *DB, decided, pending int) error {
	now := db.now().UnixMilli()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1 + ?2)
			INSERT INTO approvals (id, state, kind, params, summary, target, dedupe_key, risk, verdict, proposer,
				why, session, source, created_at, updated_at, expires_at, decided_at, decided_by, decided_where,
				output, seq)
			SELECT printf('%010x', i),
				CASE WHEN i >= ?1 THEN 'pending'
					ELSE json_extract('["succeeded","failed","rejected","expired","interrupted"]', '$[' || (i % 5) || ']') END,
				'command.run', json_object('command', 'echo ' || i), 'run echo ' || i, 'echo ' || i,
				CASE WHEN i >= ?1 THEN 'command.run||echo ' || i END,
				1 + i % 4, 'ask', 'agent', 'a reason to run it', 'main', 'tui',
				?3 - (?1 + ?2 - i) * 2000, ?3 - (?1 + ?2 - i) * 1000, ?3 + 86400000,
				CASE WHEN i < ?1 THEN ?3 - (?1 + ?2 - i) * 1000 END,
				CASE WHEN i < ?1 THEN 'person:ann' ELSE '' END, CASE WHEN i < ?1 THEN 'cockpit' ELSE '' END,
				CASE WHEN i < ?1 THEN 'some output of the command' ELSE '' END,
				i + 1
			FROM n`, decided, pending, now)
		return err
	})
}

// BenchmarkListApprovals reads a page of the queue as the pane does:
// pending first, then the history, over 10,000 decided and 1,000 pending
// entries.
func BenchmarkListApprovals(b *testing.B) {
	db := seededApprovals(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    ApprovalQuery
		want int
	}{
		{"first page", ApprovalQuery{Limit: 50}, 50},
		{"history page", ApprovalQuery{Limit: 50, Offset: 1000}, 50},
		{"final states", ApprovalQuery{States: []ApprovalState{ApprovalSucceeded, ApprovalFailed}, Limit: 50}, 50},
		{"every pending", ApprovalQuery{States: []ApprovalState{ApprovalPending}}, 1000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				got, err := db.ListApprovals(ctx, bc.q)
				if err != nil || len(got) != bc.want {
					b.Fatalf("%d entries, %v; want %d", len(got), err, bc.want)
				}
			}
		})
	}
}

// BenchmarkCountApprovals is what the status bar pays on every change to
// the queue.
func BenchmarkCountApprovals(b *testing.B) {
	db := seededApprovals(b)
	ctx := context.Background()
	for b.Loop() {
		c, err := db.CountApprovals(ctx)
		if err != nil || c.Pending != 1000 || c.Decided != 10_000 {
			b.Fatalf("%+v, %v", c, err)
		}
	}
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// TestAuditLegacyEntriesAfterUpgrade builds a database as schema 4 wrote
// it (v1 and v2 hashes, no MACs), opens it with this binary and checks
// that the old entries still verify, by the chain only, and are counted so;
// that new entries carry MACs; and that the old prefix cannot be rewritten
// or the new entries' MACs stripped unnoticed.
func TestAuditLegacyEntriesAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "macroa.db")
	legacy := schema4Database(t, path, 3)

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.Checked != 3 || rep.ChainOnly != 3 || rep.MACVerified != 0 {
		t.Fatalf("upgraded log: %+v, %v; want 3 chain-only entries, intact", rep, err)
	}
	e, err := db.AppendAudit(ctx, AuditEntry{Input: "after the upgrade", Action: "touch x", ChosenBy: "user"})
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != 4 || e.PrevHash != legacy[2].Hash || e.MAC == "" {
		t.Fatalf("first new entry: id %d, prev %.8s, mac %q; want 4 linked to the legacy chain, with a MAC", e.ID, e.PrevHash, e.MAC)
	}
	rep, err = db.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.ChainOnly != 3 || rep.MACVerified != 1 || rep.CheckpointID != 4 {
		t.Fatalf("after one append: %+v, %v", rep, err)
	}

	t.Run("legacy prefix rewritten consistently", func(t *testing.T) {
		prev := ""
		for _, old := range legacy {
			old.Input, old.PrevHash = "nothing happened", prev
			old.Hash = auditHash(old)
			prev = old.Hash
			mustExec(t, db, `UPDATE audit_log SET input = ?, prev_hash = ?, hash = ? WHERE id = ?`, old.Input, old.PrevHash, old.Hash, int64(old.ID))
		}
		// The first MAC'd entry vouches for the hash it followed.
		checkProblems(t, db, want{3, ProblemEdited, "was rewritten: entry 4 recorded a different hash for it"})
		for _, old := range legacy {
			mustExec(t, db, `UPDATE audit_log SET input = ?, prev_hash = ?, hash = ? WHERE id = ?`, old.Input, old.PrevHash, old.Hash, int64(old.ID))
		}
		checkProblems(t, db)
	})
	t.Run("new entry's MAC stripped to pass as legacy", func(t *testing.T) {
		mustExec(t, db, `UPDATE audit_log SET mac = '' WHERE id = 4`)
		checkProblems(t, db, want{4, ProblemForged, "does not match its MAC"})
	})
}

// schema4Database writes a database with migrations 1-4 only and n audit
// entries hashed as that version did (v1 without providers, v2 with).
func schema4Database(t *testing.T, path string, n int) []AuditEntry {
	t.Helper()
	if err := createFile(path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:4] {
		if _, err := raw.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	if _, err := raw.Exec(`PRAGMA user_version = 4`); err != nil {
		t.Fatal(err)
	}
	var out []AuditEntry
	prev := ""
	for i := 0; i < n; i++ {
		e := sampleAudit(i)
		e.Action, e.ChosenBy, e.Sandbox = "", "", "" // schema 4 had none of them
		if i%2 == 1 {
			e.Providers, e.LLMCalls = "primary", 1 // a v2 entry
		}
		e.ID, e.PrevHash = AuditID(i+1), prev
		e.Hash = auditHash(e)
		prev = e.Hash
		_, err := raw.Exec(`INSERT INTO audit_log (id, turn_id, created_at, session, source, input, route, skill, tier, model,
			success, error, prompt_tokens, completion_tokens, cost_usd, elapsed_ms, plan_steps, prev_hash, hash, providers, llm_calls)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(e.ID), string(e.TurnID), e.Time.UnixMilli(), e.Session, e.Source, e.Input, e.Route, e.Skill, e.Tier, e.Model,
			boolInt(e.Success), e.Error, e.PromptTokens, e.CompletionTokens, e.CostUSD, e.ElapsedMS, e.PlanSteps,
			e.PrevHash, e.Hash, e.Providers, e.LLMCalls)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE audit_head SET last_id = ?, last_hash = ?`, int64(e.ID), e.Hash); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if got := fmt.Sprint(auditFields(out[0])[0], " ", auditFields(out[1])[0]); got != "macroa-audit-v1 macroa-audit-v2" {
		t.Fatalf("fixture hashes as %s, want a v1 and a v2 entry", got)
	}
	return out
}

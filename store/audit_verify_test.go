package store

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// want is one expected verify finding.
type want struct {
	id     AuditID
	kind   string
	detail string // a substring the detail must contain
}

// checkProblems runs VerifyAudit and compares its findings with wants, in
// order: no missing ones, and no extra (cascading) ones.
func checkProblems(t *testing.T, db *DB, wants ...want) {
	t.Helper()
	rep, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	if rep.OK() != (len(wants) == 0) {
		t.Errorf("OK() = %v with %d problems", rep.OK(), len(rep.Problems))
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, fmt.Sprintf("%d %s: %s", p.EntryID, p.Kind, p.Detail))
	}
	if len(rep.Problems) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n  %s", len(rep.Problems), len(wants), strings.Join(got, "\n  "))
	}
	for i, w := range wants {
		p := rep.Problems[i]
		if p.EntryID != w.id || p.Kind != w.kind || !strings.Contains(p.Detail, w.detail) {
			t.Errorf("problem %d = %q, want entry %d %s containing %q", i, got[i], w.id, w.kind, w.detail)
		}
	}
}

func mustExec(t *testing.T, db *DB, query string, args ...any) {
	t.Helper()
	if _, err := db.sql.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// insertRaw writes a row the way another SQLite client would.
func insertRaw(t *testing.T, db *DB, e AuditEntry) {
	t.Helper()
	mustExec(t, db, `INSERT INTO audit_log (`+auditCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(e.ID), string(e.TurnID), e.Time.UnixMilli(), e.Session, e.Source, e.Input, e.Route, e.Skill, e.Tier,
		e.Model, boolInt(e.Success), e.Error, e.PromptTokens, e.CompletionTokens, e.CostUSD, e.ElapsedMS,
		e.PlanSteps, e.PrevHash, e.Hash, e.Providers, e.LLMCalls, e.Action, e.ChosenBy, e.hashVersion, e.MAC, e.Stage, e.Sandbox)
}

// TestVerifyNamesEditedColumn edits one column of one row at a time, the
// first, a middle and the last row, and expects exactly one problem: that
// row, "edited", described by its input. No cascade onto later rows.
func TestVerifyNamesEditedColumn(t *testing.T) {
	edits := map[string]string{
		"turn_id":           "turn_id || 'x'",
		"created_at":        "created_at + 1",
		"session":           "session || 'x'",
		"source":            "'http'",
		"input":             "'something else'",
		"route":             "''",
		"skill":             "'shell_skill'",
		"tier":              "'opus'",
		"model":             "model || ' '",
		"success":           "1 - success",
		"error":             "''",
		"prompt_tokens":     "prompt_tokens + 1",
		"completion_tokens": "0",
		"cost_usd":          "cost_usd + 0.000001",
		"elapsed_ms":        "elapsed_ms * 2",
		"plan_steps":        "plan_steps + 5",
		"action":            "action || ' && rm -rf ~'",
		"chosen_by":         "'agent'",
		"sandbox":           "'full' || sandbox",
		"sandbox=blank":     "''",
		"sandbox=int":       "4",
		"hash_version":      "0",
		"prev_hash":         "(SELECT hash FROM audit_log WHERE id = 1)",
		"hash":              "(SELECT hash FROM audit_log WHERE id = 1)",
		// Values of the wrong type, as a careless edit could leave:
		"success=7":       "7",
		"elapsed_ms=text": "'slow'",
		"cost_usd=text":   "'free'",
		"hash=garbage":    "'garbage'",
	}
	for name, expr := range edits {
		column, _, _ := strings.Cut(name, "=")
		for _, id := range []int{1, 3, 6} {
			if id == 1 && column == "hash" && strings.Contains(expr, "id = 1") {
				continue // would be a no-op
			}
			t.Run(fmt.Sprintf("%s/entry%d", name, id), func(t *testing.T) {
				db, entries := auditFixture(t, 6)
				mustExec(t, db, fmt.Sprintf(`UPDATE audit_log SET %s = %s WHERE id = ?`, column, expr), id)
				snippet := entries[id-1].Input
				if column == "input" {
					snippet = "something else"
				}
				checkProblems(t, db, want{AuditID(id), ProblemEdited, snippet})
			})
		}
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *DB, entries []AuditEntry)
		wants  []want
	}{
		{
			name:   "delete middle row",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { mustExec(t, db, `DELETE FROM audit_log WHERE id = 3`) },
			wants:  []want{{3, ProblemDeleted, `entry 3 is missing; the next entry is entry 4 (`}},
		},
		{
			name: "delete two middle rows",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) {
				mustExec(t, db, `DELETE FROM audit_log WHERE id IN (3, 4)`)
			},
			wants: []want{{3, ProblemDeleted, `entries 3-4 are missing; the next entry is entry 5 (`}},
		},
		{
			name:   "delete first row",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { mustExec(t, db, `DELETE FROM audit_log WHERE id = 1`) },
			wants:  []want{{1, ProblemDeleted, `entry 1 is missing`}},
		},
		{
			name:   "delete newest row",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { mustExec(t, db, `DELETE FROM audit_log WHERE id = 6`) },
			wants:  []want{{6, ProblemTruncated, `entries after 5 are missing`}},
		},
		{
			name:   "delete two newest rows",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { mustExec(t, db, `DELETE FROM audit_log WHERE id >= 5`) },
			wants:  []want{{5, ProblemTruncated, `entries after 4 are missing: the chain head records entry 6`}},
		},
		{
			name:   "delete every row",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { mustExec(t, db, `DELETE FROM audit_log`) },
			wants:  []want{{1, ProblemTruncated, `all 6 entries are missing`}},
		},
		{
			name:   "delete the chain head",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { mustExec(t, db, `DELETE FROM audit_head`) },
			wants:  []want{{0, ProblemTruncated, `chain head record is missing`}},
		},
		{
			name: "delete newest row, then macroa appends",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) {
				mustExec(t, db, `DELETE FROM audit_log WHERE id = 6`)
				if e, err := db.AppendAudit(context.Background(), sampleAudit(9)); err != nil || e.ID != 7 {
					t.Fatalf("append after truncation: id %d, %v; want 7 (ids never reused)", e.ID, err)
				}
			},
			wants: []want{{6, ProblemDeleted, `entry 6 is missing; the next entry is entry 7`}},
		},
		{
			name:   "swap two rows",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { swapRows(t, db, 2, 5) },
			wants: []want{
				{2, ProblemReordered, `entry 2 (2027-01-15 08:04:00, "request number E") holds the record written as entry 5`},
				{5, ProblemReordered, `holds the record written as entry 2`},
			},
		},
		{
			name:   "swap adjacent rows",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { swapRows(t, db, 3, 4) },
			wants: []want{
				{3, ProblemReordered, `written as entry 4`},
				{4, ProblemReordered, `written as entry 3`},
			},
		},
		{
			name:   "swap first and last rows",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) { swapRows(t, db, 1, 6) },
			wants: []want{
				{1, ProblemReordered, `written as entry 6`},
				{6, ProblemReordered, `written as entry 1`},
			},
		},
		{
			name: "change a row's id",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) {
				mustExec(t, db, `UPDATE audit_log SET id = 99 WHERE id = 3`)
			},
			wants: []want{
				{3, ProblemDeleted, `entry 3 is missing (its record is now at entry 99)`},
				{99, ProblemReordered, `written as entry 3`},
			},
		},
		{
			name: "insert a naive forged row",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) {
				mustExec(t, db, `INSERT INTO audit_log (created_at, input, prev_hash, hash) VALUES (1, 'rm -rf /', '', '')`)
			},
			wants: []want{{7, ProblemInserted, `entry 7 (`}},
		},
		{
			name: "insert a well-hashed forged row",
			tamper: func(t *testing.T, db *DB, entries []AuditEntry) {
				insertRaw(t, db, forged(7, entries[5].Hash))
			},
			wants: []want{{7, ProblemInserted, `"forged") is not part of the chain: the chain head records entry 6`}},
		},
		{
			name: "insert a forged row, then macroa appends",
			tamper: func(t *testing.T, db *DB, entries []AuditEntry) {
				insertRaw(t, db, forged(7, entries[5].Hash))
				if e, err := db.AppendAudit(context.Background(), sampleAudit(9)); err != nil || e.ID != 8 {
					t.Fatalf("append after a forged row: id %d, %v; want 8", e.ID, err)
				}
			},
			wants: []want{{7, ProblemInserted, `entry 8 links straight back to entry 6`}},
		},
		{
			name: "rewrite a row and recompute its hash",
			tamper: func(t *testing.T, db *DB, entries []AuditEntry) {
				rehashed(t, db, entries[2])
			},
			wants: []want{{3, ProblemEdited, `"rewritten") was rewritten: entry 4 recorded a different hash`}},
		},
		{
			name: "rewrite the newest row and recompute its hash",
			tamper: func(t *testing.T, db *DB, entries []AuditEntry) {
				rehashed(t, db, entries[5])
			},
			wants: []want{{6, ProblemEdited, `the chain head recorded a different hash`}},
		},
		{
			name: "several problems at once",
			tamper: func(t *testing.T, db *DB, _ []AuditEntry) {
				mustExec(t, db, `UPDATE audit_log SET input = 'x' WHERE id = 2`)
				mustExec(t, db, `DELETE FROM audit_log WHERE id = 4`)
				mustExec(t, db, `DELETE FROM audit_log WHERE id = 6`)
			},
			wants: []want{
				{2, ProblemEdited, `entry 2`},
				{4, ProblemDeleted, `entry 4 is missing`},
				{6, ProblemTruncated, `entries after 5 are missing`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, entries := auditFixture(t, 6)
			checkProblems(t, db) // intact before
			tt.tamper(t, db, entries)
			checkProblems(t, db, tt.wants...)
		})
	}
}

// swapRows exchanges the contents of two rows, leaving the ids in place.
func swapRows(t *testing.T, db *DB, a, b int) {
	mustExec(t, db, `UPDATE audit_log SET id = -1 WHERE id = ?`, a)
	mustExec(t, db, `UPDATE audit_log SET id = ? WHERE id = ?`, a, b)
	mustExec(t, db, `UPDATE audit_log SET id = ? WHERE id = -1`, b)
}

// forged is a row made by someone who knows the hash scheme.
func forged(id AuditID, prev string) AuditEntry {
	e := sampleAudit(20)
	e.ID, e.PrevHash, e.Input = id, prev, "forged"
	e.Hash = auditHash(e)
	return e
}

// rehashed rewrites e's input and fixes its hash so the row is self-consistent.
func rehashed(t *testing.T, db *DB, e AuditEntry) {
	e.Input = "rewritten"
	e.Hash = auditHash(e)
	mustExec(t, db, `UPDATE audit_log SET input = ?, hash = ? WHERE id = ?`, e.Input, e.Hash, int64(e.ID))
}

// TestVerifyAfterSQLiteCLIEdit tampers with the real sqlite3 program, as a
// user would, while the database is open here.
func TestVerifyAfterSQLiteCLIEdit(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed")
	}
	db, entries := auditFixture(t, 5)
	out, err := exec.Command(bin, db.Path(), `UPDATE audit_log SET input = 'nothing to see' WHERE id = 2;`).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v: %s", err, out)
	}
	checkProblems(t, db, want{2, ProblemEdited, `entry 2 (`})
	if _, err := db.AppendAudit(context.Background(), entries[0]); err != nil {
		t.Errorf("append after an outside edit: %v", err)
	}
}

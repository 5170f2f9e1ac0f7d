package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestE2EAuditVerifySeal: what the unkeyed chain alone cannot catch, as a
// person would try it from a shell: the database file replaced by an older
// copy, and the whole chain rewritten with recomputed hashes. verify exits
// 1 naming the finding; a run refuses to act on a rolled-back database.
func TestE2EAuditVerifySeal(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed (.ci/run installs it)")
	}
	t.Run("older copy swapped in", func(t *testing.T) {
		s := newSandbox(t)
		db := filepath.Join(s.data, "macroa.db")
		expect(t, s.macroa("run", "!echo one"), 0, "one")
		old := filepath.Join(t.TempDir(), "old.db")
		if out, err := exec.Command(sqlite, db, ".backup "+old).CombinedOutput(); err != nil {
			t.Fatalf("sqlite3 .backup: %v\n%s", err, out)
		}
		expect(t, s.macroa("run", "!echo two"), 0, "two")
		expect(t, s.macroa("audit", "verify"), 0, "intact: 2 entries checked, 2 by MAC; checkpoint at entry 2")
		for _, f := range []string{db + "-wal", db + "-shm"} {
			os.Remove(f)
		}
		if err := os.Rename(old, db); err != nil {
			t.Fatal(err)
		}
		r := s.macroa("audit", "verify")
		if r.code != 1 || !strings.Contains(r.stdout, "rolled-back") || !strings.Contains(r.stdout, "replaced by an older copy") {
			t.Fatalf("verify after swapping in an older copy: exit %d\n%s", r.code, r.stdout)
		}
		canary := filepath.Join(t.TempDir(), "canary")
		r = s.macroa("run", "!touch "+canary)
		if r.code == 0 {
			t.Errorf("a command ran on a rolled-back audit log: %s", r.stdout)
		}
		if _, err := os.Stat(canary); err == nil {
			t.Errorf("the command ran although its audit entry could not be written")
		}
	})
	t.Run("whole chain rewritten with recomputed hashes", func(t *testing.T) {
		s := newSandbox(t)
		db := filepath.Join(s.data, "macroa.db")
		for i := range 3 {
			expect(t, s.macroa("run", fmt.Sprintf("!echo %d", i)), 0, fmt.Sprint(i))
		}
		// Rehash every row after changing its input, as someone who read
		// store/audit_hash.go would: the chain and head come out consistent.
		rows, err := exec.Command(sqlite, "-separator", "\x1f", db, "SELECT "+v4Columns+" FROM audit_log ORDER BY id").Output()
		if err != nil {
			t.Fatal(err)
		}
		var script strings.Builder
		prev := ""
		for _, line := range strings.Split(strings.TrimSpace(string(rows)), "\n") {
			f := strings.Split(line, "\x1f")
			f[6] = "nothing happened" // input
			f[1] = prev               // prev_hash
			hash := v4Hash(f)
			fmt.Fprintf(&script, "UPDATE audit_log SET input = 'nothing happened', prev_hash = '%s', hash = '%s' WHERE id = %s;\n", prev, hash, f[0])
			prev = hash
		}
		fmt.Fprintf(&script, "UPDATE audit_head SET last_hash = '%s';\n", prev)
		cmd := exec.Command(sqlite, db)
		cmd.Stdin = strings.NewReader(script.String())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sqlite3: %v\n%s", err, out)
		}
		r := s.macroa("audit", "verify")
		if r.code != 1 || !strings.Contains(r.stdout, "forged") || !strings.Contains(r.stdout, "do not match their MACs") {
			t.Fatalf("verify after a consistent rewrite: exit %d\n%s", r.code, r.stdout)
		}
	})
}

// v4Columns are the columns a v4 audit hash covers, in its order (id and
// prev_hash first, as the hash puts them).
const v4Columns = `id, prev_hash, turn_id, created_at, session, source, input, route, skill, tier, model, success, error,
	prompt_tokens, completion_tokens, cost_usd, elapsed_ms, plan_steps, providers, llm_calls, action, chosen_by, stage, sandbox`

// v4Hash recomputes a v4 audit hash from the columns above, as written
// in store/audit_hash.go: every field as its length, ':', its bytes.
func v4Hash(f []string) string {
	if cost, err := strconv.ParseFloat(f[15], 64); err == nil {
		f[15] = strconv.FormatFloat(cost, 'g', -1, 64)
	}
	h := sha256.New()
	for _, s := range append([]string{"macroa-audit-v4"}, f...) {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

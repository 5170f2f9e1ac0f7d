package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/store"
)

// An entry of a command a model ran unasked shows the sandbox it ran under
// in `audit recent -v` and in --json; the table keeps its columns, and the
// log still verifies.
func TestE2EAuditSandbox(t *testing.T) {
	s := newSandbox(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(s.data, "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []store.AuditEntry{
		{Source: "cli", Skill: "agent", Input: "what is in /tmp", Action: "ls /tmp", ChosenBy: "agent", Sandbox: store.SandboxFull, Success: true},
		{Source: "cli", Skill: "agent", Input: "disk on web1", Action: "web1: df -h", ChosenBy: "agent", Sandbox: store.SandboxSystemd, Success: true},
		{Source: "cli", Skill: "shell", Input: "!echo hi", Action: "echo hi", ChosenBy: "user", Success: true},
	} {
		if _, err := db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	r := s.macroa("audit", "recent", "-v")
	expect(t, r, 0, "entry 3\n")
	blocks := strings.Split(r.stdout, "\n\n")
	if len(blocks) != 3 {
		t.Fatalf("want 3 blocks, got %d:\n%s", len(blocks), r.stdout)
	}
	for i, want := range []string{"", "  sandbox:    systemd-run\n", "  sandbox:    full\n"} {
		has := strings.Contains(blocks[i], "sandbox:")
		if want == "" && has || want != "" && !strings.Contains(blocks[i], want) {
			t.Errorf("block %d: want sandbox line %q:\n%s", i, want, blocks[i])
		}
	}

	r = s.macroa("audit", "recent", "--json")
	expect(t, r, 0, `"Sandbox": "full"`)
	var got []store.AuditEntry
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if len(got) != 3 || got[0].Sandbox != "" || got[1].Sandbox != store.SandboxSystemd || got[2].Sandbox != store.SandboxFull {
		t.Errorf("--json sandboxes: %+v", got)
	}

	r = s.macroa("audit", "recent")
	expect(t, r, 0, "ls /tmp")
	if strings.Contains(r.stdout, "SANDBOX") || strings.Contains(r.stdout, "systemd-run") {
		t.Errorf("the table grew a sandbox column:\n%s", r.stdout)
	}
	expect(t, s.macroa("audit", "verify"), 0, "Audit log intact: 3 entries checked, 3 by MAC")
}

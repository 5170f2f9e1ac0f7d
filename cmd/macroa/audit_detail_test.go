package main

import (
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// The detail form of `audit recent -v` names the sandbox a command ran
// under when the entry has one, and says nothing of it otherwise.
func TestAuditDetailSandbox(t *testing.T) {
	base := store.AuditEntry{ID: 7, Time: time.UnixMilli(1_800_000_000_000), Source: "cli", Skill: "agent",
		Input: "what is in /tmp", Action: "ls /tmp", ChosenBy: "agent", Success: true}
	tests := []struct {
		name    string
		sandbox string
		want    []string // lines the block must hold
		wantNot []string // substrings it must not
	}{
		{"full", store.SandboxFull, []string{"  sandbox:    full", "  action:     ls /tmp", "  chosen by:  agent"}, nil},
		{"another host's", store.SandboxSystemd, []string{"  sandbox:    systemd-run"}, nil},
		{"off", store.SandboxOff, []string{"  sandbox:    off"}, nil},
		{"not a command run unasked", "", []string{"  action:     ls /tmp"}, []string{"sandbox"}},
		{"controls cleaned", "full\x1b]0;pwned\x07\nnone", []string{"  sandbox:    full none"}, []string{"\x1b", "\x07", "pwned"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			e.Sandbox = tt.sandbox
			var b strings.Builder
			if err := writeAuditDetail(&b, []store.AuditEntry{e}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.HasPrefix(out, "entry 7\n") {
				t.Errorf("block does not start with its entry:\n%s", out)
			}
			lines := strings.Split(out, "\n")
			for _, w := range tt.want {
				if !containsLine(lines, w) {
					t.Errorf("no line %q in:\n%s", w, out)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("%q in:\n%s", w, out)
				}
			}
		})
	}
}

// With short values every line of the detail form fits 80 columns (only
// input, action and error run longer, never clipped), and blocks are
// separated by a blank line.
func TestAuditDetailLayout(t *testing.T) {
	entries := []store.AuditEntry{
		{ID: 2, Time: time.UnixMilli(1_800_000_000_000), Source: "cli", Skill: "agent", Action: "ls /tmp", Sandbox: store.SandboxFull, Success: true},
		{ID: 1, Time: time.UnixMilli(1_800_000_000_000), Source: "repl", Skill: "shell", Action: "false", Error: "exit 1"},
	}
	var b strings.Builder
	if err := writeAuditDetail(&b, entries); err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n\n")
	if len(blocks) != 2 || !strings.HasPrefix(blocks[0], "entry 2\n") || !strings.HasPrefix(blocks[1], "entry 1\n") {
		t.Fatalf("want two blocks, entries 2 then 1:\n%s", b.String())
	}
	if !strings.Contains(blocks[1], "  result:     FAILED\n") || !strings.Contains(blocks[1], "  error:      exit 1") || strings.Contains(blocks[1], "sandbox") {
		t.Errorf("the failed entry's block:\n%s", blocks[1])
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if len(l) > 80 {
			t.Errorf("line wider than 80 columns: %q", l)
		}
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

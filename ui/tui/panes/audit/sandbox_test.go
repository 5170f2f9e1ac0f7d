package audit

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// The detail view and the copied text of an entry name the sandbox a
// command a model ran unasked ran under, and say nothing of it for an
// entry without one.
func TestAuditDetailShowsSandbox(t *testing.T) {
	tests := []struct {
		name    string
		sandbox string
		view    string // what the detail view shows; "" = no sandbox line
		copied  string
	}{
		{"full", store.SandboxFull, "sandbox     full", "sandbox:    full\n"},
		{"another host's", store.SandboxSystemd, "sandbox     systemd-run", "sandbox:    systemd-run\n"},
		{"partial", store.SandboxPartial, "sandbox     partial", "sandbox:    partial\n"},
		{"not a command run unasked", "", "", ""},
		{"controls made visible", "full\x1b[31m", "sandbox     full␛[31m", "sandbox:    full␛[31m\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			_, err := w.db.AppendAudit(context.Background(), store.AuditEntry{Time: fixedNow, Source: "cli", Skill: "agent",
				Input: "what is in /tmp", Action: "ls /tmp", ChosenBy: "agent", Sandbox: tt.sandbox, Success: true})
			if err != nil {
				t.Fatal(err)
			}
			p, _ := loadedPane(t, w)
			press(t, p, "enter")
			if !p.DetailOpen() {
				t.Fatal("enter did not open the detail view")
			}
			raw := p.View(78, 30, true)
			view := ansi.Strip(raw)
			if !strings.Contains(view, "chosen by   agent") {
				t.Fatalf("detail view lacks the chooser:\n%s", view)
			}
			if tt.view == "" && strings.Contains(view, "sandbox") || tt.view != "" && !strings.Contains(view, tt.view) {
				t.Errorf("detail view, want sandbox line %q:\n%s", tt.view, view)
			}
			if strings.Contains(raw, "\x1b[31m") {
				t.Error("the sandbox's escape sequence reached the terminal")
			}
			c, ok := find[kit.CopyMsg](press(t, p, "y"))
			if !ok {
				t.Fatal("y did not copy the entry")
			}
			if tt.copied == "" && strings.Contains(c.Text, "sandbox") || tt.copied != "" && !strings.Contains(c.Text, tt.copied) {
				t.Errorf("copied text, want %q:\n%s", tt.copied, c.Text)
			}
		})
	}
}

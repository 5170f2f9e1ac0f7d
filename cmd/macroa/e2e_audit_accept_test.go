package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EAuditRollbackLeavesATrace is the red-team reproduction through
// the binary: an older copy of the database put back and its -wal, -shm
// and checkpoint removed (no key needed). Nothing runs until a person
// accepts the log, and from then on verify names the acceptance.
func TestE2EAuditRollbackLeavesATrace(t *testing.T) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed (.ci/run installs it)")
	}
	tests := []struct {
		name       string
		checkpoint func(t *testing.T, path string) // what is done to the checkpoint after the rollback
		shows      string                          // what accept says it accepts
		action     string                          // the acceptance entry's action
		note       string                          // verify's note afterwards
	}{
		{
			name:       "checkpoint removed",
			checkpoint: func(t *testing.T, path string) { mustRemove(t, path) },
			shows:      "The audit log ends at entry 3 (3 entries); its checkpoint " + "%s is missing",
			action:     "accept the log at entry 3 (checkpoint was missing)",
			note:       "its checkpoint was missing, so entries after 3 may have been removed before that",
		},
		{
			name: "checkpoint damaged",
			checkpoint: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte("not json\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			shows:  "The audit log ends at entry 3 (3 entries); its checkpoint %s is damaged",
			action: "accept the log at entry 3 (checkpoint was damaged)",
			note:   "its checkpoint was damaged, so entries after 3 may have been removed before that",
		},
		{
			name:       "checkpoint kept",
			checkpoint: func(t *testing.T, path string) {},
			shows:      "The audit log ends at entry 3 (3 entries); its checkpoint %s records entry 5 (5 entries): entries 4-5 are gone",
			action:     "accept the log at entry 3 (checkpoint said 5)",
			note:       "the checkpoint recorded entries up to 5: entries 4-5 may have been removed before that",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			db := filepath.Join(s.data, "macroa.db")
			cp := db + ".audit-head"
			for i := range 3 {
				expect(t, s.macroa("run", fmt.Sprintf("!echo %d", i)), 0, fmt.Sprint(i))
			}
			old := filepath.Join(t.TempDir(), "old.db")
			if out, err := exec.Command(sqlite, db, ".backup "+old).CombinedOutput(); err != nil {
				t.Fatalf("sqlite3 .backup: %v\n%s", err, out)
			}
			expect(t, s.macroa("run", "!echo four"), 0, "four")
			expect(t, s.macroa("run", "!echo five"), 0, "five")
			for _, f := range []string{db + "-wal", db + "-shm"} {
				os.Remove(f)
			}
			if err := os.Rename(old, db); err != nil {
				t.Fatal(err)
			}
			tt.checkpoint(t, cp)

			canary := filepath.Join(s.home, "canary")
			r := s.macroa("run", "!touch "+canary)
			if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "macroa audit accept") {
				t.Errorf("run after the rollback: exit %d, want a refusal naming macroa audit accept\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			if _, err := os.Stat(canary); err == nil {
				t.Fatal("a command ran although its audit entry could not be written")
			}
			for range 2 { // and again: a refused run must not repair anything
				r = s.macroa("audit", "verify")
				if r.code != 1 || !strings.Contains(r.stdout, "TAMPERED") || !strings.Contains(r.stdout, "run macroa audit accept") {
					t.Fatalf("verify after the rollback: exit %d\n%s", r.code, r.stdout)
				}
				assertNoCrash(t, r)
			}

			// No terminal and no --yes: refused as a usage error, nothing written.
			r = s.macroa("audit", "accept")
			if r.code != 2 || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stdout, fmt.Sprintf(tt.shows, cp)) {
				t.Fatalf("accept without a terminal: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			expect(t, s.macroa("audit", "verify"), 1, "TAMPERED")

			expect(t, s.macroa("audit", "accept", "--yes"), 0, "Accepted the audit log at entry 3, recorded as entry 4.")
			expect(t, s.macroa("run", "!touch "+canary), 0, "")
			if _, err := os.Stat(canary); err != nil {
				t.Errorf("a run after accepting did not happen: %v", err)
			}
			for range 2 { // reported every time, not once
				r = s.macroa("audit", "verify")
				expect(t, r, 0, "Audit log intact: ")
				if !strings.Contains(r.stdout, "note: the log was accepted as it stood at entry 3 on ") || !strings.Contains(r.stdout, tt.note) {
					t.Fatalf("verify after accepting does not note the acceptance:\n%s", r.stdout)
				}
			}
			r = s.macroa("audit", "recent", "--json")
			if !strings.Contains(r.stdout, `"Action": "`+tt.action+`"`) || !strings.Contains(r.stdout, `"ChosenBy": "user"`) {
				t.Errorf("audit recent does not show the acceptance %q:\n%s", tt.action, r.stdout)
			}
			expect(t, s.macroa("audit", "accept"), 0, "Nothing to accept")
		})
	}
}

func mustRemove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// TestE2EAuditAcceptAsksOnATerminal: on a terminal accept asks first; any
// answer but yes writes nothing.
func TestE2EAuditAcceptAsksOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed: skipping the terminal end-to-end test (.ci/run installs it)")
	}
	s := newSandbox(t)
	expect(t, s.macroa("run", "!echo one"), 0, "one")
	expect(t, s.macroa("run", "!echo two"), 0, "two")
	mustRemove(t, filepath.Join(s.data, "macroa.db.audit-head"))
	for _, tt := range []struct {
		answer string
		want   string
		code   int
	}{
		{"", "not accepted: nothing was written", 1},
		{"no", "not accepted: nothing was written", 1},
		{"yes", "Accepted the audit log at entry 2, recorded as entry 3.", 0},
	} {
		ts := startInTerminal(t, s, "audit", "accept")
		ts.waitText("Accept the audit log as it stands at entry 2? [y/N]")
		ts.typeLine(tt.answer)
		screen := ts.waitText(fmt.Sprintf("exit %d", tt.code))
		if !strings.Contains(strings.Join(strings.Fields(screen), " "), tt.want) {
			t.Errorf("answer %q: want %q on the screen:\n%s", tt.answer, tt.want, screen)
		}
		if tt.code != 0 {
			expect(t, s.macroa("audit", "verify"), 1, "TAMPERED")
		}
	}
	expect(t, s.macroa("audit", "verify"), 0, "note: the log was accepted as it stood at entry 2")
}

// startInTerminal runs macroa with args in a real terminal (tmux), then
// prints its exit code and keeps the pane for reading.
func startInTerminal(t *testing.T, s *sandbox, args ...string) *tmuxSession {
	t.Helper()
	sockDir, err := os.MkdirTemp("", "mt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	ts := &tmuxSession{t: t, socket: sockDir + "/s", name: "cli"}
	script := `"$0" "$@"; echo "exit $?"; read -r _`
	command := append(append([]string{"env", "-i"}, s.env...), "TERM=xterm-256color", "sh", "-c", script, binPath)
	tmuxArgs := append([]string{"-S", ts.socket, "-f", "/dev/null", "new-session", "-d", "-s", ts.name,
		"-x", "200", "-y", "30", "-c", s.home, "--"}, append(command, args...)...)
	if out, err := exec.Command("tmux", tmuxArgs...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", ts.socket, "kill-server").Run() })
	return ts
}

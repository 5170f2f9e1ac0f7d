package approvals

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// rig is a service over a real store in a temporary directory, with its
// own bus and a directory of fake programs first on PATH.
type rig struct {
	t      testing.TB
	dir    string
	dbPath string
	db     *store.DB
	bus    *events.Bus
	svc    *Service
	cfg    Config
	bin    string // fake programs (systemctl, sha256sum...) go here
	log    string // what the fake systemctl was asked, one line a call
}

func newRig(t testing.TB, level policy.Level) *rig {
	t.Helper()
	dir := t.TempDir()
	r := &rig{t: t, dir: dir, dbPath: filepath.Join(dir, "macroa.db"), bin: filepath.Join(dir, "bin"), log: filepath.Join(dir, "systemctl.log")}
	r.cfg = Config{Level: level, ShellTimeout: 30 * time.Second}
	if err := os.MkdirAll(r.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// A fake systemctl: it logs what it was asked and says "active".
	r.fake("systemctl", `echo "$*" >> `+shellQuote(r.log)+`
case "$1" in is-active) echo active ;; esac`)
	t.Setenv("PATH", r.bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	r.db = openDB(t, r.dbPath)
	r.bus = events.New(nil)
	t.Cleanup(r.bus.Close)
	r.svc = r.service(r.db, r.bus)
	return r
}

// service builds another service over db (another process's, say).
func (r *rig) service(db *store.DB, bus *events.Bus) *Service {
	s := NewService(ServiceOptions{Store: db, Bus: bus, Config: func() Config { return r.cfg },
		Memory: factWriter{db}, BackupDir: filepath.Join(r.dir, "backups")})
	r.t.Cleanup(s.Stop)
	return s
}

func openDB(t testing.TB, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fake writes an executable shell script named name into the rig's bin.
func (r *rig) fake(name, body string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		r.t.Fatal(err)
	}
}

// systemctlCalls is what the fake systemctl was asked, in order.
func (r *rig) systemctlCalls() []string {
	b, err := os.ReadFile(r.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		r.t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ask proposes a as the agent, without waiting.
func (r *rig) ask(a actions.Action, o AskOptions) Answer {
	r.t.Helper()
	ans, err := r.svc.Ask(context.Background(), Proposal{Action: a, Proposer: ByAgent, Why: "because", Session: "main", Source: "tui"}, o)
	if err != nil {
		r.t.Fatalf("Ask %s: %v", a.Summary(), err)
	}
	return ans
}

func command(shell string) actions.Action {
	return actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell}}
}

func service(kind actions.Kind, unit string) actions.Action {
	return actions.Action{Kind: kind, Params: actions.Service{Unit: unit}}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

var person = Decider{Who: "person:tester", Where: CLI}

// factWriter is the memory service over the store, as core/app gives it.
type factWriter struct{ db *store.DB }

func (w factWriter) Remember(ctx context.Context, key, value string) error {
	_, _, err := w.db.SetFactAudited(ctx, store.FactInput{Key: key, Value: value, Source: "approval"},
		store.AuditEntry{Source: "test", Skill: "memory", Action: "remember " + key, ChosenBy: "approval", Success: true})
	return err
}

func (w factWriter) Forget(ctx context.Context, key string) error {
	_, _, err := w.db.ForgetFact(ctx, "", key, func(f store.Fact) store.AuditEntry {
		return store.AuditEntry{Source: "test", Skill: "memory", Action: "forget " + key, ChosenBy: "approval", Success: true}
	})
	return err
}

// waitFor fails the test unless cond holds before the deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

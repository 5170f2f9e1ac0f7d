package app

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
)

// storeChanged waits for the next StoreChanged on ch, failing after d.
func storeChanged(t testing.TB, ch <-chan events.Event, d time.Duration) events.StoreChanged {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("event channel closed")
			}
			if sc, ok := e.(events.StoreChanged); ok {
				return sc
			}
		case <-deadline.C:
			t.Fatalf("no StoreChanged within %s", d)
		}
	}
}

// startedApp returns a started App and a second, independent handle on its
// store, as another process would have. poll makes its watcher poll
// rather than wait to be told of writes.
func startedApp(t testing.TB, poll bool) (*App, *store.DB, <-chan events.Event) {
	t.Helper()
	a, _ := newApp(t)
	a.opts.pollStore = poll
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cfg, _ := a.Config()
	other, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return a, other, a.Subscribe(ctx)
}

func auditEntry(input string) store.AuditEntry {
	return store.AuditEntry{TurnID: store.NewTurnID(), Source: "cli", Input: input, Success: true}
}

// A write through another handle on the same file (another process) is
// published with the parts it changed, well within 250 ms, whether the
// watcher is told of writes or polls.
func TestWatcherSeesOtherWriters(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(map[bool]string{false: "woken", true: "polling"}[poll], func(t *testing.T) { testOtherWriters(t, poll) })
	}
}

func testOtherWriters(t *testing.T, poll bool) {
	_, other, ch := startedApp(t, poll)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		write func() error
		want  []events.StorePart
	}{
		{"audit entry", func() error { _, err := other.AppendAudit(ctx, auditEntry("x")); return err },
			[]events.StorePart{events.PartAudit}},
		{"new session", func() error { _, err := other.EnsureSession(ctx, "work"); return err },
			[]events.StorePart{events.PartSessions}},
		{"session turn", func() error {
			s, _, err := other.SessionByName(ctx, "work")
			if err != nil {
				return err
			}
			return other.AppendEntries(ctx, s.ID, store.Entry{Role: store.RoleUser, Content: "hi"})
		}, []events.StorePart{events.PartSessions}},
		{"rename", func() error { return other.RenameSession(ctx, "work", "play") },
			[]events.StorePart{events.PartSessions}},
		{"fact with its audit entry", func() error {
			_, _, err := other.SetFactAudited(ctx, store.FactInput{Key: "editor", Value: "helix"}, auditEntry("remember"))
			return err
		}, []events.StorePart{events.PartAudit, events.PartFacts}},
		{"fact changed", func() error { _, err := other.SetFact(ctx, store.FactInput{Key: "editor", Value: "vim"}); return err },
			[]events.StorePart{events.PartFacts}},
		{"fact deleted", func() error { _, err := other.DeleteFact(ctx, "", "editor"); return err },
			[]events.StorePart{events.PartFacts}},
		{"usage", func() error {
			return other.RecordUsage(ctx, store.UsageRecord{Tier: "nano", Model: "m", CostUSD: 0.01})
		}, []events.StorePart{events.PartUsage}},
		{"session deleted", func() error { _, err := other.DeleteSession(ctx, "play"); return err },
			[]events.StorePart{events.PartSessions}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.write(); err != nil {
				t.Fatal(err)
			}
			got := storeChanged(t, ch, 250*time.Millisecond)
			if !slices.Equal(got.Parts, tc.want) {
				t.Fatalf("parts %v, want %v", got.Parts, tc.want)
			}
		})
	}
}

// Writes this process makes through its own store are published too.
func TestWatcherSeesOwnWrites(t *testing.T) {
	a, _, ch := startedApp(t, false)
	if _, err := a.EnsureSession(context.Background(), "mine"); err != nil {
		t.Fatal(err)
	}
	if got := storeChanged(t, ch, 250*time.Millisecond); !got.Has(events.PartSessions) || len(got.Parts) != 1 {
		t.Fatalf("parts %v", got.Parts)
	}
}

// A commit that changes none of the watched parts publishes nothing, and
// the watcher goes on to report the next change.
func TestWatcherQuietWithoutChange(t *testing.T) {
	_, other, ch := startedApp(t, false)
	ctx := context.Background()
	s, err := other.EnsureSession(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	storeChanged(t, ch, 250*time.Millisecond)
	// An episode summary is a commit no pane shows.
	if err := other.AddEpisode(ctx, s.ID, "summary", 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := other.AppendAudit(ctx, auditEntry("after")); err != nil {
		t.Fatal(err)
	}
	if got := storeChanged(t, ch, 250*time.Millisecond); !slices.Equal(got.Parts, []events.StorePart{events.PartAudit}) {
		t.Fatalf("parts %v, want only audit", got.Parts)
	}
}

// Shutdown stops the watcher: its channel closes and nothing more comes.
func TestWatcherStopsWithShutdown(t *testing.T) {
	a, other, ch := startedApp(t, false)
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := other.AppendAudit(context.Background(), auditEntry("late")); err != nil {
		t.Fatal(err)
	}
	for e := range ch { // closed by Shutdown; nothing after it
		if _, ok := e.(events.StoreChanged); ok {
			t.Fatalf("a change published after Shutdown: %#v", e)
		}
	}
}

func TestChangedParts(t *testing.T) {
	base := store.ChangeMarks{Audit: 1, Sessions: [3]int64{1, 2, 3}, Facts: [3]int64{1, 2, 3}, Usage: 1}
	for _, tc := range []struct {
		name string
		edit func(*store.ChangeMarks)
		want []events.StorePart
	}{
		{"nothing", func(*store.ChangeMarks) {}, nil},
		{"context entry", func(m *store.ChangeMarks) { m.Sessions[2]++ }, []events.StorePart{events.PartSessions}},
		{"fact replaced in the same millisecond", func(m *store.ChangeMarks) { m.Facts[2]++ }, []events.StorePart{events.PartFacts}},
		{"a host probed", func(m *store.ChangeMarks) { m.Hosts[0]++ }, []events.StorePart{events.PartHosts}},
		{"the hosts lease moved", func(m *store.ChangeMarks) { m.Hosts[2]++ }, []events.StorePart{events.PartHosts}},
		{"every part", func(m *store.ChangeMarks) { m.Audit++; m.Sessions[0]--; m.Facts[1]++; m.Usage++ },
			[]events.StorePart{events.PartAudit, events.PartSessions, events.PartFacts, events.PartUsage}},
	} {
		cur := base
		tc.edit(&cur)
		if got := changedParts(base, cur); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A database file moved aside while the process runs (a person starting
// over) is told once as StoreReplaced: SQLite keeps writing the old file,
// so nothing else would show it.
func TestWatcherSeesTheFileReplaced(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(map[bool]string{false: "woken", true: "polling"}[poll], func(t *testing.T) {
			a, _, ch := startedApp(t, poll)
			cfg, _ := a.Config()
			if err := os.Rename(cfg.DBPath, cfg.DBPath+".old"); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cfg.DBPath, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			deadline := time.After(10 * time.Second)
			for {
				select {
				case e := <-ch:
					if r, ok := e.(events.StoreReplaced); ok {
						if r.Path != cfg.DBPath {
							t.Fatalf("StoreReplaced names %q; want %q", r.Path, cfg.DBPath)
						}
						return
					}
				case <-deadline:
					t.Fatal("no StoreReplaced after the database file was replaced")
				}
			}
		})
	}
}

package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
)

// newApp returns an App over a fresh data dir, shut down when the test
// ends, and the dir.
func newApp(t testing.TB) (*App, string) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return a, dir
}

func TestNewTouchesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Config: cfg})
	_ = a.Bus()
	_ = a.LocalServer()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("New made the data dir: %v", err)
	}
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.DBPath); err != nil {
		t.Fatalf("Open made no store: %v", err)
	}
	if a.kern != nil {
		t.Fatal("Open built the kernel")
	}
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatalf("a second Shutdown: %v", err)
	}
	if err := a.Open(context.Background()); err == nil {
		t.Fatal("Open after Shutdown opened the store again")
	}
}

func TestEnsureDataDirSaysWhatToDo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := EnsureDataDir(filepath.Join(file, "home"))
	if err == nil || !contains(err.Error(), "cannot create the data dir", "set MACROA_HOME") {
		t.Fatalf("got %v", err)
	}
}

func TestSessions(t *testing.T) {
	a, _ := newApp(t)
	ctx := context.Background()
	if h, err := a.History(ctx, "none", 10); err != nil || len(h) != 0 {
		t.Fatalf("history of no session: %v %v", h, err)
	}
	if err := a.SessionService().Clear(ctx, "none"); err != nil {
		t.Fatalf("clearing no session: %v", err)
	}
	if _, err := a.EnsureSession(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	res := a.Run(ctx, kernel.Request{Input: "!echo hello", Session: "work", Source: kernel.SourceTUI})
	if !res.Success {
		t.Fatalf("run: %+v", res)
	}
	h, err := a.History(ctx, "work", 0)
	if err != nil || len(h) != 2 || h[0].Content != "!echo hello" {
		t.Fatalf("history: %+v %v", h, err)
	}
	if err := a.RenameSession(ctx, "work", "play"); err != nil {
		t.Fatal(err)
	}
	list, err := a.Sessions(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "play" {
		t.Fatalf("sessions: %+v %v", list, err)
	}
	if err := a.SessionService().Clear(ctx, "play"); err != nil {
		t.Fatal(err)
	}
	if h, _ := a.History(ctx, "play", 0); len(h) != 0 {
		t.Fatalf("cleared session still holds %d entries", len(h))
	}
	for _, want := range []bool{true, false} {
		if ok, err := a.DeleteSession(ctx, "play"); err != nil || ok != want {
			t.Fatalf("delete: %v %v, want %v", ok, err, want)
		}
	}
}

func TestMemoryForget(t *testing.T) {
	a, _ := newApp(t)
	ctx := context.Background()
	mem := a.MemoryService()
	for _, in := range []store.FactInput{
		{Key: "editor", Value: "helix"},
		{Namespace: "work", Key: "editor", Value: "vim"},
		{Namespace: "work", Key: "badge", Value: "42"},
	} {
		if _, err := mem.Set(ctx, in, mem.Record("cli", "macroa memory set "+in.Key, "remember "+in.Key)); err != nil {
			t.Fatal(err)
		}
	}
	record := func(f store.Fact) store.AuditEntry {
		return mem.Record("cli", "macroa memory forget "+f.Key, "forget "+f.Namespace+"/"+f.Key)
	}
	for _, tc := range []struct {
		name, ns, key string
		ok            bool
		gone          string // namespace of the fact forgotten
	}{
		{"any namespace prefers user", "", "editor", true, "user"},
		{"a namespace given", "work", "editor", true, "work"},
		{"found in another namespace", "", "badge", true, "work"},
		{"nothing left", "", "editor", false, ""},
		{"wrong namespace", "user", "badge", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := a.RecentAudit(ctx, 1)
			f, ok, err := mem.Forget(ctx, tc.ns, tc.key, record)
			if err != nil || ok != tc.ok || (ok && f.Namespace != tc.gone) {
				t.Fatalf("forget: %+v %v %v", f, ok, err)
			}
			after, _ := a.RecentAudit(ctx, 1)
			wrote := after[0].ID != before[0].ID
			if wrote != tc.ok {
				t.Fatalf("audit entry written: %v, want %v", wrote, tc.ok)
			}
			if ok && after[0].Action != "forget "+tc.gone+"/"+tc.key {
				t.Fatalf("audit action %q", after[0].Action)
			}
		})
	}
}

func TestMemoryRecordRedactsSecrets(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir, "OPENROUTER_API_KEY=sk-or-v1-abcdefabcdefabcdefabcdef"}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Config: cfg}).MemoryService().Record("cli", "macroa memory set k", "remember k = sk-or-v1-abcdefabcdefabcdefabcdef")
	if contains(e.Action, "abcdefabcdef") || e.Source != "cli" || e.Skill != "memory" {
		t.Fatalf("record: %+v", e)
	}
}

func TestAuditAndUsage(t *testing.T) {
	a, _ := newApp(t)
	ctx := context.Background()
	for _, in := range []string{"!echo one", "!echo two"} {
		if res := a.Run(ctx, kernel.Request{Input: in, Source: kernel.SourceCLI}); !res.Success {
			t.Fatalf("%s: %+v", in, res)
		}
	}
	recent, err := a.RecentAudit(ctx, 10)
	if err != nil || len(recent) != 2 || recent[0].Input != "!echo two" {
		t.Fatalf("recent: %+v %v", recent, err)
	}
	since, err := a.AuditSince(ctx, recent[1].ID, 10)
	if err != nil || len(since) != 1 || since[0].ID != recent[0].ID {
		t.Fatalf("since: %+v %v", since, err)
	}
	audit := a.AuditService()
	if rep, err := audit.Verify(ctx); err != nil || !rep.OK() || rep.Checked != 2 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	if st, err := audit.Stats(ctx); err != nil || st.TotalRuns != 2 {
		t.Fatalf("stats: %+v %v", st, err)
	}
	if acc, err := audit.Acceptance(ctx); err != nil || acc.Needed {
		t.Fatalf("acceptance: %+v %v", acc, err)
	}
	if spent, err := a.SpentSince(ctx, time.Time{}); err != nil || spent != 0 {
		t.Fatalf("spent: %v %v", spent, err)
	}
	report, err := a.UsageService().Report(ctx, time.Time{}, store.ByDay, store.ByModel)
	if err != nil || len(report) != 2 || report[store.ByDay] == nil || len(report[store.ByModel]) != 0 {
		t.Fatalf("report: %#v %v", report, err)
	}
}

// Shutdown cancels a run in flight and returns once it has saved what it
// did: its audit entry is there when Shutdown returns.
func TestShutdownWaitsForRuns(t *testing.T) {
	a, dir := newApp(t)
	ctx := context.Background()
	if _, err := a.Kernel(ctx); err != nil {
		t.Fatal(err)
	}
	events := a.Subscribe(ctx)
	done := make(chan kernel.Result, 1)
	go func() { done <- a.Run(ctx, kernel.Request{Input: "!sleep 30", Source: kernel.SourceTUI}) }()
	waitFor(t, events, func(e any) bool { _, ok := e.(interface{ Turn() string }); return ok })
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := a.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case res := <-done:
		if res.Success {
			t.Fatalf("a cancelled run succeeded: %+v", res)
		}
	default:
		t.Fatal("Shutdown returned before the run did")
	}
	if res := a.Run(ctx, kernel.Request{Input: "!echo late", Source: kernel.SourceTUI}); res.Success || res.Error == "" {
		t.Fatalf("a run after Shutdown: %+v", res)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recent, err := db.RecentAudit(ctx, 1)
	if err != nil || len(recent) != 1 || recent[0].Input != "!sleep 30" {
		t.Fatalf("the cancelled run's audit entry: %+v %v", recent, err)
	}
}

// A run ends when the context Start was given ends (the terminal went away).
func TestRunEndsWithStartContext(t *testing.T) {
	a, _ := newApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	events := a.Subscribe(context.Background())
	done := make(chan kernel.Result, 1)
	go func() {
		done <- a.Run(context.Background(), kernel.Request{Input: "!sleep 30", Source: kernel.SourceTUI})
	}()
	waitFor(t, events, func(e any) bool { _, ok := e.(interface{ Turn() string }); return ok })
	cancel()
	select {
	case res := <-done:
		if res.Success {
			t.Fatalf("run survived its base context: %+v", res)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not end with the base context")
	}
}

// Shutdown gives up waiting when its context ends, and says so.
func TestShutdownDeadline(t *testing.T) {
	a, _ := newApp(t)
	a.runMu.Lock()
	a.runs.Add(1) // a run that never finishes saving
	a.runMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := a.Shutdown(ctx); !errors.Is(err, ErrRunsInFlight) {
		t.Fatalf("got %v, want ErrRunsInFlight", err)
	}
	a.runs.Done()
}

func waitFor[T any](t *testing.T, ch <-chan T, ok func(any) bool) T {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case e, open := <-ch:
			if !open {
				t.Fatal("event channel closed")
			}
			if ok(e) {
				return e
			}
		case <-deadline:
			var zero T
			t.Fatal("no matching event")
			return zero
		}
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// A store the caller opened is used as it is and left open by Shutdown.
func TestGivenStoreStaysOpen(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := New(Options{Config: cfg, Store: db})
	if _, err := a.EnsureSession(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.SessionByName(ctx, "s"); err != nil || !ok {
		t.Fatalf("the given store: %v %v", ok, err)
	}
	if _, err := os.Stat(cfg.DBPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the configured store was opened too: %v", err)
	}
	if _, err := a.Sessions(ctx); err == nil {
		t.Fatal("the store is still reachable after Shutdown")
	}
}

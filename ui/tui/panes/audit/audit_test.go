package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// fixedNow is the clock of the audit views with fixed data.
var fixedNow = time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)

// seedAudit writes six fixed entries through the store, with fixed
// times and turn ids, so their rows (and hashes) never change.
func seedAudit(t testing.TB, db *store.DB) []store.AuditEntry {
	t.Helper()
	at := func(d, h, m, s int) time.Time { return time.Date(2026, 11, d, h, m, s, 0, time.UTC) }
	seed := []store.AuditEntry{
		{Time: at(20, 22, 14, 3), Source: "cli", Input: "!uptime", Route: "shell", Skill: "shell", Tier: "nano", Success: true, ElapsedMS: 12},
		{Time: at(21, 9, 2, 11), Source: "tui", Session: "homelab", Input: "what's using port 8080 on the nas?", Route: "model", Skill: "chat", Tier: "haiku",
			Model: "anthropic/claude-3.5-haiku", Providers: "openrouter", LLMCalls: 1, Success: true, PromptTokens: 812, CompletionTokens: 96, CostUSD: 0.00124, ElapsedMS: 1840},
		{Time: at(21, 9, 5, 40), Source: "scheduler", Input: "backup check: !restic snapshots --latest 1", Route: "shell", Skill: "shell", Tier: "nano",
			Error: "command failed with exit code 1", ElapsedMS: 230},
		{Time: at(21, 11, 47, 9), Source: "repl", Session: "deploy notes", Input: "summarise the deploy log and list every failed step\nwith its timestamp", Route: "model",
			Skill: "agent", Tier: "sonnet", Model: "anthropic/claude-sonnet-4", Providers: "openrouter,ollama", LLMCalls: 4, Success: true,
			PromptTokens: 15230, CompletionTokens: 2210, CostUSD: 0.0789, ElapsedMS: 21450, PlanSteps: 3},
		{Time: at(21, 15, 29, 12), Source: "http", Session: "homelab", Input: "remember the nas ip is 10.0.0.5", Route: "memory", Skill: "memory", Tier: "nano", Success: true, ElapsedMS: 4},
		{Time: at(21, 15, 29, 58), Source: "tui", Session: "homelab", Input: "explain this \x1b[31merror\x1b[0m in detail please, with the full stack trace of the failing request and what to change", Route: "model",
			Skill: "chat", Tier: "opus", Model: "anthropic/claude-opus-4", Providers: "openrouter,ollama", LLMCalls: 3,
			Error: "openrouter: rate limited (429); ollama: connection refused", PromptTokens: 2048, ElapsedMS: 3200},
	}
	var out []store.AuditEntry
	for i, e := range seed {
		e.TurnID = store.TurnID(fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1))
		got, err := db.AppendAudit(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got)
	}
	return out
}

// loadedPane builds an audit pane on w and drives its first load; it
// returns the event that says the audit log changed.
func loadedPane(t testing.TB, w *world) (*Pane, kit.CoreEventMsg) {
	t.Helper()
	p := New(w.b, styles(t), nil)
	p.SetClock(func() time.Time { return fixedNow })
	drive(t, p, p.Init())
	return p, storeChanged(events.PartAudit)
}

// listRows returns the list rows of a view (the lines after the two header
// lines that hold an entry).
func listRows(view string) []string {
	var out []string
	for _, l := range strings.Split(ansi.Strip(view), "\n")[2:] {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// synthetic makes n entries with ids 1..n, as a read would deliver
// them, without writing n rows to SQLite.
func synthetic(n int) []store.AuditEntry {
	skills := []string{"shell", "chat", "memory", "agent", "file"}
	tiers := []string{"nano", "haiku", "sonnet", "opus"}
	sources := []string{"tui", "cli", "repl", "scheduler"}
	out := make([]store.AuditEntry, n)
	for i := range out {
		out[i] = store.AuditEntry{
			ID: store.AuditID(i + 1), Time: fixedNow.Add(time.Duration(i-n) * time.Second),
			Source: sources[i%len(sources)], Session: fmt.Sprintf("s%d", i%7), Skill: skills[i%len(skills)], Tier: tiers[i%len(tiers)],
			Success: i%13 != 0, ElapsedMS: int64(i % 5000), CostUSD: float64(i%100) / 10000,
			Input: fmt.Sprintf("request number %d with some words to fill the input column", i+1),
		}
	}
	return out
}

func TestAuditInitialLoadThenNewRunsWhenTheStoreChanges(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo first", "s1")
	w.Run(t, "!ls /no/such/dir", "s1") // read-only: one entry, a failure
	p, tick := loadedPane(t, w)

	if p.Len() != 2 || p.entries[0].Input != "!echo first" || p.entries[1].Success {
		t.Fatalf("first load: %+v, want the two runs oldest first, the second failed", p.entries)
	}
	if e, _ := p.Selected(); e.ID != p.entries[1].ID || !p.Following() {
		t.Fatalf("selection %d (following %v), want the newest and following", e.ID, p.Following())
	}

	// A run in this process and one written by another process's handle.
	w.Run(t, "!echo second", "")
	if _, err := w.Other(t).AppendAudit(context.Background(), store.AuditEntry{Source: "cli", Input: "from another process", Skill: "shell", Tier: "nano", Success: true}); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []tea.Msg{storeChanged(events.PartSessions, events.PartUsage), kit.CoreEventMsg{Event: events.RunCompleted{}}} {
		if cmd := p.Update(msg); cmd != nil {
			t.Fatalf("%+v started a read", msg)
		}
	}
	drive(t, p, p.Update(tick))
	if p.Len() != 4 {
		t.Fatalf("after the change: %d entries, want 4", p.Len())
	}
	if p.Badge() != "2 new" {
		t.Fatalf("badge %q, want 2 new", p.Badge())
	}
	rows := listRows(p.View(100, 10, true))
	if p.Badge() != "4" {
		t.Fatalf("badge after a focused draw: %q, want the total", p.Badge())
	}
	if last := rows[len(rows)-1]; !strings.Contains(last, "from another process") || !strings.HasPrefix(last, "›") {
		t.Fatalf("newest row %q, want the other process's run, selected", last)
	}
	if !strings.Contains(rows[len(rows)-2], "!echo second") {
		t.Fatalf("row before it: %q", rows[len(rows)-2])
	}
	if !strings.Contains(rows[1], "FAIL") || strings.Contains(rows[0], "FAIL") {
		t.Fatalf("ok/FAIL column wrong:\n%s\n%s", rows[0], rows[1])
	}
}

func TestAuditFollowStopsWhenSelectionMovesUp(t *testing.T) {
	w := newWorld(t)
	seedAudit(t, w.db)
	p, tick := loadedPane(t, w)

	press(t, p, "up", "up")
	held, _ := p.Selected()
	if p.Following() || held.ID != 4 {
		t.Fatalf("after up up: following=%v selected=%d, want paused on #4", p.Following(), held.ID)
	}
	if h := ansi.Strip(p.View(78, 10, true)); !strings.Contains(strings.Split(h, "\n")[0], "paused") {
		t.Fatalf("header does not say paused:\n%s", h)
	}
	if _, err := w.db.AppendAudit(context.Background(), store.AuditEntry{Source: "cli", Input: "newer", Success: true}); err != nil {
		t.Fatal(err)
	}
	drive(t, p, p.Update(tick))
	if e, _ := p.Selected(); p.Len() != 7 || e.ID != held.ID {
		t.Fatalf("a new entry moved the selection to #%d (len %d), want it held on #%d", e.ID, p.Len(), held.ID)
	}
	press(t, p, "G")
	if e, _ := p.Selected(); !p.Following() || e.Input != "newer" {
		t.Fatalf("G: following=%v selected %q, want the newest and following", p.Following(), e.Input)
	}
}

func TestAuditFilters(t *testing.T) {
	w := newWorld(t)
	seedAudit(t, w.db)
	p, _ := loadedPane(t, w)

	steps := []struct {
		key        string
		wantHeader string
		wantIDs    []store.AuditID
	}{
		{"f", "filter: failures only", []store.AuditID{3, 6}},
		{"f", "filter: skill = chat", []store.AuditID{2, 6}}, // the selected failure (#6) is a chat
		{"f", "filter: tier = opus", []store.AuditID{6}},
		{"f", "filter: source = tui", []store.AuditID{2, 6}},
		{"f", "6 runs", []store.AuditID{1, 2, 3, 4, 5, 6}},
		{"f", "filter: failures only", []store.AuditID{3, 6}},
		{"esc", "6 runs", []store.AuditID{1, 2, 3, 4, 5, 6}},
	}
	for _, s := range steps {
		if _, handled := p.HandleKey(key(s.key)); !handled {
			t.Fatalf("%s not handled", s.key)
		}
		var ids []store.AuditID
		for _, i := range p.view {
			ids = append(ids, p.entries[i].ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(s.wantIDs) {
			t.Fatalf("after %s (%s): entries %v, want %v", s.key, p.filter, ids, s.wantIDs)
		}
		view := p.View(120, 12, true)
		if head := ansi.Strip(strings.Split(view, "\n")[0]); !strings.Contains(head, s.wantHeader) {
			t.Fatalf("after %s: header %q, want %q", s.key, head, s.wantHeader)
		}
		rows := listRows(view)
		if len(rows) != len(s.wantIDs) {
			t.Fatalf("after %s: %d rows drawn, want %d", s.key, len(rows), len(s.wantIDs))
		}
		if p.filter.mode == filterFailures {
			for _, r := range rows {
				if !strings.Contains(r, "FAIL") {
					t.Fatalf("failures only shows %q", r)
				}
			}
		}
	}
	if _, handled := p.HandleKey(key("esc")); handled {
		t.Fatal("esc with no filter and no detail view must be left to the root")
	}
}

func TestAuditDetailView(t *testing.T) {
	w := newWorld(t)
	seeded := seedAudit(t, w.db)
	p, _ := loadedPane(t, w)

	press(t, p, "enter")
	if !p.DetailOpen() {
		t.Fatal("enter did not open the detail view")
	}
	e := seeded[5]
	view := ansi.Strip(p.View(78, 40, true))
	for _, want := range []string{
		"audit entry #6", string(e.TurnID), "anthropic/claude-opus-4", "openrouter, ollama", "rate limited (429)",
		"llm calls   3", "2048 prompt + 0 completion = 2048", "FAIL", e.Hash[:12], "prev " + e.PrevHash[:12],
		"route       model", "source      tui", "session     homelab", "2026-11-21 15:29:58.000 UTC",
		"explain this ␛[31merror␛[0m in detail", "what to change",
	} {
		if !strings.Contains(view, want) {
			t.Fatalf("detail view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(p.View(78, 40, true), "\x1b[31merror") {
		t.Fatal("the input's escape sequence reached the terminal")
	}
	// In a short pane the input is below the fold until scrolled to.
	short := ansi.Strip(p.View(78, 18, true))
	if strings.Contains(short, "what to change") || !strings.Contains(short, "↓ 6 more") {
		t.Fatalf("short detail view:\n%s", short)
	}
	press(t, p, "down", "down")
	if v := ansi.Strip(p.View(78, 18, true)); !strings.Contains(v, "↓ 4 more") || strings.Contains(v, "\ntime ") {
		t.Fatalf("down did not scroll by two lines:\n%s", v)
	}
	press(t, p, "G")
	if v := ansi.Strip(p.View(78, 18, true)); !strings.Contains(v, "what to change") || strings.Contains(v, "more") {
		t.Fatalf("G did not scroll to the end:\n%s", v)
	}
	press(t, p, "esc")
	if p.DetailOpen() {
		t.Fatal("esc did not close the detail view")
	}
}

func TestAuditDetailKeepsItsEntryWhileRunsArrive(t *testing.T) {
	w := newWorld(t)
	seedAudit(t, w.db)
	p, tick := loadedPane(t, w)
	press(t, p, "enter")
	if _, err := w.db.AppendAudit(context.Background(), store.AuditEntry{Source: "cli", Input: "newer", Success: true}); err != nil {
		t.Fatal(err)
	}
	drive(t, p, p.Update(tick))
	if e, _ := p.Selected(); p.Len() != 7 || e.ID != 6 || !strings.Contains(ansi.Strip(p.View(78, 18, true)), "audit entry #6") {
		t.Fatalf("detail moved to #%d when a run arrived (len %d)", e.ID, p.Len())
	}
	press(t, p, "esc", "G")
	if e, _ := p.Selected(); e.Input != "newer" {
		t.Fatalf("after closing and G: selected %q", e.Input)
	}
}

func TestAuditLoadErrorShows(t *testing.T) {
	w := newWorld(t)
	p := New(w.b, styles(t), nil)
	w.db.Close()
	drive(t, p, p.Init())
	if head := ansi.Strip(strings.Split(p.View(100, 5, true), "\n")[0]); !strings.Contains(head, "could not read the audit log") {
		t.Fatalf("header %q does not report the error", head)
	}
}

func TestAuditCopyEntry(t *testing.T) {
	w := newWorld(t)
	seeded := seedAudit(t, w.db)
	p, _ := loadedPane(t, w)

	press(t, p, "up", "up")
	msgs := press(t, p, "y")
	c, ok := find[kit.CopyMsg](msgs)
	if !ok || c.What != "audit entry" {
		t.Fatalf("y gave %v, want a CopyMsg for an audit entry", msgs)
	}
	e := seeded[3]
	for _, want := range []string{
		"entry:      #4", "turn:       " + string(e.TurnID), "model:      anthropic/claude-sonnet-4", "providers:  openrouter, ollama",
		"plan steps: 3", "cost:       $0.078900", "hash:       " + e.Hash[:12],
		"input:\nsummarise the deploy log and list every failed step\nwith its timestamp\n",
	} {
		if !strings.Contains(c.Text, want) {
			t.Fatalf("copied text lacks %q:\n%s", want, c.Text)
		}
	}
	// The detail view copies too.
	press(t, p, "enter")
	if c2, ok := find[kit.CopyMsg](press(t, p, "y")); !ok || c2.Text != c.Text {
		t.Fatal("y in the detail view did not copy the same entry")
	}
}

func TestAuditStaleResultIsDropped(t *testing.T) {
	w := newWorld(t)
	seedAudit(t, w.db)
	p, _ := loadedPane(t, w)

	staleCmd := p.fetch() // sent first, answered last
	fresh := p.fetch()()  // nothing new yet
	if _, err := w.db.AppendAudit(context.Background(), store.AuditEntry{Source: "cli", Input: "late", Success: true}); err != nil {
		t.Fatal(err)
	}
	stale := staleCmd()
	if len(stale.(loadedMsg).entries) != 1 {
		t.Fatal("test setup: the stale answer should carry the new entry")
	}
	if !p.Quiet(fresh) {
		t.Fatal("an answer with nothing new must not redraw")
	}
	p.Update(fresh)
	if cmd := p.Update(stale); cmd != nil || p.Len() != 6 {
		t.Fatalf("stale answer applied: len %d, cmd %v", p.Len(), cmd != nil)
	}
	// The next change still fetches it, once.
	drive(t, p, p.Update(storeChanged(events.PartAudit)))
	if p.Len() != 7 || p.entries[6].Input != "late" {
		t.Fatalf("after the next change: len %d", p.Len())
	}
}

func TestAuditKeepsNewest10000AndDrawsOnlyVisibleRows(t *testing.T) {
	w := newWorld(t)
	p := New(w.b, styles(t), nil)
	p.SetClock(func() time.Time { return fixedNow })
	p.Init()
	all := synthetic(10_050)
	p.Update(loadedMsg{seq: p.seq, first: true, entries: all[:500]})
	for i := 500; i < len(all); i += pageSize {
		p.fetch()
		p.Update(loadedMsg{seq: p.seq, entries: all[i:min(i+pageSize, len(all))]})
	}
	if p.Len() != maxEntries || p.entries[0].ID != 51 || p.entries[maxEntries-1].ID != 10_050 {
		t.Fatalf("kept %d entries, #%d…#%d; want the newest 10,000", p.Len(), p.entries[0].ID, p.entries[p.Len()-1].ID)
	}
	view := p.View(158, 42, true)
	checkBlock(t, view, 158, 42)
	if p.rendered != 40 {
		t.Fatalf("drew %d rows for 40 visible lines", p.rendered)
	}
	if !strings.Contains(ansi.Strip(view), "10,000 runs") {
		t.Fatal("header does not count 10,000 runs")
	}
	press(t, p, "f") // failures only, over all 10,000
	p.View(158, 42, true)
	if p.rendered != 40 || len(p.view) != 770 {
		t.Fatalf("filtered: %d rows drawn, %d match; want 40 and 770", p.rendered, len(p.view))
	}
}

func TestAuditViewFitsEverySize(t *testing.T) {
	w := newWorld(t)
	seedAudit(t, w.db)
	p, _ := loadedPane(t, w)
	for _, size := range [][2]int{{1, 1}, {12, 2}, {30, 3}, {60, 8}, {78, 18}, {119, 20}, {158, 42}, {300, 5}} {
		for _, detail := range []bool{false, true} {
			if detail {
				press(t, p, "enter")
			}
			checkBlock(t, p.View(size[0], size[1], true), size[0], size[1])
			press(t, p, "esc")
		}
	}
	empty := New(w.b, styles(t), nil)
	checkBlock(t, empty.View(78, 18, true), 78, 18)
	if !strings.Contains(ansi.Strip(empty.View(78, 18, true)), "loading") {
		t.Fatal("an unloaded pane does not say it is loading")
	}
}

func TestAuditGoldens(t *testing.T) {
	w := newWorld(t)
	seedAudit(t, w.db)
	p, _ := loadedPane(t, w)
	for _, size := range [][2]int{{78, 18}, {158, 42}} {
		name := fmt.Sprintf("audit_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) { golden(t, name, p.View(size[0], size[1], true)) })
	}
	press(t, p, "up", "f")
	t.Run("audit_failures_158x42", func(t *testing.T) { golden(t, "audit_failures_158x42", p.View(158, 42, false)) })
	press(t, p, "esc", "G", "enter")
	for _, size := range [][2]int{{78, 18}, {158, 42}} {
		name := fmt.Sprintf("audit_detail_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) { golden(t, name, p.View(size[0], size[1], true)) })
	}
}

// BenchmarkAuditKeyPress: 10,000 entries loaded, one key press, then the
// view redrawn (Update + View), as the program does per key.
func BenchmarkAuditKeyPress(b *testing.B) {
	w := newWorld(b)
	p := New(w.b, styles(b), nil)
	p.Init()
	p.Update(loadedMsg{seq: p.seq, first: true, entries: synthetic(maxEntries)})
	keys := []string{"up", "down"}
	p.View(158, 42, true)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.HandleKey(key(keys[i%2]))
		_ = p.View(158, 42, true)
	}
}

// A state-changing run writes a start record before it acts; once its
// outcome is in, the pane shows the run once. A start record with no
// outcome yet shows as running.
func TestAuditStartRecordsFoldIntoTheirOutcome(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!touch "+filepath.Join(t.TempDir(), "made"), "s1")
	p, tick := loadedPane(t, w)
	if len(p.entries) != 2 || len(p.view) != 1 || p.entries[p.view[0]].Stage == store.StageStart {
		t.Fatalf("entries %d, rows %d: want the start record folded into its outcome", len(p.entries), len(p.view))
	}

	// A start record whose outcome arrives with a later change.
	turn := store.NewTurnID()
	other := w.Other(t)
	if _, err := other.AppendAudit(context.Background(), store.AuditEntry{TurnID: turn, Source: "cli", Input: "!sleep 100", Skill: "shell", Stage: store.StageStart}); err != nil {
		t.Fatal(err)
	}
	drive(t, p, p.Update(tick))
	if v := ansi.Strip(p.View(78, 18, true)); len(p.view) != 2 || !strings.Contains(v, "run…") {
		t.Fatalf("rows %d, want the running start record shown as running:\n%s", len(p.view), v)
	}
	if _, err := other.AppendAudit(context.Background(), store.AuditEntry{TurnID: turn, Source: "cli", Input: "!sleep 100", Skill: "shell", Success: true}); err != nil {
		t.Fatal(err)
	}
	drive(t, p, p.Update(storeChanged(events.PartAudit)))
	if len(p.view) != 2 || p.entries[p.view[1]].Stage == store.StageStart {
		t.Fatalf("rows %d, want the outcome in place of the start record", len(p.view))
	}
}

package tui

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/panes/chat"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// The cockpit's frame budget: one frame at 60 Hz. A key press or a batch
// of streamed tokens is Update plus a full View; its p95 must stay under.
const benchFrame = 16 * time.Millisecond

const (
	benchTurns        = 1_000  // turns stored in the session
	benchChatMsgs     = 1_000  // messages the chat holds (the newest 500 turns)
	benchAuditEntries = 10_000 // entries the audit pane holds (its cap)
)

// benchCockpit is the real cockpit at 160x48, focused on the chat, with a
// session of 1,000 turns open and 1,000 of its messages in the chat, and
// the audit pane holding 10,000 entries. Everything is written through the
// store and read back through the backend; the results are fed to the App
// as its load commands would deliver them.
//
// The chat's own load asks for the newest 200 entries; the benchmark's
// runner answers with 1,000 whatever the chat asks, so it measures the
// worst case the pane can hold. The audit pane reaches its 10,000 the
// real way: the log fills after its first load, and a store change makes
// it read them all.
//
// It measures the Go heap in use (after a GC) once everything is loaded
// and drawn, and how much of it the conversation and the audit log added;
// the returned func reports both (call it after the loop: b.Loop's first
// call clears the metrics).
func benchCockpit(b *testing.B) (*realCockpit, func()) {
	b.Helper()
	ctx := context.Background()
	c := newRealCockpitWith(b, func(p pinned) chat.Runner { return bigHistory{p} })

	s, err := c.db.EnsureSession(ctx, "big")
	if err != nil {
		b.Fatal(err)
	}
	entries := make([]store.Entry, 0, 2*benchTurns)
	for i := range benchTurns {
		turn := store.NewTurnID()
		entries = append(entries, store.Entry{TurnID: turn, Role: store.RoleUser, Content: fmt.Sprintf("question %d: how does this part work?", i)})
		if i%2 == 0 {
			entries = append(entries, store.Entry{TurnID: turn, Role: store.RoleAssistant, Skill: "shell",
				Content: fmt.Sprintf("total %d\ndrwxr-xr-x 2 root root 4096 Jan  2 10:00 backups\n-rw-r--r-- 1 root root  220 notes.txt", i)})
		} else {
			entries = append(entries, store.Entry{TurnID: turn, Role: store.RoleAssistant, Skill: "chat", Content: benchAnswer})
		}
	}
	if err := c.db.AppendEntries(ctx, s.ID, entries...); err != nil {
		b.Fatal(err)
	}
	// Start as the program does (the audit log is empty yet), then fill
	// the log the way a busy one fills: the store watcher's change makes
	// the pane read it all, a page at a time.
	c.a.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	c.drive(b, c.a.Init())
	// One transaction: an append per entry would fsync the checkpoint 10,000 times.
	if _, err := c.db.AppendAuditBatch(ctx, benchSynthetic(benchAuditEntries)); err != nil {
		b.Fatal(err)
	}
	c.storeChanged(b)
	c.a.View()
	before := benchHeap()

	// Open the session the way the sessions pane does and run its load.
	_, cmd := c.a.Update(SwitchSessionMsg{Name: "big"})
	c.drive(b, cmd)

	if n := len(c.chat.Messages()); n != benchChatMsgs || c.chat.Session() != "big" || c.audit.Len() != benchAuditEntries || c.a.focused().ID() != PaneChat {
		b.Fatalf("loaded %d messages of %q and %d audit entries (focus %s)", n, c.chat.Session(), c.audit.Len(), c.a.focused().ID())
	}
	screen := ansi.Strip(c.a.View().Content)
	if e, ok := c.audit.Selected(); !ok || !strings.HasPrefix(e.Input, "request number 10000 ") {
		b.Fatalf("the audit pane's selection is %+v, want the newest entry", e)
	}
	for _, want := range []string{"1 chat · big", "10,000 runs", "Done.", "following"} {
		if !strings.Contains(screen, want) {
			b.Fatalf("the screen lacks %q:\n%s", want, screen)
		}
	}
	after := benchHeap()
	return c, func() {
		b.ReportMetric(after, "heap-inuse-MB")
		b.ReportMetric(after-before, "heap-loaded-MB")
	}
}

// bigHistory answers every history read with the newest benchChatMsgs
// entries.
type bigHistory struct{ pinned }

func (h bigHistory) History(ctx context.Context, session string, _ int) ([]store.Entry, error) {
	return h.pinned.History(ctx, session, benchChatMsgs)
}

// benchHeap is the Go heap in use after a collection, in MB.
func benchHeap() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / 1e6
}

// benchFrames collects frame times and reports their percentiles.
type benchFrames []time.Duration

// pct is the p-th percentile (nearest rank).
func (f benchFrames) pct(p float64) time.Duration {
	if len(f) == 0 {
		return 0
	}
	s := slices.Clone(f)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func benchMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// report writes p50, p95 and the slowest frame as metrics named
// prefix+"p50-ms" and so on, and fails the benchmark when p95 is over a
// frame.
func (f benchFrames) report(b *testing.B, prefix string) {
	b.Helper()
	p50, p95 := f.pct(50), f.pct(95)
	b.ReportMetric(benchMS(p50), prefix+"p50-ms")
	b.ReportMetric(benchMS(p95), prefix+"p95-ms")
	b.ReportMetric(benchMS(f.pct(100)), prefix+"max-ms")
	if p95 >= benchFrame {
		b.Errorf("%sp95 is %v over %d frames: over the %v frame budget", prefix, p95, len(f), benchFrame)
	}
}

// benchAnswer is a model's Markdown answer: headings, a code block,
// lists, a quote.
const benchAnswer = "## Reading a directory\n\n" +
	"Use `os.ReadDir`, which returns the entries **sorted by name**:\n\n" +
	"```go\nentries, err := os.ReadDir(\"/srv\")\nif err != nil {\n\treturn err\n}\n```\n\n" +
	"- each entry has `Name()` and `IsDir()`\n" +
	"- call `Info()` only when you need sizes or times, since it costs a stat per file\n" +
	"1. open\n2. read\n\n> Tip: filepath.WalkDir walks a whole tree.\n\n---\nDone."

// benchTyped is the text the key presses type, one character each.
const benchTyped = "show me the disk usage of every host, sorted by size "

// benchKeys are the key presses typing benchTyped, as a terminal sends
// them.
var benchKeys = tuitest.Typing(benchTyped)

// benchKey is the i-th key press typing benchTyped.
func benchKey(i int) tea.KeyPressMsg { return benchKeys[i%len(benchKeys)] }

// BenchmarkCockpitKeyPress: one character typed into the chat of a
// cockpit holding 1,000 messages and 10,000 audit entries, then the whole
// screen drawn (Update + View), as the program does per key. The
// percentiles need samples: keep the default -benchtime (hundreds of key
// presses) or ask for -benchtime 1000x.
func BenchmarkCockpitKeyPress(b *testing.B) {
	c, reportHeap := benchCockpit(b)
	frames := make(benchFrames, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%len(benchTyped) == 0 {
			c.chat.SetInput("") // a fresh line: the input stays one row
		}
		k := benchKey(i)
		i++
		start := time.Now()
		c.a.Update(k)
		_ = c.a.View()
		frames = append(frames, time.Since(start))
	}
	if c.chat.Input() == "" {
		b.Fatal("the key presses typed nothing")
	}
	frames.report(b, "")
	reportHeap()
}

// benchTokens is a streamed Markdown answer cut into about 4-byte tokens,
// as a model sends it: headings, a code block, lists, a quote.
func benchTokens(n int) []string {
	var out []string
	for len(out) < n {
		text := benchAnswer + "\n\n"
		for len(text) > 0 && len(out) < n {
			k := min(4, len(text))
			out = append(out, text[:k])
			text = text[k:]
		}
	}
	return out
}

const (
	benchStreamTokens    = 5_000
	benchTokensPerEvent  = 6  // 200 tokens/s coalesced over 30 ms
	benchEventsPerKey    = 10 // a key press after every 10 token events
	benchStreamTokenEvts = (benchStreamTokens + benchTokensPerEvent - 1) / benchTokensPerEvent
)

// BenchmarkCockpitStreaming: a 5,000-token answer streaming into the chat
// of the loaded cockpit as the coalescer delivers it (6 tokens per event,
// 200 tokens/s at 30 ms), with a key typed after every 10 events. One
// iteration is the whole answer (834 token events, 83 key presses); the
// metrics are per frame: Update + View of a token event, and of a key.
// An iteration takes seconds: run it with -benchtime 3x.
func BenchmarkCockpitStreaming(b *testing.B) {
	c, _ := benchCockpit(b)
	// A request in flight: its run command (the kernel) is not run, the
	// bench plays its streamed tokens instead.
	c.chat.SetInput("explain how to read a directory, at length")
	_, run := c.a.Update(tuitest.Key("enter"))
	if run == nil || !c.chat.Running() {
		b.Fatal("the request did not start")
	}
	turn := string(c.chat.Turn())
	tokens := benchTokens(benchStreamTokens)
	evts := make([]tea.Msg, 0, benchStreamTokenEvts)
	for i := 0; i < len(tokens); i += benchTokensPerEvent {
		evts = append(evts, CoreEventMsg{Event: events.Token{TurnID: turn, Text: strings.Join(tokens[i:min(i+benchTokensPerEvent, len(tokens))], "")}})
	}
	tokenFrames := make(benchFrames, 0, 1<<16)
	keyFrames := make(benchFrames, 0, 1<<13)
	frame := func(msg tea.Msg) time.Duration {
		start := time.Now()
		c.a.Update(msg)
		_ = c.a.View()
		return time.Since(start)
	}
	b.ReportAllocs()
	for b.Loop() {
		// The answer starts over, as after a provider's retry.
		c.a.Update(CoreEventMsg{Event: events.StreamReset{TurnID: turn, Reason: "bench"}})
		c.chat.SetInput("")
		for i, e := range evts {
			tokenFrames = append(tokenFrames, frame(e))
			if (i+1)%benchEventsPerKey == 0 {
				keyFrames = append(keyFrames, frame(benchKey(i/benchEventsPerKey)))
			}
		}
	}
	ms := c.chat.Messages()
	if !c.chat.Running() || len(ms) == 0 || len(ms[len(ms)-1].Text) != len(strings.Join(tokens, "")) {
		b.Fatal("the streamed answer did not arrive whole")
	}
	tokenFrames.report(b, "token-")
	keyFrames.report(b, "key-")
}

// benchSynthetic makes n audit entries for the store to number.
func benchSynthetic(n int) []store.AuditEntry {
	skills := []string{"shell", "chat", "memory", "agent", "file"}
	tiers := []string{"nano", "haiku", "sonnet", "opus"}
	sources := []string{"tui", "cli", "repl", "scheduler"}
	out := make([]store.AuditEntry, n)
	for i := range out {
		out[i] = store.AuditEntry{
			Time:   realNow.Add(time.Duration(i-n) * time.Second),
			Source: sources[i%len(sources)], Session: fmt.Sprintf("s%d", i%7), Skill: skills[i%len(skills)], Tier: tiers[i%len(tiers)],
			Success: i%13 != 0, ElapsedMS: int64(i % 5000), CostUSD: float64(i%100) / 10000,
			Input: fmt.Sprintf("request number %d with some words to fill the input column", i+1),
		}
	}
	return out
}

package tui

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/panes/approvals"
	"github.com/macroa/macroa/ui/tui/panes/audit"
	"github.com/macroa/macroa/ui/tui/panes/chat"
	"github.com/macroa/macroa/ui/tui/panes/sessions"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// realHint is the status bar hint `macroa tui` passes when no model is
// configured (cmd/macroa/tui.go).
const realHint = "set OPENROUTER_API_KEY, or MACROA_BASE_URL for Ollama, llama.cpp or vLLM (macroa config set …)"

// realNow is the clock of the cockpit goldens: the panes' "now", and the
// time every run and session they are shown is said to have happened.
var realNow = time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)

// realCockpit is the App exactly as `macroa tui` builds it, with its real
// chat, sessions and audit panes, over a real kernel and a SQLite store in
// a temporary data dir, with no model configured.
type realCockpit struct {
	a         *App
	chat      *chat.Pane
	sessions  *sessions.Pane
	audit     *audit.Pane
	approvals *approvals.Pane
	b         pinned
	db        *store.DB
	dir       string
}

func newRealCockpit(t testing.TB) *realCockpit {
	t.Helper()
	return newRealCockpitWith(t, nil)
}

// newRealCockpitWith is newRealCockpit with the chat's runner wrapped
// (nil: the core itself).
func newRealCockpitWith(t testing.TB, runner func(pinned) chat.Runner) *realCockpit {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "")
	core := app.New(app.Options{
		Config:   cfg,
		Store:    db,
		Environ:  []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir},
		WorkDir:  dir,
		UserHome: dir,
	})
	t.Cleanup(func() { _ = core.Shutdown(context.Background()) })
	b := pinned{core}
	var r chat.Runner = b
	if runner != nil {
		r = runner(b)
	}
	sched, err := core.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Runner: r, Sessions: b, Audit: b, Usage: b, Approvals: b, Schedules: sched, Styles: tuitest.Styles(t, "ansi"), Hint: realHint})
	c := &realCockpit{a: a, b: b, db: db, dir: dir}
	var ok1, ok2, ok3, ok4 bool
	c.chat, ok1 = a.panes[0].(*chat.Pane)
	c.sessions, ok2 = a.panes[1].(*sessions.Pane)
	c.audit, ok3 = a.panes[2].(*audit.Pane)
	c.approvals, ok4 = a.panes[3].(*approvals.Pane)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		t.Fatalf("the default panes are %T, %T, %T, %T", a.panes[0], a.panes[1], a.panes[2], a.panes[3])
	}
	c.sessions.SetClock(func() time.Time { return realNow })
	c.audit.SetClock(func() time.Time { return realNow })
	c.approvals.SetClock(func() time.Time { return realNow })
	return c
}

// start runs Init the way the program does and takes the first loads.
func (c *realCockpit) start(t testing.TB, w, h int) {
	t.Helper()
	c.a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	c.drive(t, c.a.Init())
}

// storeChanged delivers what the store watcher publishes when every part
// of the store may have changed.
func (c *realCockpit) storeChanged(t testing.TB) {
	t.Helper()
	ev := events.StoreChanged{Parts: []events.StorePart{events.PartAudit, events.PartSessions, events.PartFacts, events.PartUsage}, At: realNow}
	_, cmd := c.a.Update(CoreEventMsg{Event: ev})
	c.drive(t, cmd)
}

// pinned is the in-process backend with the wall clock's times pinned on
// the way out: a run's time and duration in the audit rows, a session's
// creation and last activity. The store stamps them with the real time;
// the goldens must not change from one run (or minute) to the next.
type pinned struct{ *app.App }

func (b pinned) Sessions(ctx context.Context) ([]store.Session, error) {
	list, err := b.App.Sessions(ctx)
	for i := range list {
		list[i].CreatedAt = realNow.Add(-time.Hour)
		list[i].UpdatedAt = realNow.Add(-time.Duration(i+2) * time.Minute)
	}
	return list, err
}

// RecentAudit answers newest first: the newest a minute before realNow.
func (b pinned) RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error) {
	es, err := b.App.RecentAudit(ctx, n)
	for i := range es {
		es[i].Time = realNow.Add(-time.Duration(i+1) * time.Minute)
		es[i].ElapsedMS = 3
	}
	return es, err
}

// AuditSince answers oldest first: the last a minute before realNow.
func (b pinned) AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error) {
	es, err := b.App.AuditSince(ctx, after, limit)
	for i := range es {
		es[i].Time = realNow.Add(-time.Duration(len(es)-i) * time.Minute)
		es[i].ElapsedMS = 3
	}
	return es, err
}

// key sends one key press to the App and runs what it starts.
func (c *realCockpit) key(t testing.TB, k tea.KeyPressMsg) {
	t.Helper()
	_, cmd := c.a.Update(k)
	c.drive(t, cmd)
}

// typeText types text one key press per character, as a terminal would.
func (c *realCockpit) typeText(t testing.TB, text string) {
	t.Helper()
	for _, k := range tuitest.Typing(text) {
		c.key(t, k)
	}
}

// drive runs commands the way the Bubble Tea runtime would: batches are
// opened and every message goes back into the App, so the real load and
// run commands do their real I/O. A toast's expiry timer is not run, so
// nothing here waits on a clock.
func (c *realCockpit) drive(t testing.TB, cmd tea.Cmd) {
	t.Helper()
	tuitest.Run(t, cmd, 20*time.Second, func(msg tea.Msg) tea.Cmd {
		_, follow := c.a.Update(msg)
		switch msg.(type) {
		case ToastMsg, toastExpiredMsg:
			return nil
		}
		return follow
	})
}

// screen is the whole screen as the terminal shows it: render() with the
// ANSI styling removed; it checks the screen is exactly w × h cells.
func (c *realCockpit) screen(t testing.TB, w, h int) string {
	t.Helper()
	view := c.a.render()
	rows := strings.Split(view, "\n")
	if len(rows) != h {
		t.Fatalf("%dx%d: the screen has %d rows", w, h, len(rows))
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got != w {
			t.Fatalf("%dx%d: row %d is %d cells wide: %q", w, h, i, got, ansi.Strip(r))
		}
	}
	return view
}

var realSizes = []struct{ w, h int }{{80, 24}, {160, 48}}

func realSizeName(w, h int) string { return strconv.Itoa(w) + "x" + strconv.Itoa(h) }

// TestAppRealFirstStart: a new user's first start, no model, nothing
// stored yet: every pane says what it is and how to begin, and the status
// bar how to configure a model.
func TestAppRealFirstStart(t *testing.T) {
	for _, size := range realSizes {
		t.Run(realSizeName(size.w, size.h), func(t *testing.T) {
			c := newRealCockpit(t)
			c.start(t, size.w, size.h)
			view := c.screen(t, size.w, size.h)
			plain := ansi.Strip(view)
			wants := []string{"1 chat · (no session)", "2 sessions", "3 audit", "4 approvals",
				"Type a request and press enter", "no sessions yet"}
			if size.w >= 120 {
				// Side by side; at 80 cells the side panes are tabs.
				wants = append(wants, "no runs yet", "0 runs", "nothing waits for approval")
			} else {
				wants = append(wants, "3 audit 0")
			}
			for _, want := range wants {
				if !strings.Contains(plain, want) {
					t.Errorf("the first screen lacks %q:\n%s", want, plain)
				}
			}
			status := tuitest.Lines(view)[size.h-1]
			if size.w == 80 && !strings.Contains(status, "no model: set OPENROUTER_API_KEY or MACROA_BASE_URL") {
				t.Errorf("status bar at 80 cells: %q", status)
			}
			tuitest.RequireGolden(t, "app_real_first_start_"+realSizeName(size.w, size.h), view)
		})
	}
}

// TestAppRealShellRun: `!echo hi` typed into the chat and run through the
// real kernel; the chat shows its output and, once the store says the
// audit log changed, the audit pane the run.
func TestAppRealShellRun(t *testing.T) {
	for _, size := range realSizes {
		t.Run(realSizeName(size.w, size.h), func(t *testing.T) {
			c := newRealCockpit(t)
			c.start(t, size.w, size.h)
			c.typeText(t, "!echo hi")
			c.key(t, tuitest.Key("enter"))
			if c.chat.Running() {
				t.Fatal("the run did not finish")
			}
			if ms := c.chat.Messages(); len(ms) != 2 || ms[1].Text != "hi" || ms[1].State != "done" {
				t.Fatalf("chat after the run: %+v", ms)
			}
			if c.audit.Len() != 0 {
				t.Fatalf("the audit pane has %d entries before the store said it changed", c.audit.Len())
			}
			c.storeChanged(t)
			e, ok := c.audit.Selected()
			if c.audit.Len() != 1 || !ok || e.Input != "!echo hi" || !e.Success || e.Source != string(kernel.SourceTUI) {
				t.Fatalf("audit after the change: %d entries, selected %+v", c.audit.Len(), e)
			}
			view := c.screen(t, size.w, size.h)
			plain := ansi.Strip(view)
			if !strings.Contains(plain, "│  hi ") {
				t.Errorf("the chat does not show the output:\n%s", plain)
			}
			switch {
			case size.w >= 120 && (!strings.Contains(plain, "1 run ") || strings.Count(plain, "!echo hi") != 2):
				t.Errorf("want the request once in the chat and once in the audit pane:\n%s", plain)
			case size.w < 120 && (!strings.Contains(plain, "3 audit 1 new") || strings.Count(plain, "!echo hi") != 1):
				// The side panes are tabs: the audit pane counts the run in its tab.
				t.Errorf("want the request in the chat and the new run counted in the audit tab:\n%s", plain)
			}
			tuitest.RequireGolden(t, "app_real_echo_"+realSizeName(size.w, size.h), view)
		})
	}
}

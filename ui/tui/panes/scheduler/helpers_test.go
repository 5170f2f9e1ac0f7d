package scheduler

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// testNow is the pane's clock in these tests (a Wednesday).
var testNow = time.Date(2026, 12, 2, 11, 45, 48, 0, time.UTC)

// sample is a table of every state a task's row shows: one about to
// fire, a weekly one that failed last, a paused one, a done once: and a
// reminder.
func sample() []store.Task {
	return []store.Task{
		{ID: "a1backup01", Name: "backup", Command: "!restic backup /srv", Spec: "cron:0 9 * * 1", Missed: store.MissedOnce,
			NextRunAt: testNow.Add(4*time.Minute + 12*time.Second), CreatedAt: testNow.Add(-48 * time.Hour), CreatedBy: "person:ann",
			Source: "cli", RunCount: 12, LastRunAt: testNow.Add(-7 * 24 * time.Hour), LastState: store.RunSucceeded},
		{ID: "b2disk0002", Name: "disk report", Command: "!df -h", Spec: "every:900", Missed: store.MissedSkip,
			NextRunAt: testNow.Add(2*time.Hour + 5*time.Minute), CreatedAt: testNow.Add(-time.Hour), CreatedBy: "person:bob",
			Source: "tui", RunCount: 3, LastRunAt: testNow.Add(-15 * time.Minute), LastState: store.RunFailed, LastError: "exit status 2"},
		{ID: "c3paused03", Name: "nightly vacuum", Command: "!sqlite3 x.db vacuum", Spec: "daily:03:00", Paused: true,
			NextRunAt: testNow.Add(15 * time.Hour), CreatedAt: testNow.Add(-72 * time.Hour), CreatedBy: "person:ann", RunCount: 1,
			LastState: store.RunInterrupted},
		{ID: "d4done0004", Name: "one-off", Command: "!echo hi", Spec: "once:1764600000", CreatedAt: testNow.Add(-24 * time.Hour),
			CreatedBy: "person:ann", RunCount: 1, LastState: store.RunSucceeded},
		{ID: "e5remind05", Name: "stand-up", Command: "stand-up in 5 minutes", Kind: store.TaskReminder, Spec: "cron:55 9 * * 1-5",
			Missed: store.MissedAll, MissedCap: 10, NextRunAt: testNow.Add(3*24*time.Hour + 4*time.Hour), CreatedAt: testNow.Add(-time.Hour),
			CreatedBy: "person:ann", Source: "repl"},
	}
}

// clock is a settable clock for the pane.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// ann is who acts from the cockpit in these tests.
const ann = "person:ann"

// newTestPane is the pane over the fake with the given tasks, loaded, at
// testNow (the returned clock moves it), acting as ann. Its tick is never
// scheduled for real: ticks holds the generations asked for, and a test
// sends tickMsg itself.
func newTestPane(t testing.TB, ts ...store.Task) (*Pane, *fakeScheduler, *tuitest.Driver, *clock, *[]int) {
	t.Helper()
	f := newFake(testNow)
	f.add(ts...)
	p := New(f, tuitest.Styles(t, "ansi"), nil)
	c := &clock{t: testNow}
	p.SetClock(c.now)
	p.SetPerson(ann)
	ticks := &[]int{}
	p.every = func(gen int) tea.Cmd { *ticks = append(*ticks, gen); return nil }
	d := tuitest.ForPane(t, p, tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	return p, f, d, c, ticks
}

// openPane is the pane over a fake already filled, opened at testNow
// with no tick.
func openPane(t testing.TB, f *fakeScheduler) (*Pane, *tuitest.Driver) {
	t.Helper()
	p := New(f, tuitest.Styles(t, "ansi"), nil)
	p.SetClock(func() time.Time { return testNow })
	p.SetPerson(ann)
	p.every = func(int) tea.Cmd { return nil }
	d := tuitest.ForPane(t, p, tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	return p, d
}

// keyR is the run-now key.
var keyR = tuitest.Key("r")

// changed is the store watcher's word that schedules changed in some
// process.
func changed() kit.CoreEventMsg {
	return kit.CoreEventMsg{Event: events.StoreChanged{Parts: []events.StorePart{events.PartSchedules}, At: testNow}}
}

// rowOf is the list's row of a task: the line that starts with its name
// after the selection marker.
func rowOf(t testing.TB, view, name string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " ›"), name+" ") {
			return l
		}
	}
	t.Fatalf("no row for %q in:\n%s", name, view)
	return ""
}

// selectID moves the selection to the task id.
func selectID(t testing.TB, p *Pane, d *tuitest.Driver, id store.TaskID) {
	t.Helper()
	d.Press("g")
	for range p.Len() {
		if s, ok := p.Selected(); ok && s.ID == id {
			return
		}
		d.Press("j")
	}
	t.Fatalf("no row for %s", id)
}

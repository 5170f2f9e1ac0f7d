package scheduler

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestRows: each row says its task's name, spec in words, next run as a
// countdown (or paused, done), last outcome and run count.
func TestRows(t *testing.T) {
	p, _, _, _, _ := newTestPane(t, sample()...)
	view := tuitest.Screen(t, p, 120, 12)
	for _, tc := range []struct {
		name  string
		wants []string
	}{
		{"backup", []string{"every Monday at 09:00", "in 4m 12s", "succeeded", "12"}},
		{"disk report", []string{"every 15 minutes", "in 2h 05m", "failed", "3"}},
		{"nightly vacuum", []string{"every day at 03:00", "paused", "interrupted", "1"}},
		{"one-off", []string{"once on 2025-12-01", "done", "succeeded"}},
		{"stand-up", []string{"in 3d 4h", "never", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tuitest.RequireContains(t, rowOf(t, view, tc.name), tc.wants...)
		})
	}
	tuitest.RequireContains(t, view, "5 tasks · 1 paused · 1 done · next: backup in 4m 12s")
	if got := p.Badge(); got != "3" {
		t.Errorf("badge = %q, want the 3 tasks that will fire", got)
	}
}

// TestOutcomeColours: the last outcome's word is painted in its state's
// colour.
func TestOutcomeColours(t *testing.T) {
	p, _, _, _, _ := newTestPane(t, sample()...)
	st := tuitest.Styles(t, "ansi")
	view := p.View(120, 12, false)
	for _, tc := range []struct {
		word  string
		style string
	}{{"succeeded", "success"}, {"failed", "error"}, {"interrupted", "error"}} {
		s := map[string]func() string{
			"success": func() string { return st.Success.Render(kit.Cell(tc.word, lastW, false)) },
			"error":   func() string { return st.Error.Render(kit.Cell(tc.word, lastW, false)) },
		}[tc.style]()
		if !strings.Contains(view, s) {
			t.Errorf("%s is not painted %s", tc.word, tc.style)
		}
	}
}

// TestCountdown: the countdown moves with the tick and the clock, with no
// read of the store; the tick runs only while some task will fire, and a
// tick while the pane was not drawn changes nothing on screen.
func TestCountdown(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "due now"}, {-time.Minute, "due now"}, {time.Millisecond, "in 1s"}, {59 * time.Second, "in 59s"},
		{61 * time.Second, "in 1m 01s"}, {time.Hour + 5*time.Minute, "in 1h 05m"}, {49 * time.Hour, "in 2d 1h"},
	} {
		task := store.Task{NextRunAt: testNow.Add(tc.d)}
		if got := nextText(&task, testNow); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.d, got, tc.want)
		}
	}

	p, f, d, c, ticks := newTestPane(t, sample()...)
	if len(*ticks) != 1 {
		t.Fatalf("ticks scheduled after the load: %v, want one", *ticks)
	}
	tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 120, 12), "backup"), "in 4m 12s")
	f.mu.Lock()
	f.tasks = map[store.TaskID]store.Task{} // a read now would show nothing
	f.mu.Unlock()
	c.t = c.t.Add(2 * time.Second)
	if !p.Quiet(tickMsg{gen: 0}) {
		t.Error("a tick of an earlier schedule is not quiet")
	}
	if p.Quiet(tickMsg{gen: (*ticks)[0]}) {
		t.Error("a tick after a draw is quiet")
	}
	d.Send(tickMsg{gen: (*ticks)[0]})
	tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 120, 12), "backup"), "in 4m 10s")
	if len(*ticks) != 2 {
		t.Fatalf("the tick did not schedule the next: %v", *ticks)
	}
	// Not drawn since a tick: the next one changes nothing shown.
	d.Send(tickMsg{gen: (*ticks)[1]})
	if !p.Quiet(tickMsg{gen: (*ticks)[2]}) {
		t.Error("a tick while the pane is hidden is not quiet")
	}

	// Nothing will fire: the tick stops, and a load with a live task
	// starts it again.
	p2, f2, d2, _, ticks2 := newTestPane(t, sample()[2:4]...)
	if len(*ticks2) != 0 {
		t.Fatalf("a tick with nothing to count down: %v", *ticks2)
	}
	f2.add(sample()[0])
	d2.Send(changed())
	if len(*ticks2) != 1 || !p2.ticking {
		t.Fatalf("no tick after a live task arrived: %v", *ticks2)
	}
	f2.mu.Lock()
	delete(f2.tasks, sample()[0].ID)
	f2.mu.Unlock()
	d2.Send(changed())
	d2.Send(tickMsg{gen: (*ticks2)[0]})
	if len(*ticks2) != 1 || p2.ticking {
		t.Fatalf("the tick went on with nothing to count down: %v", *ticks2)
	}
}

// TestPauseResume: space pauses a task that fires and resumes a paused
// one, as the person at this terminal from the cockpit.
func TestPauseResume(t *testing.T) {
	for _, tc := range []struct {
		id    store.TaskID
		call  string
		toast string
		row   string
	}{
		{"a1backup01", "pause a1backup01 by person:ann from cockpit", "paused backup", "paused"},
		{"c3paused03", "resume c3paused03 by person:ann from cockpit", "resumed nightly vacuum: next run in 15h 14m", "in 15h 14m"},
	} {
		t.Run(string(tc.id), func(t *testing.T) {
			p, f, d, _, _ := newTestPane(t, sample()...)
			selectID(t, p, d, tc.id)
			d.Press("space")
			if got := f.log(); !slices.Equal(got, []string{tc.call}) {
				t.Fatalf("calls = %q, want %q", got, tc.call)
			}
			if got := tuitest.Toasts(d.Kept()); !slices.Contains(got, tc.toast) {
				t.Errorf("toasts = %q, want %q", got, tc.toast)
			}
			name := f.tasks[tc.id].Name
			tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 120, 12), name), tc.row)
			if s, _ := p.Selected(); s.ID != tc.id {
				t.Errorf("the selection moved to %s", s.ID)
			}
		})
	}
}

// TestRunNow: r runs the task in a command (the row says running…
// meanwhile), then tells its outcome; a failure says the error's first
// line.
func TestRunNow(t *testing.T) {
	for _, tc := range []struct {
		name    string
		command string
		toast   string
	}{
		{"ok", "!true", "ran backup: succeeded in 1.5s"},
		{"fails", "fail", "ran backup: failed: exit status 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := sample()[0]
			task.Command = tc.command
			p, f, d, _, _ := newTestPane(t, task)
			cmd, handled := p.HandleKey(tuitest.Key("r"))
			if !handled || cmd == nil {
				t.Fatal("r did not start a run")
			}
			tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 120, 8), "backup"), "running…")
			if again, _ := p.HandleKey(tuitest.Key("r")); again == nil {
				t.Error("a second r while it runs says nothing")
			}
			d.Run(cmd)
			if got := f.log(); !slices.Equal(got, []string{"run a1backup01 by person:ann from cockpit"}) {
				t.Fatalf("calls = %q", got)
			}
			got := tuitest.Toasts(d.Kept())
			if !slices.Contains(got, tc.toast) {
				t.Fatalf("toasts = %q, want %q", got, tc.toast)
			}
			row := rowOf(t, tuitest.Screen(t, p, 120, 8), "backup")
			if strings.Contains(row, "running…") || !strings.Contains(row, "13") {
				t.Errorf("after the run the row is %q", row)
			}
			// The run-now is told once: the watch of the runs said nothing more.
			if len(got) != 1 {
				t.Errorf("toasts = %q, want the outcome only", got)
			}
		})
	}
}

// TestDeleteAsks: x asks with the task's name; only y deletes.
func TestDeleteAsks(t *testing.T) {
	for _, tc := range []struct {
		answer  string
		deleted bool
	}{{"n", false}, {"esc", false}, {"q", false}, {"y", true}} {
		t.Run(tc.answer, func(t *testing.T) {
			p, f, d, _, _ := newTestPane(t, sample()...)
			selectID(t, p, d, "b2disk0002")
			d.Press("x")
			if !p.Capturing() {
				t.Error("the question does not take the keys")
			}
			tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 10), "delete task disk report and its history? y deletes · n or esc keeps it")
			if len(f.log()) != 0 {
				t.Fatal("x deleted without asking")
			}
			d.Press(tc.answer)
			_, still := f.tasks["b2disk0002"]
			if still == tc.deleted {
				t.Fatalf("after %s the task is there: %v", tc.answer, still)
			}
			if tc.deleted {
				if got := f.log(); !slices.Equal(got, []string{"delete b2disk0002 by person:ann from cockpit"}) {
					t.Errorf("calls = %q", got)
				}
				if got := tuitest.Toasts(d.Kept()); !slices.Contains(got, "deleted disk report") {
					t.Errorf("toasts = %q", got)
				}
				if strings.Contains(tuitest.Screen(t, p, 100, 10), "disk report") {
					t.Error("the deleted task still shows")
				}
			}
			if p.Capturing() {
				t.Error("the question stayed open")
			}
		})
	}
}

// TestReadOnly: a read-only cockpit strips pause, run, add and delete;
// details still open.
func TestReadOnly(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, sample()...)
	p.SetKeys(kit.ReadOnly(p.Keys()))
	for _, k := range []string{"space", "r", "n", "x", "y"} {
		d.Press(k)
	}
	if got := f.log(); len(got) != 0 {
		t.Fatalf("a read-only pane changed tasks: %q", got)
	}
	if p.Capturing() {
		t.Fatal("a read-only pane opened the form or the question")
	}
	view := tuitest.Screen(t, p, 120, 12)
	for _, hint := range []string{"pause", "run now", "add", "delete"} {
		if strings.Contains(strings.Split(view, "\n")[11], hint) {
			t.Errorf("the footer offers %q: %s", hint, strings.Split(view, "\n")[11])
		}
	}
	d.Press("enter")
	if _, ok := p.Shown(); !ok {
		t.Fatal("enter did not open the details")
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 120, 30), "every Monday at 09:00", "history, newest first")
}

// TestDetail: enter shows the command, the spec in both forms, the next
// three fire times, the missed-run policy, who made it, and the history
// newest first.
func TestDetail(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, sample()...)
	f.record(store.TaskRun{Task: "a1backup01", Trigger: store.TriggerSchedule, State: store.RunSucceeded,
		Started: testNow.Add(-14 * 24 * time.Hour), Finished: testNow.Add(-14*24*time.Hour + 3*time.Second), Output: "\nsnapshot 1a2b saved\nmore"})
	f.record(store.TaskRun{Task: "a1backup01", Trigger: store.TriggerNow, State: store.RunFailed,
		Started: testNow.Add(-7 * 24 * time.Hour), Finished: testNow.Add(-7*24*time.Hour + 500*time.Millisecond), Error: "repository is locked"})
	d.Press("enter")
	view := tuitest.Screen(t, p, 100, 30)
	tuitest.RequireContains(t, view, "task backup", "!restic backup /srv", "every Monday at 09:00", "cron:0 9 * * 1",
		"next 3", "Wed Dec 02 11:50:00 UTC (in 4m 12s)", "Mon Dec 07 09:00:00 UTC", "Mon Dec 14 09:00:00 UTC",
		"once: runs missed", "person:ann from cli", "12 runs; last succeeded")
	failed := strings.Index(view, "repository is locked")
	saved := strings.Index(view, "snapshot 1a2b saved")
	if failed < 0 || saved < 0 || failed > saved {
		t.Fatalf("the history is not newest first with its error and output:\n%s", view)
	}
	tuitest.RequireContains(t, view, "failed      now", "500ms", "3.0s")
	d.Press("esc")
	if _, ok := p.Shown(); ok {
		t.Fatal("esc did not close the details")
	}
}

// TestEveryViewFillsItsSize draws each view at sizes down to one cell.
func TestEveryViewFillsItsSize(t *testing.T) {
	for _, keys := range [][]string{nil, {"enter"}, {"x"}, {"n"}, {"/"}} {
		p, _, d, _, _ := newTestPane(t, sample()...)
		d.Press(keys...)
		if keys != nil && keys[0] == "n" {
			d.Type("x")
			d.Press("tab", "tab")
			d.Type("every 2 seconds")
		}
		for _, s := range [][2]int{{1, 1}, {5, 2}, {20, 3}, {40, 6}, {80, 24}, {200, 60}} {
			tuitest.RequireBlock(t, p.View(s[0], s[1], true), s[0], s[1])
			tuitest.RequireBlock(t, p.View(s[0], s[1], false), s[0], s[1])
		}
	}
	empty := New(nil, tuitest.Styles(t, "ansi"), nil)
	tuitest.RequireContains(t, tuitest.Screen(t, empty, 60, 5), "not available")
}

// TestCancelRunNow: ctrl+c (Cancel) ends a run-now still going, once; a
// second press has nothing left to cancel.
func TestCancelRunNow(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, sample()...)
	if p.Cancel() {
		t.Fatal("Cancel with nothing running said it cancelled")
	}
	f.hold = make(chan struct{})
	cmd, _ := p.HandleKey(tuitest.Key("r"))
	if !p.Cancel() || p.Cancel() {
		t.Fatal("Cancel did not cancel the run once")
	}
	d.Run(cmd)
	if p.running["a1backup01"] {
		t.Fatal("the run is still marked running after its answer")
	}
	if got := tuitest.Toasts(d.Kept()); !slices.Contains(got, "the run of backup was interrupted") {
		t.Fatalf("toasts = %q, want the interrupted run", got)
	}
}

// TestShownTaskDeletedElsewhere: the details of a task another process
// deletes say so.
func TestShownTaskDeletedElsewhere(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, sample()...)
	d.Press("enter")
	if strings.Contains(tuitest.Screen(t, p, 80, 20), "deleted") {
		t.Fatal("a live task's details say deleted")
	}
	f.mu.Lock()
	delete(f.tasks, "a1backup01")
	f.mu.Unlock()
	d.Send(changed())
	tuitest.RequireContains(t, strings.Split(tuitest.Screen(t, p, 80, 20), "\n")[0], "task backup a1backup01 deleted")
}

// TestRunnerWords: the header says which process fires the tasks, and
// warns when none does.
func TestRunnerWords(t *testing.T) {
	for _, tc := range []struct {
		status scheduler.Status
		want   string
		warn   bool
	}{
		{scheduler.Status{Held: true, Self: true, Lease: store.Lease{Role: "tui"}}, "run by this cockpit", false},
		{scheduler.Status{Held: true, Lease: store.Lease{Role: "daemon"}}, "run by the daemon", false},
		{scheduler.Status{Held: true, Lease: store.Lease{Role: "tui"}}, "run by another cockpit", false},
		{scheduler.Status{Lease: store.Lease{Role: "daemon"}}, "no process runs them: macroa daemon start", true},
	} {
		t.Run(tc.want, func(t *testing.T) {
			f := newFake(testNow)
			f.add(sample()...)
			f.status = tc.status
			if tc.warn {
				// With nothing to fire, no runner is no news.
				idle, _ := openPane(t, func() *fakeScheduler { g := newFake(testNow); g.add(sample()[2:4]...); g.status = tc.status; return g }())
				if strings.Contains(tuitest.Screen(t, idle, 120, 10), "runs") {
					t.Errorf("the header warns with nothing to fire:\n%s", tuitest.Screen(t, idle, 120, 10))
				}
			}
			p, _ := openPane(t, f)
			view := p.View(120, 10, true)
			head := strings.Split(tuitest.Screen(t, p, 120, 10), "\n")[0]
			tuitest.RequireContains(t, head, "5 tasks", " · "+tc.want)
			st := tuitest.Styles(t, "ansi")
			if got := tuitest.Styled(view, st.Warning, tc.want); got != tc.warn {
				t.Errorf("in the warning style: %v, want %v", got, tc.warn)
			}
		})
	}
}

// TestQuietReload: a read of the tasks that finds what is shown changes
// nothing on screen; one with a change does.
func TestQuietReload(t *testing.T) {
	p, f, _, _, _ := newTestPane(t, sample()...)
	read := func() listMsg {
		cmd := p.load()
		return cmd().(listMsg)
	}
	if m := read(); !p.Quiet(m) {
		t.Fatal("a read with nothing new is not quiet")
	}
	f.mu.Lock()
	f.status.Lease.RenewedAt = testNow // a renewal: no change shown
	f.mu.Unlock()
	if m := read(); !p.Quiet(m) {
		t.Fatal("a renewed lease is not quiet")
	}
	for _, change := range []func(){
		func() { t := f.tasks["a1backup01"]; t.RunCount++; f.tasks["a1backup01"] = t },
		func() { f.status.Self = false },
	} {
		f.mu.Lock()
		change()
		f.mu.Unlock()
		m := read()
		if p.Quiet(m) {
			t.Fatal("a read with a change is quiet")
		}
		p.Update(m)
	}
}

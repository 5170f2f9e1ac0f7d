package scheduler

import (
	"slices"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestUnshownRemindersOnOpen: reminders of the last seven days that fired
// while nobody saw them are told when the pane opens, in one toast that
// stays until a key, and marked shown; older ones, ones already shown and
// requests are not, and the watch of the runs does not tell them again.
func TestUnshownRemindersOnOpen(t *testing.T) {
	fired := func(task store.TaskID, ago time.Duration, shown bool) store.TaskRun {
		r := store.TaskRun{Task: task, Trigger: store.TriggerSchedule, State: store.RunSucceeded,
			Started: testNow.Add(-ago), Finished: testNow.Add(-ago + time.Second)}
		if shown {
			r.Shown = r.Finished
		}
		return r
	}
	water := store.Task{ID: "f6water006", Name: "water", Command: "water the \x1b[31mplants", Kind: store.TaskReminder,
		Spec: "daily:08:00", NextRunAt: testNow.Add(20 * time.Hour)}
	for _, tc := range []struct {
		name   string
		runs   []store.TaskRun
		want   []string
		marked []store.TaskRunID
	}{
		{name: "one", runs: []store.TaskRun{fired("e5remind05", 26*time.Hour, false)},
			want:   []string{"reminder while you were away (Tue Dec 01 09:45:49 UTC): stand-up in 5 minutes"},
			marked: []store.TaskRunID{1}},
		{name: "several, oldest first, each text clean", runs: []store.TaskRun{
			fired("f6water006", time.Hour, false), fired("e5remind05", 3*24*time.Hour, false),
			fired("e5remind05", 8*24*time.Hour, false), // too old
			fired("e5remind05", 2*time.Hour, true),     // a channel took it
			fired("a1backup01", time.Hour, false),      // a request
		},
			want:   []string{"2 reminders while you were away: stand-up in 5 minutes · water the plants"},
			marked: []store.TaskRunID{2, 1}},
		{name: "none", runs: []store.TaskRun{fired("e5remind05", 2*time.Hour, true)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(testNow)
			f.add(append(sample(), water)...)
			for _, r := range tc.runs {
				f.record(r)
			}
			_, d := openPane(t, f)
			d.Send(changed())
			if got := tuitest.Toasts(d.Kept()); !slices.Equal(got, tc.want) {
				t.Fatalf("toasts = %q, want %q", got, tc.want)
			}
			for _, m := range d.Kept() {
				if !m.(kit.ToastMsg).Sticky {
					t.Errorf("toast %q passes by itself", m.(kit.ToastMsg).Text)
				}
			}
			if got := f.markedIDs(); !slices.Equal(got, tc.marked) {
				t.Errorf("marked shown %v, want %v", got, tc.marked)
			}
			// Shown now: a cockpit opening later says nothing.
			f.mu.Lock()
			f.now = testNow.Add(time.Minute)
			f.mu.Unlock()
			if _, d := openPane(t, f); len(d.Kept()) != 0 {
				t.Errorf("a second opening told %q", tuitest.Toasts(d.Kept()))
			}
		})
	}
}

package scheduler

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestRunToasts: a reminder that fires in any process toasts its text,
// and a scheduled run that fails toasts its error, once each; runs that
// existed before the pane opened never do, whatever they become.
func TestRunToasts(t *testing.T) {
	later := testNow.Add(time.Second)
	remind := func(st store.TaskRunState) store.TaskRun {
		return store.TaskRun{Task: "e5remind05", Trigger: store.TriggerSchedule, State: st, Started: later}
	}
	for _, tc := range []struct {
		name   string
		before []store.TaskRun      // written before the pane opens
		runs   []store.TaskRun      // written after, then StoreChanged
		then   func(*fakeScheduler) // more writes, then another StoreChanged
		event  kit.CoreEventMsg     // what tells the pane (StoreChanged if zero)
		want   []string
		marked []store.TaskRunID // the runs marked shown
	}{
		{name: "reminder fires", runs: []store.TaskRun{remind(store.RunSucceeded)}, want: []string{"reminder: stand-up in 5 minutes"},
			marked: []store.TaskRunID{1}},
		{name: "reminder told once across its writes", runs: []store.TaskRun{remind(store.RunRunning)},
			then: func(f *fakeScheduler) { r := remind(store.RunSucceeded); r.ID = 1; f.record(r) },
			want: []string{"reminder: stand-up in 5 minutes"}, marked: []store.TaskRunID{1}},
		{name: "fired in this process", runs: []store.TaskRun{remind(store.RunSucceeded)},
			event: kit.CoreEventMsg{Event: events.TaskFired{Task: "e5remind05", Kind: "reminder", State: "succeeded"}},
			want:  []string{"reminder: stand-up in 5 minutes"}, marked: []store.TaskRunID{1}},
		{name: "two reminders", runs: []store.TaskRun{remind(store.RunSucceeded), remind(store.RunSucceeded)},
			want: []string{"2 reminders: stand-up in 5 minutes · stand-up in 5 minutes"}, marked: []store.TaskRunID{1, 2}},
		{name: "old runs are no news", before: []store.TaskRun{remind(store.RunSucceeded),
			{Task: "b2disk0002", Trigger: store.TriggerSchedule, State: store.RunFailed, Started: testNow.Add(-time.Minute), Error: "boom"}}},
		{name: "a run going at open that ends later is no news",
			before: []store.TaskRun{{Task: "b2disk0002", Trigger: store.TriggerSchedule, State: store.RunRunning, Started: testNow.Add(-time.Minute)}},
			then: func(f *fakeScheduler) {
				f.record(store.TaskRun{ID: 1, Task: "b2disk0002", Trigger: store.TriggerSchedule, State: store.RunFailed,
					Started: testNow.Add(-time.Minute), Error: "boom"})
			}},
		{name: "scheduled run fails", runs: []store.TaskRun{{Task: "b2disk0002", Trigger: store.TriggerSchedule, State: store.RunFailed,
			Started: later, Error: "\nexit status 2\nstderr: no space"}},
			want: []string{"scheduled task disk report failed: exit status 2"}},
		{name: "a run-now that fails is told by who ran it", runs: []store.TaskRun{{Task: "b2disk0002", Trigger: store.TriggerNow,
			State: store.RunFailed, Started: later, Error: "boom"}}},
		{name: "a succeeded request is no news", runs: []store.TaskRun{{Task: "a1backup01", Trigger: store.TriggerSchedule,
			State: store.RunSucceeded, Started: later}}},
		{name: "a skipped reminder is no news", runs: []store.TaskRun{remind(store.RunSkipped)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(testNow)
			f.add(sample()...)
			for _, r := range tc.before {
				f.record(r)
			}
			p, d := openPane(t, f)
			for _, r := range tc.runs {
				f.record(r)
			}
			ev := tc.event
			if ev.Event == nil {
				ev = changed()
			}
			d.Send(ev)
			if tc.then != nil {
				tc.then(f)
				d.Send(changed())
			}
			got := tuitest.Toasts(d.Kept())
			if !slices.Equal(got, tc.want) {
				t.Fatalf("toasts = %q, want %q", got, tc.want)
			}
			for _, m := range d.Kept() {
				if tm := m.(kit.ToastMsg); tm.Sticky != strings.Contains(tm.Text, "reminder") {
					t.Errorf("toast %q sticky = %v: only a reminder stays until a key", tm.Text, tm.Sticky)
				}
			}
			if got := f.markedIDs(); !slices.Equal(got, tc.marked) {
				t.Errorf("marked shown %v, want %v", got, tc.marked)
			}
			_ = p
		})
	}
}

// TestRunNowReminder: running a reminder now toasts its text once, though
// the watch of the runs sees the run as well.
func TestRunNowReminder(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, sample()...)
	selectID(t, p, d, "e5remind05")
	cmd, _ := p.HandleKey(keyR)
	d.Send(changed()) // the runs are read while it runs: nothing new yet
	d.Run(cmd)
	d.Send(changed())
	if got := tuitest.Toasts(d.Kept()); !slices.Equal(got, []string{"reminder: stand-up in 5 minutes"}) {
		t.Fatalf("toasts = %q", got)
	}
	if len(f.log()) != 1 {
		t.Fatalf("calls = %q", f.log())
	}
	if got := f.markedIDs(); len(got) != 1 || got[0] == 0 {
		t.Fatalf("marked shown %v, want the run", got)
	}
}

package scheduler

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// dozen is twelve tasks due a minute apart, more than a short pane shows.
func dozen() []store.Task {
	var ts []store.Task
	for i := range 12 {
		ts = append(ts, store.Task{ID: store.TaskID(fmt.Sprintf("t%02d", i)), Name: fmt.Sprintf("task%02d", i), Command: "!true",
			Spec: "every:900", NextRunAt: testNow.Add(time.Duration(i+1) * time.Minute)})
	}
	return ts
}

// TestListMarksHiddenRows: the column line says how many rows are hidden
// above and below the window, and nothing when every row shows.
func TestListMarksHiddenRows(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tasks []store.Task
		keys  []string
		head  string // the end of the column line
	}{
		{"top", dozen(), nil, "↓5 more"},
		{"middle", dozen(), []string{"j", "j", "j", "j", "j", "j", "j", "j"}, "↑2 ↓3 more"},
		{"bottom", dozen(), []string{"G"}, "↑5 more"},
		{"all fit", sample(), []string{"G"}, "RUNS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _, d, _, _ := newTestPane(t, tc.tasks...)
			d.Press(tc.keys...)
			head := strings.TrimRight(tuitest.Lines(tuitest.Screen(t, p, 80, 10))[1], " ")
			if !strings.HasSuffix(head, tc.head) {
				t.Fatalf("column line %q, want it to end %q", head, tc.head)
			}
		})
	}
}

// TestAddedTaskKeepsRowsAbove: a task added from the form shows at once
// in its place by due time, so the rows above it stay on screen before
// and after the reload.
func TestAddedTaskKeepsRowsAbove(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, dozen()...)
	tuitest.Screen(t, p, 80, 10)
	d.Press("n")
	added := store.Task{ID: "new0000001", Name: "soon", Command: "!true", Spec: "every:90", Kind: store.TaskRequest,
		NextRunAt: testNow.Add(90 * time.Second)}
	f.add(added)
	cmd := p.Update(addedMsg{task: added}) // drawn before the reload answers
	for _, view := range []string{tuitest.Screen(t, p, 80, 10), func() string { d.Run(cmd); return tuitest.Screen(t, p, 80, 10) }()} {
		lines := tuitest.Lines(view)
		if !strings.HasPrefix(lines[2], "  task00 ") || !strings.HasPrefix(lines[3], "› soon ") {
			t.Fatalf("the rows above the new task went:\n%s", view)
		}
	}
}

// TestSidePaneWidth: in the cockpit's side pane (62 columns) the schedule
// keeps its words whole, the less useful columns go first, and the
// header ends with who runs the tasks, in fewer words when it must.
func TestSidePaneWidth(t *testing.T) {
	for _, tc := range []struct {
		status scheduler.Status
		head   string
	}{
		{scheduler.Status{Held: true, Self: true, Lease: store.Lease{Role: "tui"}}, "5 tasks · next: backup in 4m 12s · run by this cockpit"},
		{scheduler.Status{Lease: store.Lease{Role: "daemon"}}, "5 tasks · next in 4m 12s · no runner: macroa daemon start"},
	} {
		t.Run(tc.head, func(t *testing.T) {
			f := newFake(testNow)
			f.add(sample()...)
			f.status = tc.status
			p, _ := openPane(t, f)
			lines := tuitest.Lines(tuitest.Screen(t, p, 62, 12))
			if got := strings.TrimRight(lines[0], " "); got != tc.head {
				t.Errorf("header %q, want %q", got, tc.head)
			}
			view := strings.Join(lines, "\n")
			// The last outcome stays, in short words.
			tuitest.RequireContains(t, rowOf(t, view, "one-off"), "once on 2025-12-01 at 14:40 ", "done", " ok")
			tuitest.RequireContains(t, rowOf(t, view, "stand-up"), "every weekday at 09:55 ", "never")
			tuitest.RequireContains(t, rowOf(t, view, "nightly vacuum"), "every day at 03:00", "paused", "intr.")
			tuitest.RequireContains(t, rowOf(t, view, "disk report"), "failed")
			tuitest.RequireContains(t, view, "SCHEDULE", "NEXT", "LAST")
			if strings.Contains(view, "…") {
				t.Errorf("something is cut short:\n%s", view)
			}
		})
	}
}

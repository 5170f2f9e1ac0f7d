package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestGoldens draws every view of the pane at the cockpit's two sizes:
// the list, the details with a history, the delete question, the form
// with a preview and with a refused spec.
func TestGoldens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		w, h := size[0], size[1]
		for _, tc := range []struct {
			name string
			do   func(p *Pane, f *fakeScheduler, d *tuitest.Driver)
		}{
			{"list", func(p *Pane, f *fakeScheduler, d *tuitest.Driver) {}},
			{"detail", func(p *Pane, f *fakeScheduler, d *tuitest.Driver) {
				f.record(store.TaskRun{Task: "b2disk0002", Trigger: store.TriggerSchedule, State: store.RunSucceeded,
					Started: testNow.Add(-30 * time.Minute), Finished: testNow.Add(-30*time.Minute + 800*time.Millisecond),
					Output: "Filesystem Size Used Avail\n/dev/sda1 40G 31G 9G"})
				f.record(store.TaskRun{Task: "b2disk0002", Trigger: store.TriggerSchedule, State: store.RunFailed,
					Started: testNow.Add(-15 * time.Minute), Finished: testNow.Add(-15*time.Minute + 200*time.Millisecond), Error: "exit status 2"})
				selectID(t, p, d, "b2disk0002")
				d.Press("enter")
			}},
			{"delete", func(p *Pane, f *fakeScheduler, d *tuitest.Driver) { selectID(t, p, d, "c3paused03"); d.Press("x") }},
			{"form_preview", func(p *Pane, f *fakeScheduler, d *tuitest.Driver) {
				d.Press("n")
				d.Type("ping\t!true\tevery weekday at 8")
			}},
			{"form_refused", func(p *Pane, f *fakeScheduler, d *tuitest.Driver) {
				d.Press("n")
				d.Type("bad\t!true\tcron:61 * * * *\n")
			}},
		} {
			name := fmt.Sprintf("%s_%dx%d", tc.name, w, h)
			t.Run(name, func(t *testing.T) {
				p, f, d, _, _ := newTestPane(t, sample()...)
				tc.do(p, f, d)
				tuitest.RequireGolden(t, name, tuitest.Screen(t, p, w, h))
			})
		}
	}
}

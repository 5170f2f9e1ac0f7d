package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// A reminder run-now'd in a process that never called Start, and a failed
// scheduled request, each send one notification; the failure carries the
// error, never the run's output (here a secret the command printed).
func TestNotifyTaskEvents(t *testing.T) {
	hook := newHookServer(t, nil)
	a := notifyApp(t, hook.URL)
	s, err := a.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		name, command string
		kind          store.TaskKind
		wantKind      string
		wantIn        string
	}{
		{"reminder: stretch", "stretch \x1b[2Jnow", store.TaskReminder, "reminder", "stretch now"},
		{"leaky", "!echo very-secret-deploy-token; exit 3", store.TaskRequest, "task.failed", "leaky"},
	}
	for i, c := range cases {
		task, err := s.Add(ctx, schedAdd(c.name, c.command, c.kind))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RunNow(ctx, task.ID, "person:tester", "cli"); err != nil {
			t.Fatal(err)
		}
		hook.waitFor(t, i+1)
		got := hook.received()[i]
		if got.Kind != c.wantKind || !strings.Contains(got.Title+got.Body, c.wantIn) {
			t.Errorf("%s: notification %+v", c.name, got)
		}
		if c.kind == store.TaskReminder {
			// Delivered: no cockpit shows it again.
			waitUntil(t, 5*time.Second, "the reminder marked shown", func() bool {
				left, _ := s.UnshownReminders(ctx, time.Now().Add(-time.Hour))
				return len(left) == 0
			})
		}
		for _, bad := range []string{"\x1b", "very-secret-deploy-token"} {
			if strings.Contains(got.Title+got.Body, bad) {
				t.Errorf("%s: notification holds %q: %+v", c.name, bad, got)
			}
		}
	}
}

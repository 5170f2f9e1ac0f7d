package main

import (
	"context"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

// taskRuns reads a task's run count from its row in the scheduler pane:
// the row's last field (box borders cut); -1 when no row shows.
func taskRuns(screen, name string) int {
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.ReplaceAll(l, "│", " "))
		if len(f) > 1 && strings.TrimPrefix(f[0], "›") == name || len(f) > 2 && f[0] == "›" && f[1] == name {
			if n, err := strconv.Atoi(f[len(f)-1]); err == nil {
				return n
			}
		}
	}
	return -1
}

// taskRow is a task's row in the scheduler pane, "" when none shows.
func taskRow(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.ReplaceAll(l, "│", " "))
		if len(f) > 1 && (f[0] == name || f[0] == "›"+name || f[0] == "›" && f[1] == name) {
			return l
		}
	}
	return ""
}

// TestE2ETUISchedule: a person adds a task with the scheduler pane's
// form (the form previews the spec as it is typed), the open cockpit's
// runner fires it every two seconds and its run count moves on screen
// (and its runs show in the audit feed); space pauses it, and it stays
// paused: no run starts after.
func TestE2ETUISchedule(t *testing.T) {
	s := newSandbox(t)
	ts := startTUI(t, s, nil, 160, 48)
	ts.waitText("5 scheduler")
	// The scheduler pane, zoomed to the whole screen.
	ts.keysThen("the scheduler pane zoomed", func(sc string) bool {
		return strings.Contains(sc, "no scheduled tasks; n adds one") && !strings.Contains(sc, "1 chat")
	}, "M-5", "M-z")
	ts.keysThen("the add form", shows("new scheduled task"), "n")
	ts.keys("-l", "ping")
	ts.keys("Tab")
	ts.keys("-l", "!true")
	ts.keys("Tab")
	ts.keys("-l", "every:2")
	ts.waitFor("the spec's preview", func(sc string) bool {
		return strings.Contains(sc, "every 2 seconds") && strings.Contains(sc, "next ")
	})
	ts.keysThen("the task in the list", func(sc string) bool { return taskRow(sc, "ping") != "" }, "Enter")
	// It fires: its run count moves past 1, and its last run succeeded.
	sc := ts.waitFor("the task to fire twice", func(sc string) bool { return taskRuns(sc, "ping") >= 2 })
	if row := taskRow(sc, "ping"); !strings.Contains(row, "every 2 seconds") {
		t.Fatalf("the row does not say the spec in words: %q", row)
	}
	ts.waitFor("a succeeded run", func(sc string) bool { return strings.Contains(taskRow(sc, "ping"), "succeeded") })
	ts.waitText("run by this cockpit")
	// Unzoomed, the audit feed beside it shows the runs as they happen.
	ts.keysThen("the runs in the audit feed", shows("!true"), "M-z")
	ts.keys("M-z")

	// space pauses it; the row says so, with the runs it had.
	sc = ts.keysThen("the task paused", func(sc string) bool { return strings.Contains(taskRow(sc, "ping"), "paused") }, "space")
	paused := taskRuns(sc, "ping")
	// The pause's toast goes after four seconds, two fire times of the
	// task: it stays paused and no run starts meanwhile.
	ts.waitFor("the toast to go", func(sc string) bool { return !strings.Contains(sc, "paused ping") })
	sc = ts.screen()
	if row := taskRow(sc, "ping"); !strings.Contains(row, "paused") || taskRuns(sc, "ping") != paused {
		t.Fatalf("the paused task ran on (%d runs when paused): %q", paused, row)
	}
	ts.quit()

	r := s.run("", nil, "schedule", "list", "--all")
	expect(t, r, 0, "ping")
	if !strings.Contains(r.stdout, "paused") {
		t.Fatalf("the stored task is not paused:\n%s", r.stdout)
	}
}

// TestE2ETUIReminderToast: a reminder shows in the cockpit as a toast
// with its text that stays until a key is pressed, whichever process
// fires it: run now from macroa in another shell, and fired on schedule
// by the cockpit's own runner. One that fired while no cockpit was open
// is told when one opens, once.
func TestE2ETUIReminderToast(t *testing.T) {
	s := newSandbox(t)
	// The daemon fires it while no cockpit is open (a run now would be
	// seen by the person who asked for it), then stops.
	expect(t, s.macroa("schedule", "add", "kettle", "the kettle boiled", "in 1 second", "--reminder"), 0, "kettle")
	d := startDaemon(t, s)
	db := openTaskStore(t, s)
	kettle, err := db.FindTask(context.Background(), "kettle")
	if err != nil {
		t.Fatal(err)
	}
	waitRuns(t, db, kettle.ID, 20*time.Second, "the reminder fired by the daemon", func(r []store.TaskRun) bool {
		return len(r) == 1 && r[0].State == store.RunSucceeded
	})
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	<-d.done
	ts := startTUI(t, s, nil, 160, 48)
	ts.waitText("reminder while you were away")
	ts.waitText("the kettle boiled")
	ts.keysThen("the missed reminder hidden by a key", func(sc string) bool { return !strings.Contains(sc, "the kettle boiled") }, "Escape")
	expect(t, s.macroa("schedule", "add", "tea", "the tea is ready", "every 1 day", "--reminder"), 0, "tea")
	ts.waitFor("the task in the scheduler pane", func(sc string) bool { return taskRow(sc, "tea") != "" })
	ts.then("the reminder run from another process", shows("reminder: the tea is ready"), func() {
		expect(t, s.macroa("schedule", "run-now", "tea"), 0, "")
	})
	ts.keysThen("the toast hidden by a key", func(sc string) bool { return !strings.Contains(sc, "reminder: the tea is ready") }, "Escape")
	// Due in two seconds: the cockpit's runner fires it.
	expect(t, s.macroa("schedule", "add", "stretch", "stand up and stretch", "in 2 seconds", "--reminder"), 0, "stretch")
	ts.waitText("reminder: stand up and stretch")
	ts.quit()

	// Shown: a cockpit opening now tells none again.
	ts = startTUI(t, s, nil, 160, 48)
	sc := ts.waitText("run by this cockpit")
	if strings.Contains(sc, "while you were away") {
		t.Fatalf("a reminder shown before was told again:\n%s", sc)
	}
	ts.quit()
}

// TestE2ETUIScheduleReadOnly: a read-only cockpit runs no task and
// changes none: the scheduler pane says nothing runs them, and n, space,
// r and x do nothing.
func TestE2ETUIScheduleReadOnly(t *testing.T) {
	s := newSandbox(t)
	expect(t, s.macroa("schedule", "add", "hourly", "!true", "every 1 hour"), 0, "hourly")
	ts := startTUI(t, s, nil, 160, 48, "--read-only")
	ts.waitText("5 scheduler")
	ts.keysThen("the scheduler pane zoomed", func(sc string) bool {
		return taskRow(sc, "hourly") != "" && !strings.Contains(sc, "1 chat")
	}, "M-5", "M-z")
	ts.waitText("no process runs them: macroa daemon start")
	ts.keysThen("the read-only notice", shows("read-only: add is off"), "n")
	ts.keys("space", "r", "x", "y")
	// Enter still opens the details: had n opened the form, it would
	// have taken the enter.
	sc := ts.keysThen("the task's details", shows("history, newest first"), "Enter")
	if strings.Contains(sc, "new scheduled task") || strings.Contains(sc, "delete task") {
		t.Fatalf("a read-only cockpit opened the form or the question:\n%s", sc)
	}
	ts.quit()
	r := s.run("", nil, "schedule", "list", "--all", "--json")
	expect(t, r, 0, `"name": "hourly"`)
	if !strings.Contains(r.stdout, `"paused": false`) || !strings.Contains(r.stdout, `"run_count": 0`) {
		t.Fatalf("a read-only cockpit paused or ran the task:\n%s", r.stdout)
	}
}

package scheduler

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// hostile is what a task's name, command, output or error may hold (a
// task added from a script, a command's output): escape sequences that
// set the title, clear the screen or move the cursor, bidi overrides that
// reorder a row, a bell, a carriage return.
const hostile = "evil\x1b]0;pwned\x07\x1b[2J\x1b[H\u202ereversed\r\x9b31mC1"

// sgr matches the styling the pane itself draws; nothing else may reach
// the terminal.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// requireInert fails when s holds a control, an escape sequence other
// than styling, or a bidi override.
func requireInert(t *testing.T, where, s string) {
	t.Helper()
	rest := sgr.ReplaceAllString(s, "")
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "\x9b", "\u009b"} {
		if strings.Contains(rest, bad) {
			t.Fatalf("%s: %q reaches the terminal in:\n%q", where, bad, rest)
		}
	}
}

// TestHostileTextNeverReachesTheTerminal: every string of a task and its
// runs is cleaned in the list, the details, the question, the form and
// the toasts.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	evil := store.Task{ID: "f6evil0006", Name: hostile, Command: hostile + "\nsecond " + hostile, Kind: store.TaskReminder,
		Spec: "every:60", NextRunAt: testNow.Add(time.Minute), CreatedBy: hostile, Source: hostile, Session: hostile,
		RunCount: 1, LastState: store.RunFailed, LastError: hostile}
	evilReq := evil
	evilReq.ID, evilReq.Kind, evilReq.Command = "g7evil0007", store.TaskRequest, "fail "+hostile
	p, f, d, _, _ := newTestPane(t, evil, evilReq)
	f.record(store.TaskRun{Task: evil.ID, Trigger: store.TriggerSchedule, State: store.RunFailed, Started: testNow.Add(-time.Hour),
		Output: hostile, Error: hostile})

	requireInert(t, "list", p.View(120, 12, true))
	requireInert(t, "list unfocused", p.View(120, 12, false))
	d.Press("enter")
	requireInert(t, "details", p.View(120, 40, true))
	d.Press("x")
	requireInert(t, "question", p.View(120, 40, true))
	d.Press("n", "esc")

	// Fired runs, from another process: a reminder and a failure.
	f.record(store.TaskRun{Task: evil.ID, Trigger: store.TriggerSchedule, State: store.RunSucceeded, Started: testNow.Add(time.Second)})
	f.record(store.TaskRun{Task: evilReq.ID, Trigger: store.TriggerSchedule, State: store.RunFailed, Started: testNow.Add(time.Second), Error: hostile})
	d.Send(changed())
	// A run-now that fails, and one of the reminder.
	selectID(t, p, d, evilReq.ID)
	d.Press("r")
	selectID(t, p, d, evil.ID)
	d.Press("r", "space")
	ts := tuitest.Toasts(d.Kept())
	if len(ts) < 4 {
		t.Fatalf("toasts = %q, want the reminder, the failure, both run-nows and the pause", ts)
	}
	for _, text := range ts {
		requireInert(t, "toast", text)
	}

	// The form: typed and pasted text is cleaned as it comes.
	d.Press("n")
	d.Type(hostile)
	d.Paste(hostile)
	d.Press("tab", "tab")
	d.Paste(hostile)
	requireInert(t, "form", p.View(120, 20, true))
	d.Press("enter")
	requireInert(t, "form refused", p.View(120, 20, true))
}

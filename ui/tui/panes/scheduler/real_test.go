package scheduler

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestRealScheduler drives the pane over the real scheduler and store
// (tuitest.World): a task added with the form is stored and listed, runs
// now through the kernel, shows its run in its history, and pauses; a
// reminder run later, elsewhere, is toasted.
func TestRealScheduler(t *testing.T) {
	w := tuitest.NewWorld(t)
	t.Cleanup(func() { _ = w.App.Shutdown(context.Background()) })
	svc, err := w.App.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	p := New(svc, tuitest.Styles(t, "ansi"), nil)
	p.SetPerson(ann)
	p.every = func(int) tea.Cmd { return nil }
	d := tuitest.ForPane(t, p, tuitest.WithTimeout(20*time.Second),
		tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 10), "0 tasks", "no scheduled tasks; n adds one")

	d.Press("n")
	d.Type("echoer\t!echo scheduled-ok\tevery 1 hour")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 20), "every hour  (every:3600)", "next ")
	d.Press("enter")
	if p.Capturing() {
		t.Fatalf("the form stayed open:\n%s", tuitest.Screen(t, p, 100, 20))
	}
	tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 100, 10), "echoer"), "every hour", "in ", "never", "0")
	task, err := svc.Find(context.Background(), "echoer")
	if err != nil || task.CreatedBy != ann || task.Source != "tui" {
		t.Fatalf("stored %+v, %v", task, err)
	}

	// The same name again: the service refuses it, said beside the name.
	d.Press("n")
	d.Type("echoer\t!true\tevery 2 hours\n")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 20), `nother task has that name: "echoer"`)
	if p.form.focus != fieldName {
		t.Fatalf("the refusal is not on the name field: focus %d", p.form.focus)
	}
	d.Press("esc")

	d.Press("r")
	if ts := tuitest.Toasts(d.Kept()); !slices.ContainsFunc(ts, func(s string) bool { return strings.HasPrefix(s, "ran echoer: succeeded") }) {
		t.Fatalf("toasts = %q", ts)
	}
	tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 100, 10), "echoer"), "succeeded", "1")
	d.Press("enter")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 30), "succeeded   now", "scheduled-ok")
	d.Press("esc", "space")
	tuitest.RequireContains(t, rowOf(t, tuitest.Screen(t, p, 100, 10), "echoer"), "paused")
	if got, _ := svc.Find(context.Background(), "echoer"); !got.Paused {
		t.Fatal("space did not pause the stored task")
	}

	// A reminder run from another front end: the pane reads it on the
	// store's word.
	rem, err := svc.Add(context.Background(), addReminder("tea", "the tea is ready"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RunNow(context.Background(), rem.ID, "person:bob", "cli"); err != nil {
		t.Fatal(err)
	}
	d.Send(changed())
	if ts := tuitest.Toasts(d.Kept()); !slices.Contains(ts, "reminder: the tea is ready") {
		t.Fatalf("toasts = %q", ts)
	}
	// Told here: it is marked shown, so a cockpit opening later does not
	// tell it again.
	if left, err := svc.UnshownReminders(context.Background(), time.Now().Add(-time.Hour)); err != nil || len(left) != 0 {
		t.Fatalf("unshown after the toast: %d, %v", len(left), err)
	}
}

// TestRealUnshownReminder: a reminder that fired while no cockpit was
// open is told when the pane opens over the real store, and marked shown.
func TestRealUnshownReminder(t *testing.T) {
	w := tuitest.NewWorld(t)
	t.Cleanup(func() { _ = w.App.Shutdown(context.Background()) })
	svc, err := w.App.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// It fires on schedule while nobody watches (a run now is seen by the
	// person who asked for it, so it would count as shown).
	req := addReminder("kettle", "the kettle boiled")
	req.Spec = "every:1"
	rem, err := svc.Add(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		runs, _ := svc.History(ctx, rem.ID, 1)
		if len(runs) > 0 && runs[0].State == store.RunSucceeded {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reminder never fired")
		}
		time.Sleep(20 * time.Millisecond)
	}
	svc.Stop(0)
	if _, err := svc.SetPaused(ctx, rem.ID, true, "person:bob", "cli"); err != nil {
		t.Fatal(err)
	}
	p := New(svc, tuitest.Styles(t, "ansi"), nil)
	p.every = func(int) tea.Cmd { return nil }
	d := tuitest.ForPane(t, p, tuitest.WithTimeout(20*time.Second), tuitest.WithKeep(tuitest.IsToast))
	d.Run(p.Init())
	ts := tuitest.Toasts(d.Kept())
	if len(ts) != 1 || !strings.Contains(ts[0], "while you were away") || !strings.Contains(ts[0], "the kettle boiled") {
		t.Fatalf("toasts = %q", ts)
	}
	if left, err := svc.UnshownReminders(ctx, time.Now().Add(-time.Hour)); err != nil || len(left) != 0 {
		t.Fatalf("unshown after opening: %d, %v", len(left), err)
	}
}

func addReminder(name, text string) scheduler.AddRequest {
	return scheduler.AddRequest{Name: name, Command: text, Spec: "every 1 day", Kind: store.TaskReminder, By: "person:bob", Source: "cli"}
}

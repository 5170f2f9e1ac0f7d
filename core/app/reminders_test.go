package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
)

// reminderApp is an App whose model layer counts every attempt to build
// it: a reminder must never need one.
func reminderApp(t *testing.T) (*App, string, *atomic.Int32) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	var built atomic.Int32
	models := func(context.Context) (providers.Caller, error) {
		built.Add(1)
		return nil, errors.New("no model in this test")
	}
	a := New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH"), "SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir, Models: models})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return a, dir, &built
}

// A reminder set in words becomes one scheduler task of kind reminder
// whose text, when it fires, is shown and never run.
func TestReminderThroughScheduler(t *testing.T) {
	a, dir, built := reminderApp(t)
	ctx := context.Background()
	sub := a.Subscribe(ctx)

	res := a.Run(ctx, kernel.Request{Input: "remind me in 2 seconds to !touch pwned", Source: kernel.SourceCLI})
	if !res.Success || res.Route != "reminder" || res.LLMCalls != 0 || !strings.HasPrefix(res.Output, "Reminder set for ") {
		t.Fatalf("result %+v, want a reminder set", res)
	}
	s, err := a.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := s.List(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 {
		t.Fatalf("%d tasks, want 1: %+v", len(tasks), tasks)
	}
	task := tasks[0]
	if task.Kind != store.TaskReminder || task.Command != "!touch pwned" || task.Name != "reminder: !touch pwned" ||
		!strings.HasPrefix(task.Spec, "once:") || !strings.HasPrefix(task.CreatedBy, "person:") || task.Source != "cli" {
		t.Fatalf("task %+v, want a reminder holding the text", task)
	}

	if err := s.Start(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	fired := waitFor(t, sub, func(e any) bool {
		f, ok := e.(events.TaskFired)
		return ok && f.Task == string(task.ID) && f.State == string(store.RunSucceeded)
	}).(events.TaskFired)
	if fired.Kind != "reminder" || fired.Message != "!touch pwned" {
		t.Errorf("fired %+v, want the reminder's text", fired)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("the reminder's text ran as a command")
	}
	if n := built.Load(); n != 0 {
		t.Errorf("the model layer was built %d times, want never", n)
	}
	audit, err := a.AuditService().Recent(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range audit {
		if e.Route == "shell-prefix" || e.Skill == "shell" {
			t.Errorf("a shell run was recorded: %+v", e)
		}
	}
}

func TestReminderListCancelAndBadTime(t *testing.T) {
	a, _, built := reminderApp(t)
	ctx := context.Background()
	run := func(in string) kernel.Result {
		t.Helper()
		return a.Run(ctx, kernel.Request{Input: in, Source: kernel.SourceREPL})
	}
	if res := run("remind me at 25:00 to stretch"); res.Success || !strings.Contains(res.Error, "at 17:30") {
		t.Fatalf("bad time: %+v", res)
	}
	s, err := a.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	if tasks, _ := s.List(ctx, true); len(tasks) != 0 {
		t.Fatalf("a bad time stored %+v", tasks)
	}
	if res := run("remind me every day at 7:30 to \x1b[31mstretch\x1b[0m"); !res.Success || !strings.Contains(res.Output, "every day at 07:30") {
		t.Fatalf("daily: %+v", res)
	}
	res := run("list reminders")
	if !res.Success || !strings.Contains(res.Output, "every day at 07:30, next ") || !strings.HasSuffix(res.Output, "— stretch") {
		t.Fatalf("list: %+v", res)
	}
	if res := run("cancel reminder stretch"); !res.Success || !strings.HasPrefix(res.Output, "Cancelled the reminder for every day at 07:30") {
		t.Fatalf("cancel: %+v", res)
	}
	if tasks, _ := s.List(ctx, true); len(tasks) != 0 {
		t.Fatalf("left after cancel: %+v", tasks)
	}
	if n := built.Load(); n != 0 {
		t.Errorf("the model layer was built %d times, want never", n)
	}
}

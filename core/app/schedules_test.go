package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// A scheduled request whose model proposes a change never runs it
// unapproved: the run waits in the approval queue (state waiting), the
// canary stays absent, and only a person's approval lets it run; the run
// then finishes with the action's outcome.
func TestScheduledTaskWaitsForApproval(t *testing.T) {
	dir := t.TempDir()
	canary := filepath.Join(dir, "canary")
	srv := providertest.New(t)
	reply, _ := json.Marshal(map[string]any{"skill": "shell", "parameters": map[string]string{"command": "touch " + canary},
		"confidence": 0.99, "reasoning": "the schedule said so"})
	srv.SetDefault(providertest.Reply{Content: string(reply)})
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir, "MACROA_BASE_URL=" + srv.URL(),
		"MACROA_MODEL_NANO=test-nano"}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH")}, WorkDir: dir, UserHome: dir})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := a.Schedules()
	if err != nil {
		t.Fatal(err)
	}
	task, err := s.Add(ctx, scheduler.AddRequest{Name: "tidy", Command: "tidy up my home", Spec: "every:1", By: "person:tester", Source: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	var waiting store.TaskRun
	waitUntil(t, 15*time.Second, "a run waiting for approval", func() bool {
		runs, _ := s.History(ctx, task.ID, 5)
		for _, r := range runs {
			if r.State == store.RunWaiting && r.Approval != "" {
				waiting = r
				return true
			}
		}
		return false
	})
	if exists(canary) {
		t.Fatal("the proposed change ran before anyone approved it")
	}
	q, _ := a.Approvals()
	if _, err := q.Approve(ctx, waiting.Approval, tester, approvals.Remember{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 15*time.Second, "the approved run to finish", func() bool {
		r, _ := a.db.GetRun(ctx, waiting.ID)
		return r.State == store.RunSucceeded
	})
	if !exists(canary) {
		t.Fatal("the approved action did not run")
	}
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func schedAdd(name, command string, kind store.TaskKind) scheduler.AddRequest {
	return scheduler.AddRequest{Name: name, Command: command, Kind: kind, Spec: "in 1 hour", By: "person:tester", Source: "cli"}
}

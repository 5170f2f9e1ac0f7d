package approvals

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// The crash helper: a process that approves an entry and stops dead
// before running it, for its parent to kill -9.
const (
	crashDBEnv    = "MACROA_APPROVALS_CRASH_DB"
	crashIDEnv    = "MACROA_APPROVALS_CRASH_ID"
	crashStageEnv = "MACROA_APPROVALS_CRASH_STAGE"
	crashReady    = "CRASH-HELPER-READY"
)

// TestCrashHelper is the helper process; it does nothing unless started
// by TestKillBetweenApproveAndRun.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("only runs as a child of TestKillBetweenApproveAndRun")
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(ServiceOptions{Store: db, BackupDir: filepath.Join(filepath.Dir(path), "backups")})
	block := func() {
		fmt.Println(crashReady)
		select {} // until killed
	}
	switch os.Getenv(crashStageEnv) {
	case "approved":
		s.beforeRun = func(Entry) { block() }
	case "running":
		s.exec.started = func(store.ApprovalID) { block() }
	}
	_, err = s.Approve(context.Background(), store.ApprovalID(os.Getenv(crashIDEnv)), Decider{Who: "person:helper", Where: CLI}, Remember{})
	t.Fatalf("the helper's approval returned: %v", err)
}

// TestKillBetweenApproveAndRun: a process approves an entry and is
// killed (SIGKILL) before the action ran, approved or already running;
// recovery marks the entry interrupted, naming the dead process, and it
// never runs by itself or by a later approval.
func TestKillBetweenApproveAndRun(t *testing.T) {
	for _, stage := range []string{"approved", "running"} {
		t.Run(stage, func(t *testing.T) {
			r := newRig(t, policy.Suggest)
			canary := filepath.Join(r.dir, "canary")
			var e Entry
			if stage == "approved" {
				e = r.ask(command("touch "+canary), AskOptions{}).Entry
			} else {
				// A file write stops after its backup, running, before
				// the file is written.
				e = r.ask(fileWrite(canary, "written\n", 0), AskOptions{}).Entry
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashDBEnv+"="+r.dbPath, crashIDEnv+"="+string(e.ID), crashStageEnv+"="+stage)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ready := make(chan bool, 1)
			var seen strings.Builder
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					seen.WriteString(sc.Text() + "\n")
					if sc.Text() == crashReady {
						ready <- true
						return
					}
				}
				ready <- false
			}()
			select {
			case ok := <-ready:
				if !ok {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("the helper ended before it was ready:\n%s", seen.String())
				}
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal("the helper never got ready")
			}
			mid, err := r.svc.Get(context.Background(), e.ID)
			if err != nil || string(mid.State) != stage || mid.Runner == Runner() || !Alive(mid.Runner) {
				t.Fatalf("before the kill: %s by %q (alive %v), %v", mid.State, mid.Runner, Alive(mid.Runner), err)
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if Alive(mid.Runner) {
				t.Fatalf("the killed helper %q still counts as alive", mid.Runner)
			}

			got, err := r.svc.Recover(context.Background())
			if err != nil || len(got) != 1 || got[0].ID != e.ID || got[0].State != store.ApprovalInterrupted {
				t.Fatalf("recover: %+v %v", got, err)
			}
			if pid := strings.Split(mid.Runner, "/")[1]; !strings.Contains(got[0].Error, pid) {
				t.Errorf("the error does not name the dead process %s: %q", pid, got[0].Error)
			}
			_, err = r.svc.Approve(context.Background(), e.ID, person, Remember{})
			var c *store.ApprovalConflict
			if !errors.As(err, &c) || c.Current.State != store.ApprovalInterrupted {
				t.Fatalf("approving an interrupted entry: %v", err)
			}
			if again, _ := r.svc.Recover(context.Background()); len(again) != 0 {
				t.Fatalf("a second recovery changed %d entries", len(again))
			}
			if exists(canary) {
				t.Fatal("the action ran")
			}
		})
	}
}

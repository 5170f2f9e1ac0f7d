package main

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

// TestE2ETUITerminated: `kill` (SIGTERM) ends the cockpit promptly, idle
// or while an answer streams, every time: the partial answer is saved as
// cancelled and the process is gone, never left holding the store.
func TestE2ETUITerminated(t *testing.T) {
	s := newSandbox(t)
	srv := providertest.New(t)
	answerAsChat(srv, slowCount)
	env := []string{"MACROA_BASE_URL=" + srv.URL()}
	for i := range 6 {
		session := fmt.Sprintf("term%d", i)
		ts := startTUI(t, s, env, 100, 30, "--session", session)
		ts.waitText("macroa · custom")
		streaming := i%2 == 1
		if streaming {
			ts.typeThen("count slowly", "the stream under way", shows("two"))
		}
		out, err := exec.Command("tmux", "-S", ts.socket, "display", "-p", "-t", ts.name, "#{pane_pid}").Output()
		if err != nil {
			t.Fatalf("pane pid: %v", err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			t.Fatalf("pane pid %q: %v", out, err)
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !ts.exited() {
			if time.Now().After(deadline) {
				t.Fatalf("try %d (streaming %v): the cockpit still runs 5 s after SIGTERM; the screen:\n%s", i, streaming, ts.screen())
			}
			time.Sleep(50 * time.Millisecond)
		}
		if streaming {
			expect(t, s.run("", env, "sessions", "show", session), 0, "[cancelled]")
		}
	}
	expect(t, s.run("", env, "audit", "verify"), 0, "intact")
}

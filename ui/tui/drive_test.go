package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// runCmds runs cmd the way the Bubble Tea runtime would: each command in
// its own goroutine (bounded by timeout), batches opened, and every other
// message handed to handle, whose returned command (if any) runs next.
// Tests use it to take real I/O commands to completion without a clock.
func runCmds(t testing.TB, who string, cmd tea.Cmd, timeout time.Duration, handle func(tea.Msg) tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatalf("%s: commands never settle", who)
		}
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- next() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(timeout):
			t.Fatalf("%s: a command did not return (a tick that should not have been run?)", who)
		}
		switch m := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		default:
			queue = append(queue, handle(m))
		}
	}
}

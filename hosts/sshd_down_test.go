package hosts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// A server going down mid-command ends it with ErrConnectionLost well
// before its own end; dials then back off with a typed error, and once
// the server is back and the backoff over, commands run again.
func TestSSHDServerGoesDown(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := sshdHost(t, s, knownHostsFor(t, s))
	h.Keepalive = -1 // the loss must be seen by the command itself
	started := make(chan struct{})
	type result struct {
		out Output
		err error
	}
	got := make(chan result, 1)
	go func() {
		var once bool
		out, err := h.Stream(context.Background(), Command{Argv: []string{"sh", "-c", "echo started; sleep 5"}}, sshdTimeout,
			func(l Line) {
				if !once && l.Text == "started\n" {
					once = true
					close(started)
				}
			})
		got <- result{out, err}
	}()
	select {
	case <-started:
	case r := <-got:
		t.Fatalf("the command ended before the server went down: %+v, %v", r.out, r.err)
	case <-time.After(sshdTimeout):
		t.Fatal("the command did not start")
	}
	stopped := time.Now()
	s.Stop()
	select {
	case r := <-got:
		if !errors.Is(r.err, ErrConnectionLost) {
			t.Fatalf("after the server went down: %+v, %v", r.out, r.err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("the lost connection was not noticed before the command's own end")
	}

	// The next dial fails and starts the backoff; commands during it
	// fail at once with the same error.
	_, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Host != "web1" || ue.Since.Before(stopped) ||
		ue.RetryAt.Sub(ue.Since) != BackoffMin || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("first dial after the loss: %v", err)
	}
	// A person reads it: no retry time, the transport's affair.
	want := "web1: unreachable since " + ue.Since.Format(time.TimeOnly) + ": connect to " + s.Addr +
		": connection refused"
	if err.Error() != want {
		t.Fatalf("error reads %q, want %q", err, want)
	}
	start := time.Now()
	_, err = h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
	var again *UnreachableError
	if !errors.As(err, &again) || again.Since != ue.Since || time.Since(start) > 100*time.Millisecond {
		t.Fatalf("during the backoff: %v after %v", err, time.Since(start))
	}
	if state, down := h.Unreachable(); !down || state.Since != ue.Since {
		t.Fatalf("Unreachable = %+v, %v", state, down)
	}

	// Back up: the next dial waits for the backoff, then works.
	s.Restart()
	deadline := time.Now().Add(sshdTimeout)
	for {
		out, err := h.Run(context.Background(), Command{Argv: []string{"echo", "back"}}, sshdTimeout)
		if err == nil {
			if out.Stdout != "back\n" || time.Now().Before(ue.RetryAt) {
				t.Fatalf("after the restart: %+v at %v (retry at %v)", out, time.Now(), ue.RetryAt)
			}
			break
		}
		if !errors.As(err, &again) || time.Now().After(deadline) {
			t.Fatalf("after the restart: %v", err)
		}
		time.Sleep(time.Until(again.RetryAt)) // the backoff, as the error says
	}
	if _, down := h.Unreachable(); down {
		t.Fatal("still unreachable after a command ran")
	}
}

package kernel_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
)

// TestShellOutputStreamsAsTurnText: a command's lines are published as the
// turn's tokens while it runs (it waits on a FIFO the test writes only
// after the first line arrived), before the run completes; the result
// keeps the complete output; secrets never reach an event; the tokens are
// marked as a command's, and the answer as not streamed (the REPL and
// `macroa run` print the result instead).
func TestShellOutputStreamsAsTurnText(t *testing.T) {
	const key = "sk-or-v1-streamedkey0123456789abcdef"
	cfg, db, dir := openData(t, "", "OPENROUTER_API_KEY="+key)
	bus := events.New(nil)
	subCtx, endSub := context.WithCancel(context.Background())
	defer endSub()
	sub := bus.SubscribeWith(subCtx, events.SubscribeOptions[events.Event]{Lossless: true})
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir, Bus: bus})
	fifo := filepath.Join(dir, "go")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan kernel.Result, 1)
	go func() {
		done <- k.Run(context.Background(), kernel.Request{TurnID: "turn-1", Source: kernel.SourceTUI,
			Input: "!echo first " + key + "; read x < " + fifo + "; echo second $x >&2"})
	}()
	var streamed strings.Builder
	wrote := false
	var res kernel.Result
	finished := false
	runDone := done
	deadline := time.After(15 * time.Second)
	for {
		var e events.Event
		select {
		case e = <-sub.C:
		case res = <-runDone:
			if !wrote {
				t.Fatalf("the run ended before the test let it: %+v", res)
			}
			// The run may end before its last events are read: keep draining.
			finished, runDone = true, nil
			continue
		case <-deadline:
			t.Fatalf("no first line while the command runs; streamed %q", streamed.String())
		}
		if e.Turn() != "turn-1" {
			continue
		}
		if _, ok := e.(events.RunCompleted); ok {
			break
		}
		if tk, ok := e.(events.Token); ok {
			if !tk.Command {
				t.Fatalf("command output %q published as a model's answer", tk.Text)
			}
			streamed.WriteString(tk.Text)
		}
		if !wrote && strings.Contains(streamed.String(), "first") {
			// The command is blocked on the FIFO: the line came while it ran.
			wrote = true
			if err := os.WriteFile(fifo, []byte("go\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !finished {
		res = <-done
	}
	if !wrote {
		t.Fatal("the first line never arrived")
	}
	if got := streamed.String(); !strings.Contains(got, "first [redacted]\n") || !strings.Contains(got, "second go\n") || strings.Contains(got, key) {
		t.Fatalf("streamed text %q: want both lines, the key removed", got)
	}
	if !res.Success || res.Output != "first "+key+"\n[stderr]\nsecond go" {
		t.Fatalf("result %+v: want the complete output", res)
	}
	if res.Streamed {
		t.Fatal("command output is marked as a streamed answer")
	}
}

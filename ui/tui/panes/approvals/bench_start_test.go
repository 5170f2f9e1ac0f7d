package approvals

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// BenchmarkApproveKeyToProcess is the time from the key press a on a
// pending service restart (medium risk: a single key) to the restart's
// program having started and printed its first line, over core/app and a
// real store, the way the cockpit runs it: the key's command on its own
// goroutine, the output arriving as a core event. systemctl is a script
// first on PATH that prints one line. Reports p50 and p95; the target is
// under 50 ms.
func BenchmarkApproveKeyToProcess(b *testing.B) {
	bin := b.TempDir()
	script := "#!/bin/sh\ncase \"$1\" in is-active) echo active ;; *) echo \"$1 $3\" ;; esac\n"
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(script), 0o755); err != nil {
		b.Fatal(err)
	}
	b.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	w := tuitest.NewWorld(b)
	b.Cleanup(func() { _ = w.App.Shutdown(context.Background()) })
	p := New(w.App, tuitest.Styles(b, "ansi"), nil)
	d := tuitest.ForPane(b, p, tuitest.WithTimeout(20*time.Second))
	sub := w.App.Subscribe(b.Context())

	var took []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		ans, err := w.App.Ask(context.Background(), approvals.Proposal{
			Action:   actions.Action{Kind: actions.ServiceRestart, Params: actions.Service{Unit: fmt.Sprintf("bench%d", i)}},
			Proposer: approvals.ByAgent, Source: "tui",
		}, approvals.AskOptions{Where: approvals.Cockpit})
		i++
		if err != nil || ans.Entry.State != store.ApprovalPending {
			b.Fatalf("propose: %v %+v", err, ans.Entry)
		}
		d.Press("esc") // the details of the last one close
		d.Run(p.Init())
		if e, ok := p.Selected(); !ok || e.ID != ans.Entry.ID {
			b.Fatalf("the pane selects %+v, want %s", e, ans.Entry.ID)
		}
		b.StartTimer()

		start := time.Now()
		cmd, _ := p.HandleKey(tuitest.Key("a"))
		if cmd == nil {
			b.Fatal("a started nothing")
		}
		done := make(chan tea.Msg, 8)
		go runCmd(cmd, done)
		for started := false; !started; {
			select {
			case ev := <-sub:
				o, ok := ev.(events.ApprovalOutput)
				started = ok && o.ID == string(ans.Entry.ID)
			case <-time.After(20 * time.Second):
				b.Fatal("the action never printed")
			}
		}
		took = append(took, time.Since(start))

		b.StopTimer()
		for e, _ := w.App.GetApproval(context.Background(), ans.Entry.ID); !e.State.Final(); e, _ = w.App.GetApproval(context.Background(), ans.Entry.ID) {
			p.Update(<-done)
		}
		b.StartTimer()
	}
	b.ReportMetric(ms(pct(took, 50)), "p50-ms")
	b.ReportMetric(ms(pct(took, 95)), "p95-ms")
}

// runCmd runs cmd as the program does, each command of a batch on its own
// goroutine, and sends every message on out.
func runCmd(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			go runCmd(c, out)
		}
		return
	}
	out <- msg
}

package tui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	panes "github.com/macroa/macroa/ui/tui/panes/approvals"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// proposal is a command the agent proposes, which the gate always asks
// about.
func proposal(shell string) approvals.Proposal {
	return approvals.Proposal{
		Action:   actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell}},
		Proposer: approvals.ByAgent, Why: "a test", Source: "tui",
	}
}

// waitingToast is the toast for one new pending entry.
func waitingToast(e store.Approval) string {
	return "approval waiting: " + e.Summary + " (" + actions.Risk(e.Risk).String() + " risk) — alt+4"
}

// feed hands core events to the cockpit, as the bridge does, until done
// holds after one of them; it fails the test at the deadline.
func (c *realCockpit) feed(t *testing.T, sub <-chan events.Event, what string, done func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !done() {
		select {
		case ev := <-sub:
			_, cmd := c.a.Update(CoreEventMsg{Event: ev})
			c.drive(t, cmd)
		case <-deadline:
			t.Fatalf("%s: not within 20s", what)
		}
	}
}

// TestNewPendingApprovalToastsFromAnyPane: a proposal queued in this
// process while the chat has focus raises one toast naming it, its risk
// and the key of the approvals pane, and the status bar counts it; the
// store's change that follows, a merged twin and the first load of the
// pane raise none.
func TestNewPendingApprovalToastsFromAnyPane(t *testing.T) {
	c := newRealCockpit(t)
	// One proposal waits before the cockpit opens: no news.
	if _, err := c.b.App.Ask(t.Context(), proposal("echo before"), approvals.AskOptions{Where: approvals.CLI}); err != nil {
		t.Fatal(err)
	}
	c.start(t, 160, 48)
	if c.a.focused().ID() != PaneChat {
		t.Fatalf("focus on %s", c.a.focused().ID())
	}
	if c.a.toastSeq != 0 {
		t.Fatalf("the first load raised a toast: %q", c.a.toast.text)
	}
	sub := c.b.App.Subscribe(t.Context())
	ans, err := c.b.App.Ask(t.Context(), proposal("echo hi"), approvals.AskOptions{Where: approvals.Cockpit})
	if err != nil || ans.Entry.State != store.ApprovalPending {
		t.Fatalf("proposal: %+v, %v", ans.Entry, err)
	}
	e := ans.Entry
	c.feed(t, sub, "the toast", func() bool { return c.a.toastSeq > 0 })
	if c.a.toastSeq != 1 || c.a.toast.text != waitingToast(e) {
		t.Fatalf("%d toasts, the last %q; want one, %q", c.a.toastSeq, c.a.toast.text, waitingToast(e))
	}
	// What else this process publishes about it, and the watcher's word
	// that the store changed, raise nothing more.
	for _, ev := range []events.Event{
		events.ApprovalChanged{ID: string(e.ID), State: "pending", Risk: e.Risk, Summary: e.Summary, Proposer: e.Proposer},
		events.StoreChanged{Parts: []events.StorePart{events.PartApprovals}, At: time.Now()},
	} {
		_, cmd := c.a.Update(CoreEventMsg{Event: ev})
		c.drive(t, cmd)
	}
	twin, err := c.b.App.Ask(t.Context(), proposal("echo hi"), approvals.AskOptions{Where: approvals.Cockpit})
	if err != nil || twin.Entry.ID != e.ID || twin.Entry.Count != 2 {
		t.Fatalf("the twin: %+v, %v", twin.Entry, err)
	}
	c.feed(t, sub, "the merge", func() bool { return strings.Contains(ansi.Strip(c.a.render()), "echo hi ×2") })
	if c.a.toastSeq != 1 {
		t.Fatalf("%d toasts after the merge: %q", c.a.toastSeq, c.a.toast.text)
	}
	if c.a.focused().ID() != PaneChat {
		t.Fatal("the toast moved the focus")
	}
	c.a.toast = nil
	status := ansi.Strip(c.a.statusBar(160))
	if !strings.Contains(status, "approvals 2") {
		t.Fatalf("the status bar does not count the pending approvals: %q", status)
	}
	screen := ansi.Strip(c.a.render())
	if !strings.Contains(screen, "4 approvals · 2 pending") || !strings.Contains(screen, "2 pending (2 "+actions.Risk(e.Risk).String()+")") {
		t.Fatalf("the approvals pane does not show them:\n%s", screen)
	}
	tuitest.RequireBlock(t, c.a.render(), 160, 48)
}

// TestWaitingToastIsDrawnClean: a summary from elsewhere (another
// process, a hostile proposer) is drawn cleaned; several at once are
// one toast, the riskiest named.
func TestWaitingToastIsDrawnClean(t *testing.T) {
	c := newRealCockpit(t)
	c.start(t, 160, 48)
	hostile := store.Approval{ID: "0000000001", State: store.ApprovalPending, Summary: "stop \x1b]0;pwned\x07\x1b[2Jssh\u202e\nnext", Risk: 4}
	other := store.Approval{ID: "0000000002", State: store.ApprovalPending, Summary: "restart nginx.service", Risk: 2}
	for _, tc := range []struct {
		msg  panes.WaitingMsg
		want string
	}{
		{panes.WaitingMsg{Entries: []store.Approval{hostile}}, "approval waiting: stop ssh next (critical risk) — alt+4"},
		{panes.WaitingMsg{Entries: []store.Approval{hostile, other}}, "2 approvals waiting: stop ssh next (critical risk) and 1 more — alt+4"},
	} {
		_, cmd := c.a.Update(tc.msg)
		c.drive(t, cmd)
		if c.a.toast == nil || c.a.toast.text != tc.want {
			t.Fatalf("toast %+v, want %q", c.a.toast, tc.want)
		}
		if r := c.a.render(); strings.Contains(r, "\x1b]0;") || strings.Contains(r, "\x1b[2J") || strings.Contains(r, "\u202e") {
			t.Fatal("the summary's escape sequence reached the screen")
		}
	}
}

// TestProposalFromAnotherProcessToasts: another process (a second App
// over its own handle on the same database, as `macroa run` in another
// shell) queues a proposal while the cockpit is open. Nothing of it
// reaches this process's bus but the store watcher's StoreChanged; the
// approvals pane reads the queue again and the cockpit raises one toast
// for it, counts it in the status bar and in the tab (80x24: once). Its
// merged twin raises none, a second proposal one more.
func TestProposalFromAnotherProcessToasts(t *testing.T) {
	c := newRealCockpit(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sub := c.b.App.Subscribe(ctx)
	if err := c.b.App.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c.start(t, 80, 24)

	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + c.dir}, WorkDir: c.dir, UserHome: c.dir})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), filepath.Join(c.dir, "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	other := app.New(app.Options{Config: cfg, Store: db, WorkDir: c.dir, UserHome: c.dir,
		Environ: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir}})
	t.Cleanup(func() { _ = other.Shutdown(context.Background()) })
	ask := func(shell string) store.Approval {
		t.Helper()
		ans, err := other.Ask(context.Background(), proposal(shell), approvals.AskOptions{Where: approvals.CLI})
		if err != nil || ans.Entry.State != store.ApprovalPending {
			t.Fatalf("the other process's proposal: %+v, %v", ans.Entry, err)
		}
		return ans.Entry
	}
	pending := func(n int) func() bool {
		return func() bool { return c.approvals.Badge() == strconv.Itoa(n) }
	}

	e := ask("echo from-elsewhere")
	c.feed(t, sub, "the other process's proposal", func() bool { return c.a.toastSeq > 0 })
	if c.a.toastSeq != 1 || c.a.toast.text != waitingToast(e) {
		t.Fatalf("%d toasts, the last %q; want one, %q", c.a.toastSeq, c.a.toast.text, waitingToast(e))
	}
	c.feed(t, sub, "the count", pending(1))
	c.a.toast = nil
	if status := ansi.Strip(c.a.statusBar(160)); !strings.Contains(status, "approvals 1") {
		t.Fatalf("the status bar does not count it: %q", status)
	}

	if twin := ask("echo from-elsewhere"); twin.ID != e.ID || twin.Count != 2 {
		t.Fatalf("the twin was not merged: %+v", twin)
	}
	c.feed(t, sub, "the merge", func() bool {
		s, ok := c.approvals.Selected()
		return ok && s.Count == 2
	})
	if c.a.toastSeq != 1 {
		t.Fatalf("the merged twin raised a toast: %q", c.a.toast.text)
	}

	e2 := ask("echo second")
	c.feed(t, sub, "the second proposal", func() bool { return c.a.toastSeq > 1 })
	c.feed(t, sub, "the count of two", pending(2))
	if c.a.toastSeq != 2 || c.a.toast.text != waitingToast(e2) {
		t.Fatalf("%d toasts, the last %q; want two, %q", c.a.toastSeq, c.a.toast.text, waitingToast(e2))
	}
	c.a.toast = nil
	screen := c.screen(t, 80, 24)
	if tabs := ansi.Strip(screen); !strings.Contains(tabs, " 4 approvals · 2 pending ─") || strings.Contains(tabs, "pending 2") {
		t.Fatalf("the tab does not say the count once:\n%s", tabs)
	}
	if status := ansi.Strip(c.a.statusBar(160)); !strings.Contains(status, "approvals 2") {
		t.Fatalf("the status bar does not count both: %q", status)
	}
}

package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestNewPendingApprovalToastsFromAnyPane: a proposal queued while the
// chat has focus raises a toast naming it, its risk and the key of the
// approvals pane, and the status bar counts it; a merged twin or a later
// transition raises none.
func TestNewPendingApprovalToastsFromAnyPane(t *testing.T) {
	c := newRealCockpit(t)
	c.start(t, 160, 48)
	if c.a.focused().ID() != PaneChat {
		t.Fatalf("focus on %s", c.a.focused().ID())
	}
	ans, err := c.b.App.Ask(context.Background(), approvals.Proposal{
		Action:   actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "echo hi"}},
		Proposer: approvals.ByAgent, Why: "a test", Source: "tui",
	}, approvals.AskOptions{Where: approvals.Cockpit})
	if err != nil || ans.Entry.State != store.ApprovalPending {
		t.Fatalf("proposal: %+v, %v", ans.Entry, err)
	}
	e := ans.Entry
	changed := func(state string, merged bool) CoreEventMsg {
		return CoreEventMsg{Event: events.ApprovalChanged{ID: string(e.ID), State: state, Risk: e.Risk, Summary: e.Summary,
			Proposer: e.Proposer, Merged: merged}}
	}
	for _, tc := range []struct {
		name  string
		msg   CoreEventMsg
		toast bool
	}{
		{"merged", changed("pending", true), false},
		{"approved", changed("approved", false), false},
		{"new pending", changed("pending", false), true},
	} {
		c.a.toast = nil
		_, cmd := c.a.Update(tc.msg)
		c.drive(t, cmd)
		if got := c.a.toast != nil; got != tc.toast {
			t.Fatalf("%s: toast %v, want %v", tc.name, got, tc.toast)
		}
	}
	want := "approval waiting: " + e.Summary + " (" + actions.Risk(e.Risk).String() + " risk) — alt+4"
	if c.a.toast.text != want {
		t.Fatalf("toast %q, want %q", c.a.toast.text, want)
	}
	// A summary from elsewhere (another process, a hostile proposer) is
	// drawn cleaned.
	hostile := changed("pending", false)
	ev := hostile.Event.(events.ApprovalChanged)
	ev.Summary = "stop \x1b]0;pwned\x07\x1b[2Jssh\u202e"
	_, cmd := c.a.Update(CoreEventMsg{Event: ev})
	c.drive(t, cmd)
	if got := c.a.toast.text; got != "approval waiting: stop ssh ("+actions.Risk(e.Risk).String()+" risk) — alt+4" {
		t.Fatalf("hostile toast %q", got)
	}
	if r := c.a.render(); strings.Contains(r, "\x1b]0;") || strings.Contains(r, "\x1b[2J") || strings.Contains(r, "\u202e") {
		t.Fatal("the summary's escape sequence reached the screen")
	}
	if c.a.focused().ID() != PaneChat {
		t.Fatal("the toast moved the focus")
	}
	c.a.toast = nil
	status := ansi.Strip(c.a.statusBar(160))
	if !strings.Contains(status, "approvals 1") {
		t.Fatalf("the status bar does not count the pending approval: %q", status)
	}
	screen := ansi.Strip(c.a.render())
	if !strings.Contains(screen, "4 approvals · 1 pending") || !strings.Contains(screen, "1 pending (1 "+actions.Risk(e.Risk).String()+")") {
		t.Fatalf("the approvals pane does not show it:\n%s", screen)
	}
	tuitest.RequireBlock(t, c.a.render(), 160, 48)
}

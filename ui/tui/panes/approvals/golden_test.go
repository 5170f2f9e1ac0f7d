package approvals

import (
	"fmt"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestGoldens draws every view of the pane at the cockpit's two sizes:
// the open list, the confirmation, a command's and a file's details, the
// history and the rules.
func TestGoldens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		w, h := size[0], size[1]
		for _, tc := range []struct {
			name string
			do   func(p *Pane, d *tuitest.Driver)
		}{
			{"list", func(p *Pane, d *tuitest.Driver) {}},
			{"confirm", func(p *Pane, d *tuitest.Driver) { selectID(t, p, d, "c3high0003"); d.Press("a") }},
			{"detail_command", func(p *Pane, d *tuitest.Driver) { selectID(t, p, d, "c3high0003"); d.Press("enter") }},
			{"detail_diff", func(p *Pane, d *tuitest.Driver) { selectID(t, p, d, "e5file0005"); d.Press("d") }},
			{"detail_protected", func(p *Pane, d *tuitest.Driver) { selectID(t, p, d, "d4crit0004"); d.Press("enter") }},
			{"history", func(p *Pane, d *tuitest.Driver) { d.Press("h") }},
			{"history_detail", func(p *Pane, d *tuitest.Driver) { d.Press("h", "j", "enter") }},
			{"rules", func(p *Pane, d *tuitest.Driver) {
				selectID(t, p, d, "b2med00002")
				d.Press("A", "s")
				d.Press("esc", "R")
			}},
		} {
			t.Run(fmt.Sprintf("%s_%dx%d", tc.name, w, h), func(t *testing.T) {
				p, _, d := newTestPane(t, sample()...)
				tc.do(p, d)
				tuitest.RequireGolden(t, fmt.Sprintf("%s_%dx%d", tc.name, w, h), tuitest.Screen(t, p, w, h))
			})
		}
	}
}

// TestEveryViewFillsItsSize draws each view at sizes down to one cell.
func TestEveryViewFillsItsSize(t *testing.T) {
	p, _, d := newTestPane(t, sample()...)
	for _, keys := range [][]string{nil, {"enter"}, {"esc", "a"}, {"esc", "r"}, {"esc", "h"}, {"R"}} {
		d.Press(keys...)
		for _, s := range [][2]int{{1, 1}, {5, 2}, {20, 3}, {40, 6}, {80, 24}, {200, 60}} {
			tuitest.RequireBlock(t, p.View(s[0], s[1], true), s[0], s[1])
			tuitest.RequireBlock(t, p.View(s[0], s[1], false), s[0], s[1])
		}
	}
}

// hostile is what a hostile proposer (a model, a poisoned document it
// read) may put in every string the pane shows: escape sequences that set
// the title, clear the screen or move the cursor, bidi overrides that
// reorder what a row says, a bell, a carriage return.
const hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[H\u202eevil\u2066\x9b31m\r\x07"

func TestHostileTextNeverReachesTheScreenRaw(t *testing.T) {
	e := store.Approval{ID: "h0st1le001", Kind: "command.run", Host: "web-1", Risk: 2, Verdict: "ask",
		Params:  params(map[string]string{"shell": "echo " + hostile + " > /tmp/x", "dir": "/tmp/" + hostile}),
		Summary: "run: echo " + hostile, Target: "t" + hostile, Reason: "why " + hostile, Level: "suggest" + hostile,
		Proposer: "agent" + hostile, Why: "because " + hostile, Session: "s" + hostile, Source: "tui" + hostile,
		CreatedAt: testNow, ExpiresAt: testNow.Add(1e12), Count: 1}
	decided := e
	decided.ID, decided.State, decided.DecidedBy, decided.DecidedWhere, decided.Note = "h0st1le002", store.ApprovalFailed, "person:"+hostile, "cli"+hostile, "no "+hostile
	decided.Output, decided.Error = "out "+hostile+"\n", "err "+hostile
	file := e
	file.ID, file.Kind = "h0st1le003", "file.write"
	file.Params = params(map[string]string{"path": "/etc/x", "content": hostile, "diff": "+" + hostile})
	p, f, d := newTestPane(t, e, decided, file)
	f.rules = []store.ApprovalRule{{ID: 1, Kind: "command.run" + hostile, Target: hostile, Scope: store.ScopeSession, Session: hostile, CreatedBy: hostile}}

	check := func(what, view string) {
		t.Helper()
		for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1b[H", "\u202e", "\u2066", "\x9b", "\x07", "\r"} {
			if strings.Contains(view, bad) {
				t.Fatalf("%s: the view holds %q raw:\n%q", what, bad, view)
			}
		}
	}
	views := map[string][]string{
		"list":         nil,
		"detail":       {"enter"},
		"file detail":  {"esc", "j", "enter"},
		"confirm":      {"esc", "g", "r"},
		"history":      {"esc", "h"},
		"history item": {"enter"},
		"rules":        {"esc", "R"},
	}
	for _, name := range []string{"list", "detail", "file detail", "confirm", "history", "history item", "rules"} {
		d.Press(views[name]...)
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			check(name, p.View(size[0], size[1], true))
			check(name, p.View(size[0], size[1], false))
		}
		check(name+" title", p.Title())
	}
	// Toasts say the summary too.
	d.Press("esc", "esc", "esc")
	f.add(store.Approval{ID: "h0st1le004", Kind: "service.restart", Risk: 2, Summary: "restart " + hostile, Params: params(map[string]string{"unit": "x"})})
	if _, err := f.Approve(t.Context(), "h0st1le004", approvals.Decider{Who: "person:" + hostile, Where: approvals.CLI}, approvals.Remember{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []actedMsg{
		{approve: true, id: "h0st1le004", summary: "restart " + hostile, entry: f.get("h0st1le004")},
		{approve: true, id: "h0st1le004", err: &store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: f.get("h0st1le004")}},
		{id: "h0st1le004", summary: hostile},
	} {
		_, text := answerToast(m)
		check("toast", text)
	}
}

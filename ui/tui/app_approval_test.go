package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/panes/chat"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

func TestChatApprovalKeysInCheatSheet(t *testing.T) {
	c := newRealCockpit(t)
	c.start(t, 200, 60)
	sheet := ansi.Strip(c.a.cheatSheet(200, 60))
	for _, want := range []string{"run the command waiting for your approval", "refuse the command waiting for your approval"} {
		if !strings.Contains(sheet, want) {
			t.Fatalf("the cheat sheet lacks %q:\n%s", want, sheet)
		}
	}
}

// asking is the core with a run that proposes one command to the real
// approval queue and waits for the answer, as an agent proposing it would.
type asking struct {
	pinned
	command string
}

func (b asking) Run(ctx context.Context, req kernel.Request) kernel.Result {
	res := kernel.Result{TurnID: req.TurnID, Route: "agent", Skill: "agent", Error: "nobody could be asked"}
	if req.Ask == nil {
		return res
	}
	ans, err := req.Ask(ctx, approvals.Proposal{Action: actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: b.command}},
		Proposer: approvals.ByAgent, Why: "the agent proposed it", TurnID: req.TurnID, Source: string(req.Source)})
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Output, res.Error = string(ans.Entry.State), ""
	res.Success = ans.Entry.State == store.ApprovalSucceeded
	return res
}

// until runs the App the way the Bubble Tea runtime does while a command
// blocks (a run waiting for its answer): each command on its own
// goroutine, each message handed to Update on the test's goroutine, until
// cond holds. Toasts come and go and are not shown.
func (c *realCockpit) until(t *testing.T, cmd tea.Cmd, what string, cond func() bool) {
	t.Helper()
	msgs := make(chan tea.Msg, 4096)
	do := func(cmd tea.Cmd) {
		if cmd != nil {
			go func() { msgs <- cmd() }()
		}
	}
	do(cmd)
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case m := <-msgs:
			switch m := m.(type) {
			case nil, ToastMsg, toastExpiredMsg:
			case tea.BatchMsg:
				for _, c := range m {
					do(c)
				}
			default:
				_, next := c.a.Update(m)
				do(next)
			}
		case <-deadline:
			t.Fatalf("waiting for %s: it never happened", what)
		}
	}
}

// TestAppRealApprovalPrompt: the prompt as the cockpit shows it at 80x24,
// for an entry waiting in the real queue; the command's newline shows as
// an escape, so no line of it can pass for something else.
func TestAppRealApprovalPrompt(t *testing.T) {
	const command = "rm -rf ./build && touch ~/.cache/x\n echo harmless"
	c := newRealCockpitWith(t, func(b pinned) chat.Runner { return asking{pinned: b, command: command} })
	c.start(t, 80, 24)
	c.typeText(t, "clean up the build directory")
	_, run := c.a.Update(tuitest.Key("enter"))
	t.Cleanup(func() { c.chat.Cancel() })
	c.until(t, run, "the armed prompt", func() bool {
		return strings.Contains(ansi.Strip(c.a.render()), "y runs it · n/esc/enter refuses")
	})
	pending, err := c.b.ListApprovals(context.Background(), store.ApprovalQuery{States: []store.ApprovalState{store.ApprovalPending}})
	if err != nil || len(pending) != 1 || pending[0].Summary != command {
		t.Fatalf("the queue holds %+v (%v), want the one command pending", pending, err)
	}
	view := c.screen(t, 80, 24)
	plain := strings.Join(strings.Fields(ansi.Strip(view)), " ")
	for _, want := range []string{"needs your approval", `x\n echo harmless`, "why: high risk", "Approval " + string(pending[0].ID),
		"approve? y runs it"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, ansi.Strip(view))
		}
	}
	// The id is drawn at random; the golden holds one of the same length.
	tuitest.RequireGolden(t, "app_real_approval_80x24", strings.ReplaceAll(view, string(pending[0].ID), strings.Repeat("0", len(pending[0].ID))))
}

// modelCore is the in-process core with the model layer pointed at a
// providertest server.
func modelCore(t *testing.T, srv *providertest.Server) (*app.App, string) {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku")
	core := app.New(app.Options{Config: cfg, Store: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir,
		Models: func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }})
	t.Cleanup(func() { _ = core.Shutdown(context.Background()) })
	return core, dir
}

// TestTeaApprovalFlow: the cockpit as a real Bubble Tea program over a
// real kernel and the real bridge: the agent's command waits on screen,
// y runs it.
func TestTeaApprovalFlow(t *testing.T) {
	srv := providertest.New(t)
	core, dir := modelCore(t, srv)
	canary := filepath.Join(dir, "canary")
	srv.Script(
		providertest.Reply{Content: `{"skill":"agent","parameters":{},"confidence":0.9,"reasoning":"test"}`},
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: `{"command":"touch ` + canary + `"}`}}},
		providertest.Reply{Content: "made the canary"},
	)
	a := New(Options{Runner: core, Sessions: core, Audit: core, Usage: core, Styles: tuitest.Styles(t, ""), Hint: realHint})
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go bridge(ctx, subscribe(ctx, core.Bus()), tm.Send, nil)
	teaWait(t, tm, "the first screen", teaContains("Type a request and press enter"))
	// Keys reach the program in order: the enter comes after the text.
	tm.Type("make a canary")
	tm.Send(tuitest.Key("enter"))
	teaWait(t, tm, "the armed prompt", teaContains("runs it · n/esc/enter refuses"))
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the command ran before the answer")
	}
	tm.Send(tuitest.Key("y"))
	teaWait(t, tm, "the second confirmation", teaContains("high risk: y again runs it"))
	tm.Send(tuitest.Key("y"))
	teaWait(t, tm, "the answer", teaContains("made the canary"))
	final := teaQuit(t, tm)
	p := final.panes[0].(*chat.Pane)
	if _, err := os.Stat(canary); err != nil || p.Running() {
		t.Fatalf("after y: canary %v, still running %v", err, p.Running())
	}
	var asks []chat.Message
	for _, m := range p.Messages() {
		if m.State == "approved" || m.State == "refused" || m.State == "waiting" {
			asks = append(asks, m)
		}
	}
	if len(asks) != 1 || asks[0].State != "approved" || asks[0].Text != "touch "+canary {
		t.Fatalf("approval records %+v", asks)
	}
	done, err := core.ListApprovals(context.Background(), store.ApprovalQuery{})
	if err != nil || len(done) != 1 || done[0].State != store.ApprovalSucceeded || done[0].Summary != "touch "+canary ||
		done[0].DecidedWhere != string(approvals.Cockpit) || done[0].Proposer != string(approvals.ByAgent) {
		t.Fatalf("the queue holds %+v (%v), want the agent's command succeeded, approved from the cockpit", done, err)
	}
}

// TestAppRealReadOnly: `macroa tui --read-only` builds the real panes
// without their dangerous bindings, and the cheat sheet agrees.
func TestAppRealReadOnly(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		c := newRealCockpit(t)
		a := New(Options{Runner: c.b, Sessions: c.b, Audit: c.b, Usage: c.b, Styles: tuitest.Styles(t, "ansi"), ReadOnly: readOnly})
		a.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
		keys := map[PaneID][]Binding{}
		for _, p := range a.panes {
			keys[p.ID()] = p.Keys()
		}
		if Matches(keys[PaneChat], "approve", "y") == readOnly || Matches(keys[PaneSessions], "delete", "d") == readOnly {
			t.Fatalf("read-only %v: approve or delete bound = %v", readOnly, !readOnly)
		}
		if Matches(keys[PaneSessions], "rename", "r") == readOnly || Matches(keys[PaneSessions], "new", "n") == readOnly {
			t.Fatalf("read-only %v: rename or new bound = %v", readOnly, !readOnly)
		}
		if !Matches(keys[PaneChat], "refuse", "n") || !Matches(keys[PaneSessions], "switch", "enter") {
			t.Fatalf("read-only %v: a safe binding went", readOnly)
		}
		sheet := ansi.Strip(a.cheatSheet(200, 60))
		if strings.Contains(sheet, "run the command waiting for your approval") == readOnly ||
			!strings.Contains(sheet, "refuse the command waiting for your approval") {
			t.Fatalf("read-only %v: the cheat sheet disagrees with the bindings:\n%s", readOnly, sheet)
		}
	}
}

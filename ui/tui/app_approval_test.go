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

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
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

// asking is the core with a run that asks about one command and waits
// for the answer, as an agent proposing it would.
type asking struct {
	pinned
	command, reason string
}

func (b asking) Run(ctx context.Context, req kernel.Request) kernel.Result {
	ok := req.Confirm(ctx, b.command, b.reason)
	return kernel.Result{TurnID: req.TurnID, Success: ok, Route: "agent", Skill: "agent"}
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

// TestAppRealApprovalPrompt: the prompt as the cockpit shows it at 80x24.
func TestAppRealApprovalPrompt(t *testing.T) {
	c := newRealCockpitWith(t, func(b pinned) chat.Runner {
		return asking{pinned: b,
			command: "rm -rf ./build && touch ~/.cache/x\x1b[2K\r echo harmless",
			reason:  "the agent proposed it, and rm deletes files; touch changes files"}
	})
	c.start(t, 80, 24)
	c.typeText(t, "clean up the build directory")
	_, run := c.a.Update(tuitest.Key("enter"))
	t.Cleanup(func() { c.chat.Cancel() })
	c.until(t, run, "the armed prompt", func() bool {
		return strings.Contains(ansi.Strip(c.a.render()), "y runs it · n/esc/enter refuses")
	})
	view := c.screen(t, 80, 24)
	plain := ansi.Strip(view)
	for _, want := range []string{"needs your approval", `\x1b[2K\r echo harmless`, "why: the agent proposed it", "approve? y runs it"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, plain)
		}
	}
	tuitest.RequireGolden(t, "app_real_approval_80x24", view)
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

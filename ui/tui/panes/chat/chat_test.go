package chat

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/editor"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// chatEnv is a real in-process core: configuration from a temp data dir,
// a SQLite store in it and a kernel (with an event bus), behind the
// core/app facade the cockpit uses.
type chatEnv struct {
	b   *app.App
	db  *store.DB
	bus *events.Bus
	dir string
}

// chatNewEnv builds the core; models, when not nil, is the model layer
// (else requests that need a model fail with "none is configured").
func chatNewEnv(t testing.TB, models func(cfg *config.Config) kernel.ModelFactory, env ...string) chatEnv {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "", env...)
	o := app.Options{Config: cfg, Store: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir}
	if models != nil {
		o.Models = models(cfg)
	}
	b := app.New(o)
	t.Cleanup(func() { _ = b.Shutdown(context.Background()) })
	return chatEnv{b: b, db: db, bus: b.Bus(), dir: dir}
}

func chatNewPane(t testing.TB, keys map[string][]string) (*Pane, chatEnv) {
	t.Helper()
	env := chatNewEnv(t, nil)
	return New(env.b, tuitest.Styles(t, ""), keys), env
}

// typeText types text into the pane one key press per character; every
// press must be taken.
func typeText(t *testing.T, p *Pane, text string) {
	t.Helper()
	d := tuitest.ForPane(t, p)
	d.Type(text)
	if d.Unhandled != 0 {
		t.Fatalf("typing %q: %d presses were not taken", text, d.Unhandled)
	}
}

// forRoot says which messages a pane sends the root (toasts, focus, copy,
// the session shown) rather than itself.
func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case kit.ToastMsg, kit.FocusPaneMsg, kit.CopyMsg, kit.SessionChangedMsg:
		return true
	}
	return false
}

// drive runs a command the way the Bubble Tea runtime would: the pane's
// own results go back into its Update, and the messages for the root are
// returned.
func drive(t testing.TB, p *Pane, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	d := tuitest.ForPane(t, p, tuitest.WithKeep(forRoot))
	d.Run(cmd)
	return d.Kept()
}

// send types text, presses enter and runs the request to the end.
func chatSend(t *testing.T, p *Pane, text string) []tea.Msg {
	t.Helper()
	typeText(t, p, text)
	cmd, _ := p.HandleKey(tuitest.Key("enter"))
	if cmd == nil {
		t.Fatalf("enter on %q started nothing", text)
	}
	return drive(t, p, cmd)
}

// view draws the pane, checks it is exactly w × h cells and returns it
// without ANSI.
func chatView(t testing.TB, p *Pane, w, h int) string {
	t.Helper()
	out := p.View(w, h, true)
	rows := strings.Split(out, "\n")
	if len(rows) != h {
		t.Fatalf("view at %dx%d has %d rows", w, h, len(rows))
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got != w {
			t.Fatalf("view at %dx%d: row %d is %d cells wide: %q", w, h, i, got, ansi.Strip(r))
		}
	}
	return ansi.Strip(out)
}

// hasLine reports whether a view has a row that, trimmed, is want.
func chatHasLine(v, want string) bool {
	for _, r := range strings.Split(v, "\n") {
		if strings.TrimSpace(r) == want {
			return true
		}
	}
	return false
}

func chatToasts(msgs []tea.Msg, level kit.ToastLevel) []string {
	var out []string
	for _, m := range msgs {
		if t, ok := m.(kit.ToastMsg); ok && t.Level == level {
			out = append(out, t.Text)
		}
	}
	return out
}

func TestChatShellCommandRuns(t *testing.T) {
	p, env := chatNewPane(t, nil)
	typeText(t, p, "!echo hi")
	if v := chatView(t, p, 60, 10); !strings.Contains(v, "› !echo hi") {
		t.Fatalf("the input does not show what was typed:\n%s", v)
	}
	cmd, handled := p.HandleKey(tuitest.Key("enter"))
	if !handled || cmd == nil {
		t.Fatal("enter did not start the request")
	}
	if !p.Running() || !p.input.Empty() {
		t.Fatalf("after enter: running=%v input=%q", p.Running(), p.input.Value())
	}
	v := chatView(t, p, 60, 10)
	if !strings.Contains(v, "› !echo hi") || !strings.Contains(v, "working…") || !strings.Contains(v, "running · ctrl+c cancels") {
		t.Fatalf("while running the view shows no request and no progress:\n%s", v)
	}
	msgs := drive(t, p, cmd)
	if p.Running() {
		t.Fatal("still running after the result")
	}
	v = chatView(t, p, 60, 10)
	if !chatHasLine(v, "hi") {
		t.Fatalf("the command's output is not shown:\n%s", v)
	}
	if e := chatToasts(msgs, kit.ToastError); len(e) != 0 {
		t.Fatalf("a successful command raised error toasts: %q", e)
	}
	a, err := env.db.RecentAudit(context.Background(), 1)
	if err != nil || len(a) != 1 || a[0].Source != string(kernel.SourceTUI) || a[0].Input != "!echo hi" || string(a[0].TurnID) != string(p.msgs[1].turn) {
		t.Fatalf("the run was not audited as a tui request with the pane's turn id: %+v, %v", a, err)
	}
}

func TestChatShellFailureIsMarked(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	msgs := chatSend(t, p, "!echo out; exit 3")
	v := chatView(t, p, 70, 10)
	if !chatHasLine(v, "out") || !strings.Contains(v, "✗ ") {
		t.Fatalf("a failed command shows neither its output nor a failure line:\n%s", v)
	}
	if e := chatToasts(msgs, kit.ToastError); len(e) != 0 {
		t.Fatalf("a failing shell command should speak for itself, got toasts %q", e)
	}
}

func TestChatHistoryUpDown(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatSend(t, p, "!echo one")
	chatSend(t, p, "!echo two")
	typeText(t, p, "draft")
	steps := []struct {
		key, want string
	}{
		{"up", "!echo two"},
		{"up", "!echo one"},
		{"up", "!echo one"}, // the oldest stays
		{"down", "!echo two"},
		{"down", "draft"}, // past the newest: what was being typed
		{"down", "draft"},
	}
	for i, s := range steps {
		if _, handled := p.HandleKey(tuitest.Key(s.key)); !handled {
			t.Fatalf("step %d: %s not handled", i, s.key)
		}
		if got := p.input.Value(); got != s.want {
			t.Fatalf("step %d (%s): input %q, want %q", i, s.key, got, s.want)
		}
	}

	// In a multi-line input, up and down move between its lines first.
	p.input.Reset()
	typeText(t, p, "first")
	p.HandleKey(tuitest.Key("alt+enter"))
	typeText(t, p, "second")
	p.HandleKey(tuitest.Key("up"))
	if p.input.Value() != "first\nsecond" || !p.input.OnFirstLine() {
		t.Fatalf("up on the second line recalled history: %q", p.input.Value())
	}
	p.HandleKey(tuitest.Key("up"))
	if p.input.Value() != "!echo two" {
		t.Fatalf("up on the first line did not recall history: %q", p.input.Value())
	}
	p.HandleKey(tuitest.Key("down"))
	if p.input.Value() != "first\nsecond" {
		t.Fatalf("down did not bring the draft back: %q", p.input.Value())
	}
}

func TestChatMultilineInput(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	typeText(t, p, "!echo first")
	p.HandleKey(tuitest.Key("alt+enter"))
	typeText(t, p, "echo second")
	p.HandleKey(tuitest.Key("ctrl+j"))
	typeText(t, p, "echo third")
	if got := p.input.Value(); got != "!echo first\necho second\necho third" {
		t.Fatalf("input = %q", got)
	}
	v := chatView(t, p, 50, 12)
	for _, want := range []string{"› !echo first", "  echo second", "  echo third"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the input does not show %q:\n%s", want, v)
		}
	}
	// Editing: backspace at a line's start joins it to the one above.
	p.HandleKey(tuitest.Key("home"))
	p.HandleKey(tuitest.Key("backspace"))
	if got := p.input.Value(); got != "!echo first\necho secondecho third" {
		t.Fatalf("after home, backspace: %q", got)
	}
	p.HandleKey(tuitest.Key("ctrl+j"))
	cmd, _ := p.HandleKey(tuitest.Key("enter"))
	drive(t, p, cmd)
	v = chatView(t, p, 50, 12)
	for _, want := range []string{"first", "second", "third"} {
		if !chatHasLine(v, want) {
			t.Fatalf("the three-line script's output lacks %q:\n%s", want, v)
		}
	}
}

func TestChatEscClearsThenBacksOut(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	typeText(t, p, "half a thought")
	if _, handled := p.HandleKey(tuitest.Key("esc")); !handled || !p.input.Empty() {
		t.Fatalf("esc did not clear the input: handled=%v input=%q", handled, p.input.Value())
	}
	if _, handled := p.HandleKey(tuitest.Key("esc")); handled {
		t.Fatal("esc on an empty input must let the root back out")
	}
	if _, handled := p.HandleKey(tuitest.Key("tab")); handled {
		t.Fatal("tab must stay the root's (next pane)")
	}
}

func TestChatStreamingTokens(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	typeText(t, p, "tell me something")
	cmd, _ := p.HandleKey(tuitest.Key("enter"))
	turn := string(p.turnID)
	if turn == "" || cmd == nil {
		t.Fatal("no turn in flight")
	}
	tok := func(turn, text string) { p.Update(kit.CoreEventMsg{Event: events.Token{TurnID: turn, Text: text}}) }

	tok(turn, "Hello **wor")
	if v := chatView(t, p, 60, 12); !chatHasLine(v, "Hello **wor") {
		t.Fatalf("the partial answer is not shown as it arrives:\n%s", v)
	}
	tok(string(store.NewTurnID()), "SOMEONE ELSE")
	if v := chatView(t, p, 60, 12); strings.Contains(v, "SOMEONE ELSE") {
		t.Fatalf("another turn's tokens reached the pane:\n%s", v)
	}
	tok(turn, "ld**\n\nSecond `blo")
	v := chatView(t, p, 60, 12)
	if !chatHasLine(v, "Hello world") || !chatHasLine(v, "Second `blo") {
		t.Fatalf("the finished block should be Markdown, the arriving one plain:\n%s", v)
	}
	p.Update(kit.CoreEventMsg{Event: events.StreamReset{TurnID: turn, Reason: "retry"}})
	v = chatView(t, p, 60, 12)
	if strings.Contains(v, "Hello") || !strings.Contains(v, "working…") {
		t.Fatalf("a stream reset did not clear the partial answer:\n%s", v)
	}
	tok(turn, "Fresh start")
	if v := chatView(t, p, 60, 12); !chatHasLine(v, "Fresh start") {
		t.Fatalf("text after the reset is not shown:\n%s", v)
	}

	// The run itself needs a model and none is configured: a marked reply
	// and an error toast, no crash.
	msgs := drive(t, p, cmd)
	v = chatView(t, p, 60, 12)
	if !strings.Contains(v, "✗ this request needs a language model") {
		t.Fatalf("the provider error is not shown as a marked reply:\n%s", v)
	}
	if e := chatToasts(msgs, kit.ToastError); len(e) != 1 || !strings.Contains(e[0], "needs a language model") {
		t.Fatalf("want one error toast with the sentence, got %q", e)
	}
	tok(turn, "LATE")
	if v := chatView(t, p, 60, 12); strings.Contains(v, "LATE") {
		t.Fatal("tokens after the result reached the finished reply")
	}
}

func TestChatStaleResultsDropped(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	typeText(t, p, "!echo stale-output")
	stale, _ := p.HandleKey(tuitest.Key("enter"))
	if !p.Cancel() {
		t.Fatal("Cancel with a run in flight returned false")
	}
	typeText(t, p, "!echo fresh-output")
	fresh, _ := p.HandleKey(tuitest.Key("enter"))
	staleMsg := stale()
	// A result with an older seq is dropped even when it names the turn.
	p.Update(runDoneMsg{seq: p.runSeq - 1, turnID: p.turnID, res: kernel.Result{Output: "forged", Success: true}})
	if !p.Running() || p.runReply().text == "forged" {
		t.Fatal("a result with a stale seq was taken")
	}
	drive(t, p, fresh)
	p.Update(staleMsg) // arrives last, belongs to a run the pane moved past
	v := chatView(t, p, 60, 14)
	if !chatHasLine(v, "fresh-output") || chatHasLine(v, "stale-output") {
		t.Fatalf("want only the fresh run's output:\n%s", v)
	}
	if got := p.msgs[1]; got.state != chatCancelled || got.text != "" {
		t.Fatalf("the stale result changed the cancelled reply: %+v", got)
	}

	// A result arriving after a session switch is stale too.
	typeText(t, p, "!echo before-switch")
	run, _ := p.HandleKey(tuitest.Key("enter"))
	drive(t, p, p.Update(kit.SwitchSessionMsg{Name: "elsewhere"}))
	p.Update(run())
	if v := chatView(t, p, 60, 14); strings.Contains(v, "before-switch") {
		t.Fatalf("the old view's result reached the new session:\n%s", v)
	}
}

func TestChatCancel(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	if p.Cancel() {
		t.Fatal("Cancel with nothing running returned true")
	}
	typeText(t, p, "!echo started; sleep 20")
	cmd, _ := p.HandleKey(tuitest.Key("enter"))
	done := make(chan tea.Msg, 1)
	start := time.Now()
	go func() { done <- cmd() }()
	// The pane keeps what arrived; give it some partial text.
	p.Update(kit.CoreEventMsg{Event: events.Token{TurnID: string(p.turnID), Text: "partial answer"}})
	if !p.Cancel() {
		t.Fatal("Cancel with a run in flight returned false")
	}
	if p.Cancel() {
		t.Fatal("a second Cancel returned true")
	}
	if v := chatView(t, p, 60, 10); !chatHasLine(v, "partial answer") || !chatHasLine(v, "[cancelled]") {
		t.Fatalf("the cancelled reply lost its text or its marker:\n%s", v)
	}
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled command did not stop")
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("the run was not cancelled")
	}
	out := drive(t, p, func() tea.Msg { return msg })
	v := chatView(t, p, 60, 10)
	if !chatHasLine(v, "[cancelled]") || strings.Contains(v, "✗") {
		t.Fatalf("the late result of a cancelled run turned it into a failure:\n%s", v)
	}
	if e := chatToasts(out, kit.ToastError); len(e) != 0 {
		t.Fatalf("a cancel raised error toasts: %q", e)
	}
	if p.msgs[1].meta == "" {
		t.Fatal("the cancelled run's meta (route, cost) was not kept")
	}
}

func TestChatInfoToggle(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatSend(t, p, "!echo hi")
	if v := chatView(t, p, 80, 10); strings.Contains(v, "shell-prefix ·") {
		t.Fatalf("meta line shown before the toggle:\n%s", v)
	}
	if _, handled := p.HandleKey(tuitest.Key("alt+i")); !handled {
		t.Fatal("alt+i not handled")
	}
	v := chatView(t, p, 80, 10)
	if !strings.Contains(v, "shell-prefix · ") || !strings.Contains(v, " · - · 0 tok · $0.0000 · ") {
		t.Fatalf("meta line (route · tier · model · tokens · $cost · latency) missing:\n%s", v)
	}
	p.HandleKey(tuitest.Key("alt+i"))
	if v := chatView(t, p, 80, 10); strings.Contains(v, "shell-prefix ·") {
		t.Fatalf("meta line still shown after the second toggle:\n%s", v)
	}
}

func TestChatSwitchSessionLoadsHistory(t *testing.T) {
	p, env := chatNewPane(t, nil)
	ctx := context.Background()
	res := env.b.Run(ctx, kernel.Request{Input: "!echo from-history", Session: "work", Source: kernel.SourceCLI})
	if !res.Success {
		t.Fatalf("seeding the session failed: %+v", res)
	}
	if p.Title() != "chat · (no session)" {
		t.Fatalf("title %q", p.Title())
	}
	cmd := p.Update(kit.SwitchSessionMsg{Name: "work"})
	if cmd == nil {
		t.Fatal("switching sessions loads nothing")
	}
	msgs := drive(t, p, cmd)
	if len(msgs) != 1 || msgs[0] != (kit.SessionChangedMsg{Name: "work"}) {
		t.Fatalf("want kit.SessionChangedMsg{work}, got %#v", msgs)
	}
	if p.Title() != "chat · work" {
		t.Fatalf("title %q", p.Title())
	}
	v := chatView(t, p, 60, 10)
	if !strings.Contains(v, "› !echo from-history") || !chatHasLine(v, "from-history") {
		t.Fatalf("the session's history is not shown:\n%s", v)
	}
	// New requests go to the session shown.
	chatSend(t, p, "!echo more")
	s, ok, err := env.db.SessionByName(ctx, "work")
	if err != nil || !ok {
		t.Fatal(err)
	}
	entries, err := env.db.RecentEntries(ctx, s.ID, 0)
	if err != nil || len(entries) != 4 || entries[2].Content != "!echo more" {
		t.Fatalf("the request did not land in session work: %+v %v", entries, err)
	}

	// A load overtaken by a newer switch is dropped.
	first := p.Update(kit.SwitchSessionMsg{Name: "work"})
	second := p.Update(kit.SwitchSessionMsg{Name: "empty"})
	drive(t, p, second)
	p.Update(first())
	if v := chatView(t, p, 60, 10); strings.Contains(v, "from-history") || p.Title() != "chat · empty" {
		t.Fatalf("a stale history load replaced the newer session:\n%s", v)
	}
	// "" is a fresh conversation without a stored session.
	msgs = drive(t, p, p.Update(kit.SwitchSessionMsg{Name: ""}))
	if len(msgs) != 1 || msgs[0] != (kit.SessionChangedMsg{Name: ""}) || p.Title() != "chat · (no session)" || len(p.msgs) != 0 {
		t.Fatalf("switching to no session: %#v, title %q, %d messages", msgs, p.Title(), len(p.msgs))
	}
}

func TestChatCopy(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	cmd, _ := p.HandleKey(tuitest.Key("alt+y"))
	if msgs := drive(t, p, cmd); len(chatToasts(msgs, kit.ToastInfo)) != 1 {
		t.Fatalf("copying with nothing to copy: %#v", msgs)
	}
	chatSend(t, p, "!echo copied text")
	cmd, _ = p.HandleKey(tuitest.Key("alt+y"))
	msgs := drive(t, p, cmd)
	if len(msgs) != 1 || msgs[0] != (kit.CopyMsg{Text: "copied text", What: "message"}) {
		t.Fatalf("alt+y should copy the last reply, got %#v", msgs)
	}
	p.HandleKey(tuitest.Key("alt+up"))
	p.HandleKey(tuitest.Key("alt+up")) // the reply, then the request
	if v := chatView(t, p, 60, 10); !strings.Contains(v, "message 1/2") {
		t.Fatalf("the selection is not shown:\n%s", v)
	}
	cmd, _ = p.HandleKey(tuitest.Key("alt+y"))
	if msgs := drive(t, p, cmd); len(msgs) != 1 || msgs[0] != (kit.CopyMsg{Text: "!echo copied text", What: "message"}) {
		t.Fatalf("alt+y should copy the selected message, got %#v", msgs)
	}
	if _, handled := p.HandleKey(tuitest.Key("esc")); !handled || p.selected != -1 {
		t.Fatal("esc did not clear the selection")
	}
}

func TestChatScrollsAndSticksToBottom(t *testing.T) {
	p, env := chatNewPane(t, nil)
	ctx := context.Background()
	s, err := env.db.EnsureSession(ctx, "long")
	if err != nil {
		t.Fatal(err)
	}
	var entries []store.Entry
	for i := range 60 {
		entries = append(entries,
			store.Entry{Role: store.RoleUser, Content: fmt.Sprintf("!echo line-%02d", i), Skill: "shell"},
			store.Entry{Role: store.RoleAssistant, Content: fmt.Sprintf("line-%02d", i), Skill: "shell"})
	}
	if err := env.db.AppendEntries(ctx, s.ID, entries...); err != nil {
		t.Fatal(err)
	}
	drive(t, p, p.Update(kit.SwitchSessionMsg{Name: "long"}))
	const w, h = 60, 12
	v := chatView(t, p, w, h)
	if !chatHasLine(v, "line-59") || chatHasLine(v, "line-50") {
		t.Fatalf("the view does not start at the bottom:\n%s", v)
	}
	// Sending jumps to the bottom; scrolled up while it runs, the output
	// arriving does not move the view.
	typeText(t, p, "!echo newest")
	run, _ := p.HandleKey(tuitest.Key("enter"))
	p.HandleKey(tuitest.Key("pgup"))
	v = chatView(t, p, w, h)
	if chatHasLine(v, "line-59") || !strings.Contains(v, "↓ more below") {
		t.Fatalf("pgup did not scroll up:\n%s", v)
	}
	conversation := func(v string) string { return v[:strings.Index(v, "──")] }
	before := conversation(v)
	p.Update(kit.CoreEventMsg{Event: events.Token{TurnID: string(p.turnID), Text: "streamed\nmore\n"}})
	drive(t, p, run)
	if v := chatView(t, p, w, h); conversation(v) != before {
		t.Fatalf("new output moved a view the user scrolled:\n%s\nwas:\n%s", v, before)
	}
	for range 5 {
		p.HandleKey(tuitest.Key("pgdown"))
	}
	v = chatView(t, p, w, h)
	if !chatHasLine(v, "newest") || strings.Contains(v, "↓ more below") {
		t.Fatalf("pgdown to the end does not follow again:\n%s", v)
	}
	p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if v := chatView(t, p, w, h); chatHasLine(v, "newest") {
		t.Fatalf("the wheel did not scroll up:\n%s", v)
	}
	p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if v := chatView(t, p, w, h); !chatHasLine(v, "newest") {
		t.Fatalf("the wheel did not scroll back down:\n%s", v)
	}
	// Selecting an old message brings it into view.
	for range 10 {
		p.HandleKey(tuitest.Key("alt+up"))
	}
	if v := chatView(t, p, w, h); !strings.Contains(v, "▌ line-56") && !strings.Contains(v, "▌ !echo line-56") {
		t.Fatalf("the selected message is not in view:\n%s", v)
	}
}

func TestChatRebindAndKeys(t *testing.T) {
	p, _ := chatNewPane(t, map[string][]string{"info": {"f2"}, "copy": {}})
	actions := map[string]bool{}
	for _, b := range p.Keys() {
		actions[b.Action] = true
		if b.Help().Desc == "" {
			t.Fatalf("binding %s has no help text", b.Action)
		}
	}
	for _, a := range []string{"send", "newline", "history-prev", "history-next", "scroll-up", "scroll-down", "info", "copy", "clear-input"} {
		if !actions[a] {
			t.Fatalf("Keys() lacks %q", a)
		}
	}
	if !p.Capturing() {
		t.Fatal("the chat pane always takes typed text")
	}
	p.HandleKey(tuitest.Key("f2"))
	if !p.showInfo {
		t.Fatal("the rebound info key did not toggle")
	}
	if _, handled := p.HandleKey(tuitest.Key("alt+i")); handled || !p.showInfo {
		t.Fatal("the old info key still works after the rebind")
	}
	if _, handled := p.HandleKey(tuitest.Key("alt+y")); handled {
		t.Fatal("an unbound action still has its key")
	}
}

func TestChatPasteAndFocus(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	p.Update(tea.PasteMsg{Content: "pasted\r\nlines\tand a tab"})
	if got := p.input.Value(); got != "pasted\nlines    and a tab" {
		t.Fatalf("paste gave %q", got)
	}
	p.input.Reset()
	cmd := p.Update(tea.PasteMsg{Content: strings.Repeat("x", 1<<20)})
	if got := len(p.input.Value()); got != editor.MaxBytes {
		t.Fatalf("a megabyte pasted left %d bytes in the input; want the cap, %d", got, editor.MaxBytes)
	}
	if cmd == nil {
		t.Fatal("a paste cut short said nothing")
	}
	if toast, ok := cmd().(kit.ToastMsg); !ok || !strings.Contains(toast.Text, "cut") {
		t.Fatalf("a paste cut short gave %#v; want a toast saying so", toast)
	}
	p.input.Reset()
	p.View(40, 10, false) // another pane has the focus
	p.Update(tea.PasteMsg{Content: "not mine"})
	if strings.Contains(p.input.Value(), "not mine") {
		t.Fatal("a paste reached the chat while it had no focus")
	}
}

func TestChatModelAnswerStreamsAsMarkdown(t *testing.T) {
	srv := providertest.New(t)
	env := chatNewEnv(t, func(cfg *config.Config) kernel.ModelFactory {
		return func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }
	}, "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano")
	answer := "Here is how.\n\n# Listing files\n\nUse `os.ReadDir`:\n\n```go\nentries, _ := os.ReadDir(\".\")\n```\n\n- fast\n- simple"
	srv.Script(providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9,"reasoning":"test"}`},
		providertest.Reply{Content: answer, Chunks: []string{"Here is how.\n\n", "# Listing files\n\n", "Use `os.ReadDir`:\n\n",
			"```go\nentries, _ := os.ReadDir(\".\")\n```\n\n", "- fast\n- simple"}, ChunkDelay: 60 * time.Millisecond})
	subCtx, endSub := context.WithCancel(context.Background())
	defer endSub()
	sub := env.bus.SubscribeWith(subCtx, events.SubscribeOptions[events.Event]{})

	p := New(env.b, tuitest.Styles(t, ""), nil)
	typeText(t, p, "how do I list files in go")
	cmd, _ := p.HandleKey(tuitest.Key("enter"))
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var result tea.Msg
	sawPartial := false
	for result == nil {
		select {
		case e := <-sub.C:
			// The test is the bridge: core events go into Update.
			p.Update(kit.CoreEventMsg{Event: e})
			if tk, ok := e.(events.Token); ok && !sawPartial {
				if !strings.Contains(chatView(t, p, 70, 24), "Here is how.") {
					t.Fatalf("the first streamed text (%q) is not shown", tk.Text)
				}
				sawPartial = true
			}
		case result = <-done:
		case <-time.After(15 * time.Second):
			t.Fatal("the model run did not finish")
		}
	}
	if !sawPartial {
		t.Fatal("no token events for the pane's turn")
	}
	drive(t, p, func() tea.Msg { return result })
	p.HandleKey(tuitest.Key("alt+i"))
	v := chatView(t, p, 70, 24)
	for _, want := range []string{"Listing files", "Use os.ReadDir:", "│ entries, _ := os.ReadDir(\".\")", "- fast", "- simple"} {
		if !chatHasLine(v, want) {
			t.Fatalf("the answer lacks the rendered line %q:\n%s", want, v)
		}
	}
	for _, bad := range []string{"# Listing", "```", "`os.ReadDir`"} {
		if strings.Contains(v, bad) {
			t.Fatalf("Markdown syntax %q left in the answer:\n%s", bad, v)
		}
	}
	if !strings.Contains(v, " · nano · m-nano · ") {
		t.Fatalf("the meta line lacks the tier and model:\n%s", v)
	}
}

func TestChatViewFitsEverySize(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatSend(t, p, "!printf 'a very long line of output that will need to be cut somewhere\\n\\tand a tab'")
	typeText(t, p, "a long input line that wraps in a narrow pane, and then some")
	for _, size := range [][2]int{{1, 1}, {2, 2}, {5, 3}, {10, 4}, {20, 6}, {33, 7}, {80, 24}, {200, 3}} {
		chatView(t, p, size[0], size[1])
	}
}

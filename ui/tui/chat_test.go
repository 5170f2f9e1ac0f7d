package tui

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
	"github.com/macroa/macroa/themes"
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

func chatTestStyles(t testing.TB) Styles {
	t.Helper()
	th, err := themes.Load("", "")
	if err != nil {
		t.Fatal(err)
	}
	return NewStyles(th)
}

func chatNewPane(t testing.TB, keys map[string][]string) (*ChatPane, chatEnv) {
	t.Helper()
	env := chatNewEnv(t, nil)
	return NewChatPane(env.b, chatTestStyles(t), keys), env
}

// chatKey builds a key press from its name: "enter", "alt+enter", "up",
// "ctrl+j", "a".
func chatKey(s string) tea.KeyPressMsg {
	var mod tea.KeyMod
	for {
		if rest, ok := strings.CutPrefix(s, "alt+"); ok && rest != "" {
			mod, s = mod|tea.ModAlt, rest
			continue
		}
		if rest, ok := strings.CutPrefix(s, "ctrl+"); ok && rest != "" {
			mod, s = mod|tea.ModCtrl, rest
			continue
		}
		break
	}
	codes := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "home": tea.KeyHome, "end": tea.KeyEnd,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "backspace": tea.KeyBackspace, "tab": tea.KeyTab,
		"f2": tea.KeyF2,
	}
	if c, ok := codes[s]; ok {
		return tea.KeyPressMsg{Code: c, Mod: mod}
	}
	r := []rune(s)[0]
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: s}
}

// press sends key presses; it returns the last command and whether the
// pane handled every key.
func chatPress(p *ChatPane, keys ...string) (tea.Cmd, bool) {
	var cmd tea.Cmd
	all := true
	for _, k := range keys {
		var handled bool
		cmd, handled = p.HandleKey(chatKey(k))
		all = all && handled
	}
	return cmd, all
}

// typeText types text one key press per character.
func chatType(t *testing.T, p *ChatPane, text string) {
	t.Helper()
	for _, r := range text {
		if _, handled := p.HandleKey(tea.KeyPressMsg{Code: r, Text: string(r)}); !handled {
			t.Fatalf("typing %q was not handled", r)
		}
	}
}

// chatDo runs a command the way the Bubble Tea runtime would: batches are
// opened, the pane's own results go back into its Update, and every other
// message (toasts, SessionChangedMsg, CopyMsg) is returned.
func chatDo(t testing.TB, p *ChatPane, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		case runDoneMsg, historyLoadedMsg:
			queue = append(queue, p.Update(m))
		default:
			out = append(out, m)
		}
	}
	return out
}

// send types text, presses enter and runs the request to the end.
func chatSend(t *testing.T, p *ChatPane, text string) []tea.Msg {
	t.Helper()
	chatType(t, p, text)
	cmd, _ := chatPress(p, "enter")
	if cmd == nil {
		t.Fatalf("enter on %q started nothing", text)
	}
	return chatDo(t, p, cmd)
}

// view draws the pane, checks it is exactly w × h cells and returns it
// without ANSI.
func chatView(t testing.TB, p *ChatPane, w, h int) string {
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

func chatToasts(msgs []tea.Msg, level ToastLevel) []string {
	var out []string
	for _, m := range msgs {
		if t, ok := m.(ToastMsg); ok && t.Level == level {
			out = append(out, t.Text)
		}
	}
	return out
}

func TestChatShellCommandRuns(t *testing.T) {
	p, env := chatNewPane(t, nil)
	chatType(t, p, "!echo hi")
	if v := chatView(t, p, 60, 10); !strings.Contains(v, "› !echo hi") {
		t.Fatalf("the input does not show what was typed:\n%s", v)
	}
	cmd, handled := chatPress(p, "enter")
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
	msgs := chatDo(t, p, cmd)
	if p.Running() {
		t.Fatal("still running after the result")
	}
	v = chatView(t, p, 60, 10)
	if !chatHasLine(v, "hi") {
		t.Fatalf("the command's output is not shown:\n%s", v)
	}
	if e := chatToasts(msgs, ToastError); len(e) != 0 {
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
	if e := chatToasts(msgs, ToastError); len(e) != 0 {
		t.Fatalf("a failing shell command should speak for itself, got toasts %q", e)
	}
}

func TestChatHistoryUpDown(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatSend(t, p, "!echo one")
	chatSend(t, p, "!echo two")
	chatType(t, p, "draft")
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
		if _, handled := chatPress(p, s.key); !handled {
			t.Fatalf("step %d: %s not handled", i, s.key)
		}
		if got := p.input.Value(); got != s.want {
			t.Fatalf("step %d (%s): input %q, want %q", i, s.key, got, s.want)
		}
	}

	// In a multi-line input, up and down move between its lines first.
	p.input.Reset()
	chatType(t, p, "first")
	chatPress(p, "alt+enter")
	chatType(t, p, "second")
	chatPress(p, "up")
	if p.input.Value() != "first\nsecond" || !p.input.OnFirstLine() {
		t.Fatalf("up on the second line recalled history: %q", p.input.Value())
	}
	chatPress(p, "up")
	if p.input.Value() != "!echo two" {
		t.Fatalf("up on the first line did not recall history: %q", p.input.Value())
	}
	chatPress(p, "down")
	if p.input.Value() != "first\nsecond" {
		t.Fatalf("down did not bring the draft back: %q", p.input.Value())
	}
}

func TestChatMultilineInput(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatType(t, p, "!echo first")
	chatPress(p, "alt+enter")
	chatType(t, p, "echo second")
	chatPress(p, "ctrl+j")
	chatType(t, p, "echo third")
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
	chatPress(p, "home", "backspace")
	if got := p.input.Value(); got != "!echo first\necho secondecho third" {
		t.Fatalf("after home, backspace: %q", got)
	}
	chatPress(p, "ctrl+j")
	cmd, _ := chatPress(p, "enter")
	chatDo(t, p, cmd)
	v = chatView(t, p, 50, 12)
	for _, want := range []string{"first", "second", "third"} {
		if !chatHasLine(v, want) {
			t.Fatalf("the three-line script's output lacks %q:\n%s", want, v)
		}
	}
}

func TestChatEscClearsThenBacksOut(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatType(t, p, "half a thought")
	if _, handled := chatPress(p, "esc"); !handled || !p.input.Empty() {
		t.Fatalf("esc did not clear the input: handled=%v input=%q", handled, p.input.Value())
	}
	if _, handled := chatPress(p, "esc"); handled {
		t.Fatal("esc on an empty input must let the root back out")
	}
	if _, handled := chatPress(p, "tab"); handled {
		t.Fatal("tab must stay the root's (next pane)")
	}
}

func TestChatStreamingTokens(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatType(t, p, "tell me something")
	cmd, _ := chatPress(p, "enter")
	turn := string(p.turnID)
	if turn == "" || cmd == nil {
		t.Fatal("no turn in flight")
	}
	tok := func(turn, text string) { p.Update(CoreEventMsg{Event: events.Token{TurnID: turn, Text: text}}) }

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
	p.Update(CoreEventMsg{Event: events.StreamReset{TurnID: turn, Reason: "retry"}})
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
	msgs := chatDo(t, p, cmd)
	v = chatView(t, p, 60, 12)
	if !strings.Contains(v, "✗ this request needs a language model") {
		t.Fatalf("the provider error is not shown as a marked reply:\n%s", v)
	}
	if e := chatToasts(msgs, ToastError); len(e) != 1 || !strings.Contains(e[0], "needs a language model") {
		t.Fatalf("want one error toast with the sentence, got %q", e)
	}
	tok(turn, "LATE")
	if v := chatView(t, p, 60, 12); strings.Contains(v, "LATE") {
		t.Fatal("tokens after the result reached the finished reply")
	}
}

func TestChatStaleResultsDropped(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	chatType(t, p, "!echo stale-output")
	stale, _ := chatPress(p, "enter")
	if !p.Cancel() {
		t.Fatal("Cancel with a run in flight returned false")
	}
	chatType(t, p, "!echo fresh-output")
	fresh, _ := chatPress(p, "enter")
	staleMsg := stale()
	// A result with an older seq is dropped even when it names the turn.
	p.Update(runDoneMsg{seq: p.runSeq - 1, turnID: p.turnID, res: kernel.Result{Output: "forged", Success: true}})
	if !p.Running() || p.runReply().text == "forged" {
		t.Fatal("a result with a stale seq was taken")
	}
	chatDo(t, p, fresh)
	p.Update(staleMsg) // arrives last, belongs to a run the pane moved past
	v := chatView(t, p, 60, 14)
	if !chatHasLine(v, "fresh-output") || chatHasLine(v, "stale-output") {
		t.Fatalf("want only the fresh run's output:\n%s", v)
	}
	if got := p.msgs[1]; got.state != chatCancelled || got.text != "" {
		t.Fatalf("the stale result changed the cancelled reply: %+v", got)
	}

	// A result arriving after a session switch is stale too.
	chatType(t, p, "!echo before-switch")
	run, _ := chatPress(p, "enter")
	chatDo(t, p, p.Update(SwitchSessionMsg{Name: "elsewhere"}))
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
	chatType(t, p, "!echo started; sleep 20")
	cmd, _ := chatPress(p, "enter")
	done := make(chan tea.Msg, 1)
	start := time.Now()
	go func() { done <- cmd() }()
	// The pane keeps what arrived; give it some partial text.
	p.Update(CoreEventMsg{Event: events.Token{TurnID: string(p.turnID), Text: "partial answer"}})
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
	out := chatDo(t, p, func() tea.Msg { return msg })
	v := chatView(t, p, 60, 10)
	if !chatHasLine(v, "[cancelled]") || strings.Contains(v, "✗") {
		t.Fatalf("the late result of a cancelled run turned it into a failure:\n%s", v)
	}
	if e := chatToasts(out, ToastError); len(e) != 0 {
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
	if _, handled := chatPress(p, "alt+i"); !handled {
		t.Fatal("alt+i not handled")
	}
	v := chatView(t, p, 80, 10)
	if !strings.Contains(v, "shell-prefix · ") || !strings.Contains(v, " · - · 0 tok · $0.0000 · ") {
		t.Fatalf("meta line (route · tier · model · tokens · $cost · latency) missing:\n%s", v)
	}
	chatPress(p, "alt+i")
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
	cmd := p.Update(SwitchSessionMsg{Name: "work"})
	if cmd == nil {
		t.Fatal("switching sessions loads nothing")
	}
	msgs := chatDo(t, p, cmd)
	if len(msgs) != 1 || msgs[0] != (SessionChangedMsg{Name: "work"}) {
		t.Fatalf("want SessionChangedMsg{work}, got %#v", msgs)
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
	first := p.Update(SwitchSessionMsg{Name: "work"})
	second := p.Update(SwitchSessionMsg{Name: "empty"})
	chatDo(t, p, second)
	p.Update(first())
	if v := chatView(t, p, 60, 10); strings.Contains(v, "from-history") || p.Title() != "chat · empty" {
		t.Fatalf("a stale history load replaced the newer session:\n%s", v)
	}
	// "" is a fresh conversation without a stored session.
	msgs = chatDo(t, p, p.Update(SwitchSessionMsg{Name: ""}))
	if len(msgs) != 1 || msgs[0] != (SessionChangedMsg{Name: ""}) || p.Title() != "chat · (no session)" || len(p.msgs) != 0 {
		t.Fatalf("switching to no session: %#v, title %q, %d messages", msgs, p.Title(), len(p.msgs))
	}
}

func TestChatCopy(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	cmd, _ := chatPress(p, "alt+y")
	if msgs := chatDo(t, p, cmd); len(chatToasts(msgs, ToastInfo)) != 1 {
		t.Fatalf("copying with nothing to copy: %#v", msgs)
	}
	chatSend(t, p, "!echo copied text")
	cmd, _ = chatPress(p, "alt+y")
	msgs := chatDo(t, p, cmd)
	if len(msgs) != 1 || msgs[0] != (CopyMsg{Text: "copied text", What: "message"}) {
		t.Fatalf("alt+y should copy the last reply, got %#v", msgs)
	}
	chatPress(p, "alt+up", "alt+up") // the reply, then the request
	if v := chatView(t, p, 60, 10); !strings.Contains(v, "message 1/2") {
		t.Fatalf("the selection is not shown:\n%s", v)
	}
	cmd, _ = chatPress(p, "alt+y")
	if msgs := chatDo(t, p, cmd); len(msgs) != 1 || msgs[0] != (CopyMsg{Text: "!echo copied text", What: "message"}) {
		t.Fatalf("alt+y should copy the selected message, got %#v", msgs)
	}
	if _, handled := chatPress(p, "esc"); !handled || p.selected != -1 {
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
	chatDo(t, p, p.Update(SwitchSessionMsg{Name: "long"}))
	const w, h = 60, 12
	v := chatView(t, p, w, h)
	if !chatHasLine(v, "line-59") || chatHasLine(v, "line-50") {
		t.Fatalf("the view does not start at the bottom:\n%s", v)
	}
	// Sending jumps to the bottom; scrolled up while it runs, the output
	// arriving does not move the view.
	chatType(t, p, "!echo newest")
	run, _ := chatPress(p, "enter")
	chatPress(p, "pgup")
	v = chatView(t, p, w, h)
	if chatHasLine(v, "line-59") || !strings.Contains(v, "↓ more below") {
		t.Fatalf("pgup did not scroll up:\n%s", v)
	}
	conversation := func(v string) string { return v[:strings.Index(v, "──")] }
	before := conversation(v)
	p.Update(CoreEventMsg{Event: events.Token{TurnID: string(p.turnID), Text: "streamed\nmore\n"}})
	chatDo(t, p, run)
	if v := chatView(t, p, w, h); conversation(v) != before {
		t.Fatalf("new output moved a view the user scrolled:\n%s\nwas:\n%s", v, before)
	}
	for range 5 {
		chatPress(p, "pgdown")
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
		chatPress(p, "alt+up")
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
	chatPress(p, "f2")
	if !p.showInfo {
		t.Fatal("the rebound info key did not toggle")
	}
	if _, handled := chatPress(p, "alt+i"); handled || !p.showInfo {
		t.Fatal("the old info key still works after the rebind")
	}
	if _, handled := chatPress(p, "alt+y"); handled {
		t.Fatal("an unbound action still has its key")
	}
}

func TestChatPasteAndFocus(t *testing.T) {
	p, _ := chatNewPane(t, nil)
	p.Update(tea.PasteMsg{Content: "pasted\r\nlines\tand a tab"})
	if got := p.input.Value(); got != "pasted\nlines    and a tab" {
		t.Fatalf("paste gave %q", got)
	}
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

	p := NewChatPane(env.b, chatTestStyles(t), nil)
	chatType(t, p, "how do I list files in go")
	cmd, _ := chatPress(p, "enter")
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var result tea.Msg
	sawPartial := false
	for result == nil {
		select {
		case e := <-sub.C:
			// The test is the bridge: core events go into Update.
			p.Update(CoreEventMsg{Event: e})
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
	chatDo(t, p, func() tea.Msg { return result })
	chatPress(p, "alt+i")
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
	chatType(t, p, "a long input line that wraps in a narrow pane, and then some")
	for _, size := range [][2]int{{1, 1}, {2, 2}, {5, 3}, {10, 4}, {20, 6}, {33, 7}, {80, 24}, {200, 3}} {
		chatView(t, p, size[0], size[1])
	}
}

package chat

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// chatLoop runs a pane the way the Bubble Tea runtime does when commands
// block (a run waiting for an answer): each command runs on its own
// goroutine and its message comes back to the test's goroutine, the only
// one that calls Update, HandleKey and View. With a bus, core events come
// through the real Bridge.
type chatLoop struct {
	t    *testing.T
	p    *Pane
	msgs chan tea.Msg
	root []tea.Msg // messages for the root: toasts, focus
}

func newChatLoop(t *testing.T, p *Pane, bus *events.Bus) *chatLoop {
	l := &chatLoop{t: t, p: p, msgs: make(chan tea.Msg, 4096)}
	if bus != nil {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		sub := bus.SubscribeWith(ctx, events.SubscribeOptions[events.Event]{Name: "test", Buffer: 4096}).C
		go func() {
			for e := range sub {
				l.msgs <- kit.CoreEventMsg{Event: e}
			}
		}()
	}
	return l
}

func (l *chatLoop) do(cmd tea.Cmd) {
	if cmd != nil {
		go func() { l.msgs <- cmd() }()
	}
}

func (l *chatLoop) deliver(m tea.Msg) {
	switch m := m.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			l.do(c)
		}
	case kit.ToastMsg, kit.FocusPaneMsg, kit.SessionChangedMsg:
		l.root = append(l.root, m)
	default:
		l.do(l.p.Update(m))
	}
}

// until delivers messages until cond holds; it fails when nothing makes it
// hold for a long while.
func (l *chatLoop) until(what string, cond func() bool) {
	l.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond() {
		select {
		case m := <-l.msgs:
			l.deliver(m)
		case <-deadline:
			l.t.Fatalf("waiting for %s: it never happened", what)
		}
	}
}

func (l *chatLoop) key(k string) {
	cmd, _ := l.p.HandleKey(tuitest.Key(k))
	l.do(cmd)
}

// send types a request and starts it.
func (l *chatLoop) send(text string) {
	l.t.Helper()
	l.p.input.SetValue(text)
	cmd, _ := l.p.HandleKey(tuitest.Key("enter"))
	if cmd == nil {
		l.t.Fatalf("%q did not start", text)
	}
	l.do(cmd)
}

// waiting reports whether a request is shown, and whether it can be
// answered yet.
func (l *chatLoop) waiting() bool { return l.p.approval != nil }
func (l *chatLoop) armed() bool   { return l.p.approval != nil && l.p.approval.armed }

// askingBackend is a core whose every run asks about each of its commands
// in turn (as an agent proposing them would) and reports each answer.
type askingBackend struct {
	*app.App
	commands []string
	answers  chan string
}

func (b askingBackend) Run(ctx context.Context, req kernel.Request) kernel.Result {
	var got []string
	for _, c := range b.commands {
		ok := req.Confirm(ctx, c, "the agent proposed it, and it changes files")
		b.answers <- fmt.Sprintf("%s=%v", c, ok)
		got = append(got, fmt.Sprintf("%s=%v", c, ok))
	}
	return kernel.Result{TurnID: req.TurnID, Output: strings.Join(got, "\n"), Success: ctx.Err() == nil, Route: "agent", Skill: "agent"}
}

func newAskingPane(t *testing.T, commands ...string) (*Pane, askingBackend) {
	t.Helper()
	env := chatNewEnv(t, nil)
	b := askingBackend{App: env.b, commands: commands, answers: make(chan string, len(commands))}
	return New(b, tuitest.Styles(t, ""), nil), b
}

// answer is the run's next answer, with the pane's messages delivered
// meanwhile.
func (l *chatLoop) answer(b askingBackend) string {
	l.t.Helper()
	var a string
	l.until("the run's answer", func() bool {
		select {
		case a = <-b.answers:
			return true
		default:
			return false
		}
	})
	return a
}

// records is what the conversation says about the requests of a run.
func records(p *Pane) []string {
	var out []string
	for _, m := range p.msgs {
		if m.ask != nil {
			out = append(out, strings.TrimSpace(ansi.Strip(strings.Join(m.render(400, p.st), "\n"))))
		}
	}
	return out
}

// TestChatApprovalKeys: each key's answer, through the real plumbing (the
// run's Confirm blocks on the kernel's goroutine until the key).
func TestChatApprovalKeys(t *testing.T) {
	tests := []struct {
		name      string
		early     []string // pressed before the prompt could be read
		keys      []string
		want      string
		record    string
		inputLeft string
	}{
		{name: "y runs it", keys: []string{"y"}, want: "touch x=true", record: "✓ approved: touch x"},
		{name: "n refuses", keys: []string{"n"}, want: "touch x=false", record: "✗ refused: touch x"},
		{name: "esc refuses", keys: []string{"esc"}, want: "touch x=false", record: "✗ refused: touch x"},
		{name: "enter refuses: the default", keys: []string{"enter"}, want: "touch x=false", record: "✗ refused: touch x"},
		{name: "typed text answers nothing and stays out of the input", keys: []string{"w", "h", "a", "t", "n"},
			want: "touch x=false", record: "✗ refused: touch x"},
		{name: "keys typed ahead answer nothing", early: []string{"y", "enter"}, keys: []string{"n"},
			want: "touch x=false", record: "✗ refused: touch x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, b := newAskingPane(t, "touch x")
			l := newChatLoop(t, p, nil)
			l.send("tidy up")
			l.until("the request", l.waiting)
			for _, k := range tc.early {
				l.key(k)
			}
			if !l.waiting() {
				t.Fatal("a key answered before the prompt could be read")
			}
			l.until("the prompt to arm", l.armed)
			v := chatView(t, p, 70, 20)
			if !strings.Contains(v, "touch x") || !strings.Contains(v, "y runs it · n/esc/enter refuses (default)") {
				t.Fatalf("the prompt does not show the command and the keys:\n%s", v)
			}
			for _, k := range tc.keys {
				l.key(k)
			}
			if got := l.answer(b); got != tc.want {
				t.Fatalf("answer %q, want %q", got, tc.want)
			}
			l.until("the result", func() bool { return !p.Running() })
			if r := records(p); len(r) != 1 || r[0] != tc.record {
				t.Fatalf("records %q, want %q", r, tc.record)
			}
			if p.input.Value() != tc.inputLeft {
				t.Fatalf("the input holds %q", p.input.Value())
			}
			var focus, toast bool
			for _, m := range l.root {
				_, isFocus := m.(kit.FocusPaneMsg)
				tm, isToast := m.(kit.ToastMsg)
				focus = focus || isFocus
				toast = toast || isToast && strings.Contains(tm.Text, "waits for your approval")
			}
			if !focus || !toast {
				t.Fatalf("the request did not take the focus (%v) or say so (%v): %v", focus, toast, l.root)
			}
		})
	}
}

// TestChatApprovalAsksEachProposal: a second proposal in the same run asks
// again; each answer is its own.
func TestChatApprovalAsksEachProposal(t *testing.T) {
	p, b := newAskingPane(t, "touch a", "rm b")
	l := newChatLoop(t, p, nil)
	l.send("do two things")
	l.until("the first request", l.armed)
	l.key("y")
	if got := l.answer(b); got != "touch a=true" {
		t.Fatalf("first answer %q", got)
	}
	l.until("the second request", func() bool { return l.armed() && l.p.approval.ask.command == "rm b" })
	l.key("n")
	if got := l.answer(b); got != "rm b=false" {
		t.Fatalf("second answer %q", got)
	}
	l.until("the result", func() bool { return !p.Running() })
	want := []string{"✓ approved: touch a", "✗ refused: rm b"}
	if r := records(p); strings.Join(r, "|") != strings.Join(want, "|") {
		t.Fatalf("records %q, want %q", r, want)
	}
	// The requests sit between the request and its answer.
	if len(p.msgs) != 4 || p.msgs[0].kind != chatUser || p.msgs[3].text != "touch a=true\nrm b=false" {
		t.Fatalf("conversation: %d messages, last %q", len(p.msgs), p.msgs[len(p.msgs)-1].text)
	}
}

// TestChatApprovalRefusedWithoutAnswer: ctrl+c, switching session and the
// run's context ending all refuse a request nobody answered.
func TestChatApprovalRefusedWithoutAnswer(t *testing.T) {
	t.Run("ctrl+c cancels the run and refuses", func(t *testing.T) {
		p, b := newAskingPane(t, "touch x")
		l := newChatLoop(t, p, nil)
		l.send("tidy up")
		l.until("the request", l.armed)
		if !p.Cancel() { // what the root's ctrl+c calls first
			t.Fatal("ctrl+c found no run to cancel")
		}
		if got := l.answer(b); got != "touch x=false" {
			t.Fatalf("answer %q", got)
		}
		l.until("the result", func() bool { return p.msgs[len(p.msgs)-1].text == "touch x=false" })
		if r := records(p); len(r) != 1 || r[0] != "✗ refused (the run was cancelled): touch x" {
			t.Fatalf("records %q", r)
		}
		if p.Running() || p.approval != nil || p.msgs[len(p.msgs)-1].state != chatCancelled {
			t.Fatal("the run is not shown as cancelled")
		}
	})
	t.Run("switching session refuses", func(t *testing.T) {
		p, b := newAskingPane(t, "touch x")
		l := newChatLoop(t, p, nil)
		l.send("tidy up")
		l.until("the request", l.armed)
		l.do(p.Update(kit.SwitchSessionMsg{Name: "other"}))
		if got := l.answer(b); got != "touch x=false" {
			t.Fatalf("answer %q", got)
		}
		if p.approval != nil || p.Running() {
			t.Fatal("the request or the run is still shown after the switch")
		}
	})
	t.Run("a proposal of a run the pane left is refused", func(t *testing.T) {
		p, b := newAskingPane(t, "touch x", "touch y")
		l := newChatLoop(t, p, nil)
		l.send("tidy up")
		l.until("the request", l.armed)
		l.key("y")
		if got := l.answer(b); got != "touch x=true" {
			t.Fatalf("answer %q", got)
		}
		l.do(p.Update(kit.SwitchSessionMsg{Name: "other"}))
		if got := l.answer(b); got != "touch y=false" {
			t.Fatalf("the old run's next proposal: %q", got)
		}
	})
	t.Run("a context that ends refuses", func(t *testing.T) {
		for _, read := range []bool{false, true} {
			run := newChatRun(1, "t")
			ctx, cancel := context.WithCancel(context.Background())
			got := make(chan bool, 1)
			go func() { got <- run.confirm(ctx, "touch x", "why") }()
			if read {
				if _, ok := (<-run.msgs).(approvalAskMsg); !ok {
					t.Fatal("confirm sent no request")
				}
			}
			cancel()
			select {
			case ok := <-got:
				if ok {
					t.Fatalf("read=%v: a cancelled context approved", read)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("read=%v: confirm still waits after its context ended", read)
			}
		}
	})
}

// TestChatApprovalShowsEverything: control characters in a proposal show
// as escapes, and a long one shows in full, however narrow the pane.
func TestChatApprovalShowsEverything(t *testing.T) {
	hostile := "rm -rf ~/x\x1b[2K\r harmless \u202e" + strings.Repeat("a", 150) + "\x07end"
	for _, w := range []int{12, 40, 80} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			p, _ := newAskingPane(t, hostile)
			l := newChatLoop(t, p, nil)
			chatView(t, p, w, 8)
			l.send("tidy up")
			l.until("the request", l.armed)
			// Taller than the view, the prompt shows from its start.
			if v := chatView(t, p, w, 8); !strings.Contains(v, "rm -rf") {
				t.Fatalf("the start of the command is not in view:\n%s", v)
			}
			raw := p.View(w, 40, true)
			if strings.ContainsAny(ansi.Strip(raw), "\r\x07\u202e") || strings.Contains(raw, "\x1b[2K") {
				t.Fatalf("a control character of the command reached the screen: %q", raw)
			}
			v := chatView(t, p, w, 40)
			var body strings.Builder
			for _, line := range strings.Split(v, "\n") {
				line = strings.TrimRight(line, " ")
				line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(line, "  "), "│ "), " │")
				body.WriteString(strings.TrimRight(line, " "))
			}
			// A wrapped line's last space is not told from padding: compare
			// without spaces.
			nospace := func(s string) string { return strings.ReplaceAll(s, " ", "") }
			if want := termsafe.Visible(hostile); !strings.Contains(nospace(body.String()), nospace(want)) {
				t.Fatalf("the command is not shown in full as %q:\n%s", want, v)
			}
			l.key("n")
		})
	}
}

// TestChatApprovalFlow: a real kernel run, the agent scripted to touch a
// canary file, waits for the person: n leaves no canary, y creates it.
func TestChatApprovalFlow(t *testing.T) {
	for _, tc := range []struct {
		key    string
		canary bool
	}{{"n", false}, {"y", true}} {
		t.Run(tc.key, func(t *testing.T) {
			srv := providertest.New(t)
			env := chatNewEnv(t, func(cfg *config.Config) kernel.ModelFactory {
				return func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }
			}, "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku")
			canary := filepath.Join(env.dir, "canary")
			srv.Script(
				providertest.Reply{Content: `{"skill":"agent","parameters":{},"confidence":0.9,"reasoning":"test"}`},
				providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: `{"command":"touch ` + canary + `"}`}}},
				providertest.Reply{Content: "done"},
			)
			p := New(env.b, tuitest.Styles(t, ""), nil)
			l := newChatLoop(t, p, env.bus)
			l.send("make a canary")
			l.until("the agent's request", l.armed)
			if got := p.approval.ask.command; got != "touch "+canary {
				t.Fatalf("asked about %q", got)
			}
			if _, err := os.Stat(canary); err == nil {
				t.Fatal("the command ran before the answer")
			}
			l.key(tc.key)
			l.until("the result", func() bool { return !p.Running() })
			_, err := os.Stat(canary)
			if ran := err == nil; ran != tc.canary {
				t.Fatalf("answer %s: canary exists=%v", tc.key, ran)
			}
			entries, err := env.db.RecentAudit(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			refusedLogged := false
			for _, e := range entries {
				refusedLogged = refusedLogged || strings.Contains(e.Error, "did not approve")
			}
			if refusedLogged == tc.canary {
				t.Fatalf("answer %s: the audit log says refused=%v", tc.key, refusedLogged)
			}
		})
	}
}

// TestChatShellOutputStreams: a command's first line shows in the pane,
// literally, while the command still runs (it waits on a FIFO the test
// writes only once the line is on screen).
func TestChatShellOutputStreams(t *testing.T) {
	env := chatNewEnv(t, nil)
	fifo := filepath.Join(env.dir, "go")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	p := New(env.b, tuitest.Styles(t, ""), nil)
	l := newChatLoop(t, p, env.bus)
	l.send("!echo '# first *line*'; read x < " + fifo + "; echo second $x")
	l.until("the first line on screen", func() bool { return chatHasLine(chatView(t, p, 70, 16), "# first *line*") })
	if !p.Running() || p.runReply().kind != chatShell {
		t.Fatalf("running=%v kind=%v: the line did not come while the command ran, as command output", p.Running(), p.runReply().kind)
	}
	if err := os.WriteFile(fifo, []byte("go\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l.until("the result", func() bool { return !p.Running() })
	if m := p.runReply(); m.text != "# first *line*\nsecond go" || m.state != chatDone {
		t.Fatalf("final reply %q state %v", m.text, m.state)
	}
	if v := chatView(t, p, 70, 16); !chatHasLine(v, "# first *line*") || !chatHasLine(v, "second go") {
		t.Fatalf("the output is not shown literally:\n%s", v)
	}
}

// A terminal that changes size while a request waits brings the command
// back into view and disarms the keys: the y pressed right after a shrink
// answers nothing; once the request could be read again, keys answer.
func TestChatApprovalResizeDisarms(t *testing.T) {
	p, b := newAskingPane(t, strings.Repeat("touch x; ", 30)+"echo end")
	l := newChatLoop(t, p, nil)
	l.send("tidy up")
	l.until("the request", l.waiting)
	chatView(t, p, 100, 40)
	l.until("the prompt to arm", l.armed)

	v := chatView(t, p, 40, 12) // the terminal shrinks
	if !strings.Contains(v, "touch x") {
		t.Fatalf("after the shrink the command is out of view:\n%s", v)
	}
	l.key("y")
	if !l.waiting() {
		t.Fatal("a y pressed right after the resize approved the command")
	}
	l.until("the prompt to arm again", l.armed)
	l.key("n")
	if got := l.answer(b); !strings.HasSuffix(got, "=false") {
		t.Fatalf("answer %q, want a refusal", got)
	}
}

// TestChatApprovalKeysRebind: approve takes the user's key and loses its
// default.
func TestChatApprovalKeysRebind(t *testing.T) {
	p, _ := chatNewPane(t, map[string][]string{"approve": {"alt+a"}})
	if !kit.Matches(p.Keys(), "approve", "alt+a") || kit.Matches(p.Keys(), "approve", "y") {
		t.Fatal("approve does not rebind")
	}
}

// TestChatApprovalReadOnly: with the dangerous bindings stripped there is
// no approve key, so a request is refused at once, the conversation and a
// toast say the cockpit is read-only, and a y answers nothing.
func TestChatApprovalReadOnly(t *testing.T) {
	p, b := newAskingPane(t, "touch x", "touch y")
	p.SetKeys(kit.ReadOnly(p.Keys()))
	if kit.Matches(p.Keys(), "approve", "y") || !kit.Matches(p.Keys(), "refuse", "n") {
		t.Fatal("read-only keeps approve or loses refuse")
	}
	l := newChatLoop(t, p, nil)
	l.send("tidy up")
	if got := l.answer(b); got != "touch x=false" {
		t.Fatalf("first answer %q, want a refusal without asking", got)
	}
	l.key("y")
	if got := l.answer(b); got != "touch y=false" {
		t.Fatalf("second answer %q", got)
	}
	l.until("the result", func() bool { return !p.Running() })
	want := "✗ refused (the cockpit is read-only): touch x|✗ refused (the cockpit is read-only): touch y"
	if r := records(p); strings.Join(r, "|") != want || l.waiting() {
		t.Fatalf("records %q (waiting %v), want %q", r, l.waiting(), want)
	}
	toasts := 0
	for _, m := range l.root {
		if tm, ok := m.(kit.ToastMsg); ok && strings.Contains(tm.Text, "the cockpit is read-only") {
			toasts++
		}
		if _, ok := m.(kit.FocusPaneMsg); ok {
			t.Fatal("a refused request took the focus")
		}
	}
	if toasts != 2 {
		t.Fatalf("%d read-only toasts, want 2: %v", toasts, l.root)
	}
	if v := chatView(t, p, 100, 20); !strings.Contains(v, "refused (the cockpit is read-only): touch x") {
		t.Fatalf("the conversation does not say why:\n%s", v)
	}
}

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
	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
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

// askingBackend is a core whose every run proposes each of its actions in
// turn to the real approval queue of the *app.App it embeds (as an agent
// proposing them would) and reports what became of each: the entry's
// state when the ask returned.
type askingBackend struct {
	*app.App
	proposals []actions.Action
	answers   chan string
	// hold, when not nil, keeps the run from ending until it is closed.
	hold chan struct{}
}

func (b askingBackend) Run(ctx context.Context, req kernel.Request) kernel.Result {
	var got []string
	for _, a := range b.proposals {
		answer := "nobody could be asked"
		if req.Ask != nil {
			ans, err := req.Ask(ctx, approvals.Proposal{Action: a, Proposer: approvals.ByAgent,
				Why: "the agent proposed it, and it changes files", TurnID: req.TurnID, Source: string(req.Source)})
			switch {
			case err != nil:
				answer = "error: " + err.Error()
			case ans.Ran != (ans.Entry.State == store.ApprovalSucceeded || ans.Entry.State == store.ApprovalFailed):
				answer = fmt.Sprintf("ran=%v but %s", ans.Ran, ans.Entry.State)
			default:
				answer = string(ans.Entry.State)
			}
		}
		b.answers <- a.Summary() + "=" + answer
		got = append(got, a.Summary()+"="+answer)
	}
	if b.hold != nil {
		select {
		case <-b.hold:
		case <-ctx.Done():
		}
	}
	return kernel.Result{TurnID: req.TurnID, Output: strings.Join(got, "\n"), Success: ctx.Err() == nil, Route: "agent", Skill: "agent"}
}

// shellIn is command.run of shell text in dir.
func shellIn(dir, shell string) actions.Action {
	return actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell, Dir: dir}}
}

// newAskingPane is a pane over a real core whose runs propose commands,
// each run in the core's data dir (so "touch x" leaves a canary there).
func newAskingPane(t *testing.T, commands ...string) (*Pane, askingBackend, chatEnv) {
	t.Helper()
	env := chatNewEnv(t, nil)
	var ps []actions.Action
	for _, c := range commands {
		ps = append(ps, shellIn(env.dir, c))
	}
	return newProposingPane(t, env, nil, ps...)
}

// newProposingPane is a pane over env whose runs propose proposals; hold,
// when not nil, keeps each run from ending until it is closed.
func newProposingPane(t *testing.T, env chatEnv, hold chan struct{}, proposals ...actions.Action) (*Pane, askingBackend, chatEnv) {
	t.Helper()
	b := askingBackend{App: env.b, proposals: proposals, answers: make(chan string, len(proposals)), hold: hold}
	if _, ok := any(b).(Approvals); !ok {
		t.Fatal("the backend offers no approval queue")
	}
	return New(b, tuitest.Styles(t, ""), nil), b, env
}

// answer is the run's next answer, with the pane's messages delivered
// meanwhile.
func (l *chatLoop) answer(b askingBackend) string {
	l.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case a := <-b.answers:
			return a
		case m := <-l.msgs:
			l.deliver(m)
		case <-deadline:
			l.t.Fatal("waiting for the run's answer: it never came")
			return ""
		}
	}
}

// entry is the queue's entry for summary, waiting (with the pane's
// messages delivered) until there is one.
func (l *chatLoop) entry(env chatEnv, summary string) store.Approval {
	l.t.Helper()
	var e store.Approval
	l.until("the entry for "+summary, func() bool {
		var ok bool
		e, ok = findEntry(l.t, env, summary)
		return ok
	})
	return e
}

// findEntry is the queue's entry for summary, if any.
func findEntry(t testing.TB, env chatEnv, summary string) (store.Approval, bool) {
	t.Helper()
	es, err := env.b.ListApprovals(context.Background(), store.ApprovalQuery{})
	if err != nil {
		t.Fatalf("list approvals: %v", err)
	}
	for _, e := range es {
		if e.Summary == summary {
			return e, true
		}
	}
	return store.Approval{}, false
}

// requireEntry checks the entry for summary is in state, decided by who
// (when not empty) from where.
func requireEntry(t testing.TB, env chatEnv, summary string, state store.ApprovalState, who, where string) store.Approval {
	t.Helper()
	e, ok := findEntry(t, env, summary)
	if !ok {
		t.Fatalf("no approval entry for %q", summary)
	}
	if e.State != state || who != "" && (e.DecidedBy != who || e.DecidedWhere != where) {
		t.Fatalf("entry for %q: %s decided by %q from %q, want %s by %q from %q", summary, e.State, e.DecidedBy, e.DecidedWhere, state, who, where)
	}
	return e
}

// canary reports whether the file name exists in the core's data dir.
func canary(t testing.TB, env chatEnv, name string) bool {
	t.Helper()
	_, err := os.Stat(filepath.Join(env.dir, name))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return err == nil
}

// person is who answers from where, as the queue records it.
func person(where approvals.Where) string { return approvals.Person(where).Who }

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

// TestChatApprovalKeys: each key's answer, through the real plumbing: the
// run's Ask puts the proposal in the real queue and waits on the
// kernel's goroutine; the key approves or rejects the entry there, and
// the run gets what came of it.
func TestChatApprovalKeys(t *testing.T) {
	tests := []struct {
		name      string
		early     []string // pressed before the prompt could be read
		keys      []string
		want      store.ApprovalState
		record    string
		inputLeft string
	}{
		// A shell command is high risk: y asks a second time.
		{name: "y y runs it", keys: []string{"y", "y"}, want: store.ApprovalSucceeded, record: "✓ approved: touch x"},
		{name: "y then n refuses", keys: []string{"y", "n"}, want: store.ApprovalRejected, record: "✗ refused: touch x"},
		{name: "n refuses", keys: []string{"n"}, want: store.ApprovalRejected, record: "✗ refused: touch x"},
		{name: "esc refuses", keys: []string{"esc"}, want: store.ApprovalRejected, record: "✗ refused: touch x"},
		{name: "enter refuses: the default", keys: []string{"enter"}, want: store.ApprovalRejected, record: "✗ refused: touch x"},
		{name: "typed text answers nothing and stays out of the input", keys: []string{"w", "h", "a", "t", "n"},
			want: store.ApprovalRejected, record: "✗ refused: touch x"},
		{name: "keys typed ahead answer nothing", early: []string{"y", "enter"}, keys: []string{"n"},
			want: store.ApprovalRejected, record: "✗ refused: touch x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, b, env := newAskingPane(t, "touch x")
			l := newChatLoop(t, p, env.bus)
			l.send("tidy up")
			l.until("the request", l.waiting)
			e := requireEntry(t, env, "touch x", store.ApprovalPending, "", "")
			if p.approval.ask.id != e.ID || p.approval.ask.command != "touch x" {
				t.Fatalf("the prompt shows %s %q, the queue holds %s", p.approval.ask.id, p.approval.ask.command, e.ID)
			}
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
			if !strings.Contains(strings.Join(strings.Fields(v), " "), "Approval "+string(e.ID)) {
				t.Fatalf("the prompt does not name approval %s:\n%s", e.ID, v)
			}
			if canary(t, env, "x") {
				t.Fatal("the command ran before the answer")
			}
			for _, k := range tc.keys {
				l.key(k)
			}
			if got, want := l.answer(b), "touch x="+string(tc.want); got != want {
				t.Fatalf("answer %q, want %q", got, want)
			}
			l.until("the result", func() bool { return !p.Running() })
			requireEntry(t, env, "touch x", tc.want, person(approvals.Cockpit), string(approvals.Cockpit))
			if ran := canary(t, env, "x"); ran != (tc.want == store.ApprovalSucceeded) {
				t.Fatalf("%s: the command ran = %v", tc.want, ran)
			}
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
	p, b, env := newAskingPane(t, "touch a", "touch b")
	l := newChatLoop(t, p, env.bus)
	l.send("do two things")
	l.until("the first request", l.armed)
	l.key("y")
	l.key("y")
	if got := l.answer(b); got != "touch a=succeeded" {
		t.Fatalf("first answer %q", got)
	}
	l.until("the second request", func() bool { return l.armed() && l.p.approval.ask.command == "touch b" })
	l.key("n")
	if got := l.answer(b); got != "touch b=rejected" {
		t.Fatalf("second answer %q", got)
	}
	l.until("the result", func() bool { return !p.Running() })
	want := []string{"✓ approved: touch a", "✗ refused: touch b"}
	if r := records(p); strings.Join(r, "|") != strings.Join(want, "|") {
		t.Fatalf("records %q, want %q", r, want)
	}
	// The requests sit between the request and its answer.
	if len(p.msgs) != 4 || p.msgs[0].kind != chatUser || p.msgs[3].text != "touch a=succeeded\ntouch b=rejected" {
		t.Fatalf("conversation: %d messages, last %q", len(p.msgs), p.msgs[len(p.msgs)-1].text)
	}
	if !canary(t, env, "a") || canary(t, env, "b") {
		t.Fatal("the approved command did not run, or the rejected one did")
	}
}

// TestChatApprovalLeftInQueue: ctrl+c, switching session and the run's
// context ending leave a request nobody answered in the queue, pending:
// nothing runs, and an answer given elsewhere later still reaches a run
// that goes on.
func TestChatApprovalLeftInQueue(t *testing.T) {
	t.Run("ctrl+c cancels the run and leaves it pending", func(t *testing.T) {
		p, b, env := newAskingPane(t, "touch x")
		l := newChatLoop(t, p, env.bus)
		l.send("tidy up")
		l.until("the request", l.armed)
		if !p.Cancel() { // what the root's ctrl+c calls first
			t.Fatal("ctrl+c found no run to cancel")
		}
		if got := l.answer(b); got != "touch x=pending" {
			t.Fatalf("answer %q", got)
		}
		l.until("the result", func() bool { return p.msgs[len(p.msgs)-1].text == "touch x=pending" })
		if r := records(p); len(r) != 1 || r[0] != "✗ left in the approval queue (the run was cancelled): touch x" {
			t.Fatalf("records %q", r)
		}
		if p.Running() || p.approval != nil || p.msgs[len(p.msgs)-1].state != chatCancelled {
			t.Fatal("the run is not shown as cancelled")
		}
		l.key("y") // nothing is asked any more: the y is typed text
		requireEntry(t, env, "touch x", store.ApprovalPending, "", "")
		if canary(t, env, "x") {
			t.Fatal("a cancelled run's command ran")
		}
	})
	t.Run("switching session leaves it, and an answer elsewhere reaches the run", func(t *testing.T) {
		p, b, env := newAskingPane(t, "touch x")
		l := newChatLoop(t, p, env.bus)
		l.send("tidy up")
		l.until("the request", l.armed)
		l.do(p.Update(kit.SwitchSessionMsg{Name: "other"}))
		if p.approval != nil || p.Running() {
			t.Fatal("the request or the run is still shown after the switch")
		}
		e := requireEntry(t, env, "touch x", store.ApprovalPending, "", "")
		select {
		case a := <-b.answers:
			t.Fatalf("the run got %q though nobody answered", a)
		default:
		}
		if _, err := env.b.Reject(context.Background(), e.ID, approvals.Person(approvals.CLI), "not now"); err != nil {
			t.Fatal(err)
		}
		if got := l.answer(b); got != "touch x=rejected" {
			t.Fatalf("answer %q", got)
		}
		if canary(t, env, "x") {
			t.Fatal("a rejected command ran")
		}
	})
	t.Run("a proposal of a run the pane left waits in the queue", func(t *testing.T) {
		p, b, env := newAskingPane(t, "touch x", "touch y")
		l := newChatLoop(t, p, env.bus)
		l.send("tidy up")
		l.until("the request", l.armed)
		l.key("y")
		l.key("y")
		if got := l.answer(b); got != "touch x=succeeded" {
			t.Fatalf("answer %q", got)
		}
		l.do(p.Update(kit.SwitchSessionMsg{Name: "other"}))
		e := l.entry(env, "touch y")
		if e.State != store.ApprovalPending || p.approval != nil || canary(t, env, "y") {
			t.Fatalf("the old run's next proposal: %s, shown %v", e.State, p.approval != nil)
		}
		if _, err := env.b.Approve(context.Background(), e.ID, approvals.Person(approvals.CLI), approvals.Remember{}); err != nil {
			t.Fatal(err)
		}
		if got := l.answer(b); got != "touch y=succeeded" {
			t.Fatalf("the old run's next proposal: %q", got)
		}
		if !canary(t, env, "y") || p.approval != nil {
			t.Fatal("approved from the CLI, the command did not run, or the pane shows a request of a session it left")
		}
	})
	t.Run("a context that ends leaves it pending", func(t *testing.T) {
		for _, read := range []bool{false, true} {
			env := chatNewEnv(t, nil)
			sctx, stop := context.WithCancel(context.Background())
			queued := env.bus.SubscribeWith(sctx, events.SubscribeOptions[events.Event]{Name: "test", Buffer: 16,
				Filter: func(e events.Event) bool {
					c, ok := e.(events.ApprovalChanged)
					return ok && c.State == string(store.ApprovalPending)
				}}).C
			run := newChatRun(1, "t")
			ctx, cancel := context.WithCancel(context.Background())
			type result struct {
				ans approvals.Answer
				err error
			}
			got := make(chan result, 1)
			go func() {
				ans, err := run.ask(env.b, true)(ctx, approvals.Proposal{Action: shellIn(env.dir, "touch x"), Proposer: approvals.ByAgent})
				got <- result{ans, err}
			}()
			select {
			case <-queued:
			case <-time.After(20 * time.Second):
				t.Fatalf("read=%v: the proposal never reached the queue", read)
			}
			stop()
			e := requireEntry(t, env, "touch x", store.ApprovalPending, "", "")
			if read {
				m, ok := (<-run.msgs).(approvalAskMsg)
				if !ok || m.id != e.ID || m.command != "touch x" {
					t.Fatalf("read=%v: the request sent is %+v", read, m)
				}
			}
			cancel()
			select {
			case r := <-got:
				if r.err != nil || r.ans.Ran || !r.ans.TimedOut || r.ans.Entry.State != store.ApprovalPending {
					t.Fatalf("read=%v: a cancelled ask answered %+v, %v", read, r.ans, r.err)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("read=%v: the ask still waits after its context ended", read)
			}
			requireEntry(t, env, "touch x", store.ApprovalPending, "", "")
			if canary(t, env, "x") {
				t.Fatalf("read=%v: the command ran", read)
			}
		}
	})
}

// TestChatApprovalAnsweredElsewhere: a request the pane shows and another
// place answers (the approvals pane, the CLI: app.Approve or app.Reject)
// settles the pane's prompt, saying who answered from where, and the run
// goes on with that answer.
func TestChatApprovalAnsweredElsewhere(t *testing.T) {
	for _, tc := range []struct {
		name    string
		approve bool
		want    store.ApprovalState
		record  string
		// noEvents: the broadcast never reaches the pane; the run's own
		// word on the answer settles the prompt.
		noEvents bool
	}{
		{name: "approved from the CLI", approve: true, want: store.ApprovalSucceeded,
			record: "✓ approved by " + person(approvals.CLI) + " from cli: touch x"},
		{name: "rejected from the CLI", want: store.ApprovalRejected,
			record: "✗ refused (rejected by " + person(approvals.CLI) + " from cli): touch x"},
		{name: "rejected from the CLI, no broadcast", want: store.ApprovalRejected, noEvents: true,
			record: "✗ refused (rejected by " + person(approvals.CLI) + " from cli): touch x"},
		{name: "approved from the CLI, no broadcast", approve: true, want: store.ApprovalSucceeded, noEvents: true,
			record: "✓ approved by " + person(approvals.CLI) + " from cli: touch x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The run's end and the decision's event reach the pane by
			// different roads, in either order; an end that comes first
			// settles the prompt as left in the queue. Held, the run ends
			// only once the event settled it.
			hold := make(chan struct{})
			env := chatNewEnv(t, nil)
			p, b, _ := newProposingPane(t, env, hold, shellIn(env.dir, "touch x"))
			bus := env.bus
			if tc.noEvents {
				bus = nil
			}
			l := newChatLoop(t, p, bus)
			l.send("tidy up")
			l.until("the request", l.armed)
			id := p.approval.ask.id
			var err error
			if tc.approve {
				_, err = env.b.Approve(context.Background(), id, approvals.Person(approvals.CLI), approvals.Remember{})
			} else {
				_, err = env.b.Reject(context.Background(), id, approvals.Person(approvals.CLI), "")
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := l.answer(b), "touch x="+string(tc.want); got != want {
				t.Fatalf("answer %q, want %q", got, want)
			}
			l.until("the prompt to settle", func() bool { return !l.waiting() })
			close(hold)
			l.until("the result", func() bool { return !p.Running() })
			if r := records(p); len(r) != 1 || r[0] != tc.record {
				t.Fatalf("records %q, want %q", r, tc.record)
			}
			if m := p.runReply(); m == nil || m.text != "touch x="+string(tc.want) {
				t.Fatal("the run did not go on to its result")
			}
			requireEntry(t, env, "touch x", tc.want, person(approvals.CLI), string(approvals.CLI))
			if ran := canary(t, env, "x"); ran != tc.approve {
				t.Fatalf("the command ran = %v", ran)
			}
		})
	}
}

// TestChatApprovalShowsEverything: control characters in a proposal show
// as escapes, and a long one shows in full, however narrow the pane. A
// command may hold only newlines and tabs; a file's content anything.
func TestChatApprovalShowsEverything(t *testing.T) {
	hostile := "rm -rf ~/x\x1b[2K\r harmless \u202e" + strings.Repeat("a", 150) + "\x07end"
	for _, kind := range []string{"file", "command"} {
		for _, w := range []int{12, 40, 80} {
			t.Run(fmt.Sprint(kind, w), func(t *testing.T) {
				env := chatNewEnv(t, nil)
				a, want, start := actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: filepath.Join(env.dir, "notes"), Content: hostile}},
					hostile, "write"
				if kind == "command" {
					want = "echo harmless\n\trm -rf ~/x " + strings.Repeat("b", 150) + "\tend"
					a, start = shellIn(env.dir, want), "echo h"
				}
				p, _, _ := newProposingPane(t, env, nil, a)
				l := newChatLoop(t, p, env.bus)
				chatView(t, p, w, 8)
				l.send("tidy up")
				l.until("the request", l.armed)
				// Taller than the view, the prompt shows from its start.
				if v := chatView(t, p, w, 8); !strings.Contains(v, start) {
					t.Fatalf("the start of the request is not in view:\n%s", v)
				}
				raw := p.View(w, 100, true)
				if strings.ContainsAny(ansi.Strip(raw), "\r\x07\u202e\t") || strings.Contains(raw, "\x1b[2K") {
					t.Fatalf("a control character of the proposal reached the screen: %q", raw)
				}
				v := chatView(t, p, w, 100) // tall enough for the whole diff at 12 columns
				var body strings.Builder
				for _, line := range strings.Split(v, "\n") {
					line = strings.TrimRight(line, " ")
					line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(line, "  "), "│ "), " │")
					body.WriteString(strings.TrimRight(line, " "))
				}
				// A wrapped line's last space is not told from padding: compare
				// without spaces.
				nospace := func(s string) string { return strings.ReplaceAll(s, " ", "") }
				if want := termsafe.Visible(want); !strings.Contains(nospace(body.String()), nospace(want)) {
					t.Fatalf("the proposal is not shown in full as %q:\n%s", want, v)
				}
				// The sizes drawn disarmed it: the first n arms it again.
				l.key("n")
				l.until("the prompt to arm again", l.armed)
				l.key("n")
				l.until("the result", func() bool { return !p.Running() })
				if r := records(p); len(r) != 1 || !strings.HasPrefix(r[0], "✗ refused: ") {
					t.Fatalf("records %q, want the rejection", r)
				}
			})
		}
	}
}

// TestChatApprovalFlow: a real kernel run, the agent scripted to touch a
// canary file: its proposal waits in the queue and in the pane; n rejects
// it (no canary), y approves it and it runs; the audit log says who
// decided.
func TestChatApprovalFlow(t *testing.T) {
	for _, tc := range []struct {
		key    string
		canary bool
		state  store.ApprovalState
	}{{"n", false, store.ApprovalRejected}, {"y", true, store.ApprovalSucceeded}} {
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
			e := requireEntry(t, env, "touch "+canary, store.ApprovalPending, "", "")
			if e.Proposer != string(approvals.ByAgent) || p.approval.ask.id != e.ID {
				t.Fatalf("the entry %s was proposed by %q; the prompt shows %s", e.ID, e.Proposer, p.approval.ask.id)
			}
			if _, err := os.Stat(canary); err == nil {
				t.Fatal("the command ran before the answer")
			}
			l.key(tc.key)
			if tc.key == "y" {
				l.key("y") // high risk: the second confirmation
			}
			l.until("the result", func() bool { return !p.Running() })
			_, err := os.Stat(canary)
			if ran := err == nil; ran != tc.canary {
				t.Fatalf("answer %s: canary exists=%v", tc.key, ran)
			}
			requireEntry(t, env, "touch "+canary, tc.state, person(approvals.Cockpit), string(approvals.Cockpit))
			entries, err := env.db.RecentAudit(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			decided := false
			for _, a := range entries {
				decided = decided || a.Skill == "approval" && a.ChosenBy == person(approvals.Cockpit) &&
					strings.HasPrefix(a.Action, string(tc.state)+" "+string(e.ID)+": ")
			}
			if !decided {
				t.Fatalf("answer %s: the audit log has no entry saying the person's %s of %s", tc.key, tc.state, e.ID)
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
	long := strings.Repeat("touch x; ", 30) + "echo end"
	p, b, env := newAskingPane(t, long)
	l := newChatLoop(t, p, env.bus)
	l.send("tidy up")
	l.until("the request", l.waiting)
	chatView(t, p, 100, 40)
	l.until("the prompt to arm", l.armed)

	v := chatView(t, p, 40, 12) // the terminal shrinks
	if !strings.Contains(v, "needs your approval") || !strings.Contains(v, "│ touch x; touch x;") {
		t.Fatalf("after the shrink the start of the command is out of view:\n%s", v)
	}
	l.key("y")
	if !l.waiting() {
		t.Fatal("a y pressed right after the resize approved the command")
	}
	if e := requireEntry(t, env, long, store.ApprovalPending, "", ""); e.ID != p.approval.ask.id {
		t.Fatalf("the prompt shows %s, the queue holds %s", p.approval.ask.id, e.ID)
	}
	l.until("the prompt to arm again", l.armed)
	l.key("n")
	if got := l.answer(b); got != long+"=rejected" {
		t.Fatalf("answer %q, want a rejection", got)
	}
	if canary(t, env, "x") {
		t.Fatal("a rejected command ran")
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
// no approve key, so the run does not wait on what it proposes: each
// proposal stays pending in the queue for a person elsewhere, the run goes
// on at once, nothing takes the focus, a y answers nothing and nothing
// runs.
func TestChatApprovalReadOnly(t *testing.T) {
	p, b, env := newAskingPane(t, "touch x", "touch y")
	p.SetKeys(kit.ReadOnly(p.Keys()))
	if kit.Matches(p.Keys(), "approve", "y") || !kit.Matches(p.Keys(), "refuse", "n") {
		t.Fatal("read-only keeps approve or loses refuse")
	}
	l := newChatLoop(t, p, env.bus)
	l.send("tidy up")
	if got := l.answer(b); got != "touch x=pending" {
		t.Fatalf("first answer %q, want it left pending without asking", got)
	}
	l.key("y")
	if got := l.answer(b); got != "touch y=pending" {
		t.Fatalf("second answer %q", got)
	}
	l.until("the result", func() bool { return !p.Running() })
	if m := p.runReply(); m == nil || m.text != "touch x=pending\ntouch y=pending" {
		t.Fatal("the run did not go on to its result")
	}
	if r := records(p); len(r) != 0 || l.waiting() {
		t.Fatalf("records %q (waiting %v): a request was shown where nobody can answer it", r, l.waiting())
	}
	for _, m := range l.root {
		if _, ok := m.(kit.FocusPaneMsg); ok {
			t.Fatal("a request nobody can answer here took the focus")
		}
	}
	for _, c := range []string{"x", "y"} {
		requireEntry(t, env, "touch "+c, store.ApprovalPending, "", "")
		if canary(t, env, c) {
			t.Fatalf("a read-only cockpit ran touch %s", c)
		}
	}
	// Still pending, it is answered elsewhere, and runs there.
	x, _ := findEntry(t, env, "touch x")
	if _, err := env.b.Approve(context.Background(), x.ID, approvals.Person(approvals.CLI), approvals.Remember{}); err != nil {
		t.Fatal(err)
	}
	if !canary(t, env, "x") || canary(t, env, "y") {
		t.Fatal("approved from the CLI, the left entry did not run, or the other one did")
	}
}

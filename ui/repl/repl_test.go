package repl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/kernel"
)

// recorder is a Runner that answers from a script and records requests.
type recorder struct {
	reqs    []kernel.Request
	answers map[string]kernel.Result
}

func (r *recorder) Run(_ context.Context, req kernel.Request) kernel.Result {
	r.reqs = append(r.reqs, req)
	if res, ok := r.answers[req.Input]; ok {
		return res
	}
	return kernel.Result{Output: "ok: " + req.Input, Success: true}
}

func TestREPL(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		session   string
		wantOut   []string
		notOut    []string
		wantRuns  []string
		wantClear int
	}{
		{
			name:     "runs lines and skips blanks",
			input:    "!echo a\n\n   \nhello\n",
			wantOut:  []string{"ok: !echo a\n", "ok: hello\n"},
			wantRuns: []string{"!echo a", "hello"},
		},
		{
			name:     "keeps going after a failure",
			input:    "fail\nafter\n",
			wantOut:  []string{"partial\nError: it broke\n", "ok: after"},
			wantRuns: []string{"fail", "after"},
		},
		{
			name:     "exit stops reading",
			input:    "one\nQUIT\ntwo\n",
			wantOut:  []string{"ok: one"},
			notOut:   []string{"ok: two"},
			wantRuns: []string{"one"},
		},
		{
			name:     "q and exit too",
			input:    "q\n",
			wantRuns: nil,
		},
		{
			name:     "built-ins do not reach the kernel",
			input:    "help\ndebug\nx\ndebug\ny\n",
			wantOut:  []string{"Built-ins", "Debug mode on.", "route=", "Debug mode off."},
			wantRuns: []string{"x", "y"},
		},
		{
			name:      "clear empties a named session",
			input:     "clear\n",
			session:   "work",
			wantOut:   []string{"Context cleared."},
			wantClear: 1,
		},
		{
			name:     "markup is printed literally",
			input:    "markup\n",
			wantOut:  []string{"[red]x[/red] [/x]\n"},
			wantRuns: []string{"markup"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{answers: map[string]kernel.Result{
				"fail":   {Output: "partial", Error: "it broke"},
				"markup": {Output: "[red]x[/red] [/x]", Success: true},
			}}
			var out bytes.Buffer
			clears := 0
			err := Run(context.Background(), r, Options{
				In: strings.NewReader(tc.input), Out: &out, Session: tc.session,
				ClearSession: func(_ context.Context, name string) error {
					if name != tc.session {
						t.Errorf("cleared %q, want %q", name, tc.session)
					}
					clears++
					return nil
				},
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.notOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
			var runs []string
			for _, req := range r.reqs {
				runs = append(runs, req.Input)
				if req.Source != kernel.SourceREPL || req.Session != tc.session {
					t.Errorf("request %+v: want source repl, session %q", req, tc.session)
				}
			}
			if strings.Join(runs, "|") != strings.Join(tc.wantRuns, "|") {
				t.Errorf("ran %q, want %q", runs, tc.wantRuns)
			}
			if clears != tc.wantClear {
				t.Errorf("cleared %d times, want %d", clears, tc.wantClear)
			}
		})
	}
}

func TestREPLClearErrorIsShown(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), &recorder{}, Options{
		In: strings.NewReader("clear\n"), Out: &out, Session: "s",
		ClearSession: func(context.Context, string) error { return errors.New("disk full") },
	})
	if err != nil || !strings.Contains(out.String(), "Error: could not clear the session: disk full") {
		t.Fatalf("err=%v out=%q", err, out.String())
	}
}

// errReader fails after its data, like a broken pipe.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestREPLReadErrorIsReturned(t *testing.T) {
	err := Run(context.Background(), &recorder{}, Options{In: errReader{}, Out: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("want the read error, got %v", err)
	}
}

package repl

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
)

// fixed answers every request with one result, streaming nothing.
type fixed kernel.Result

func (f fixed) Run(context.Context, kernel.Request) kernel.Result { return kernel.Result(f) }

// A cancelled answer shows the marker from the result's field; an answer
// whose own text ends with the marker is no cancel, and is printed as it is.
func TestREPLCancelledMarker(t *testing.T) {
	const stopped = "cancelled; the partial answer is kept"
	cases := []struct {
		name string
		res  kernel.Result
		want string
	}{
		{"partial answer", kernel.Result{Output: "first second", Cancelled: true, Error: stopped},
			"first second\n[cancelled]\nError: " + stopped + "\n"},
		{"nothing had arrived", kernel.Result{Cancelled: true, Error: stopped},
			"[cancelled]\nError: " + stopped + "\n"},
		{"the marker as the answer's own words", kernel.Result{Output: "print [cancelled]", Success: true},
			"print [cancelled]\n"},
		{"a failure whose output ends with the marker", kernel.Result{Output: "x\n[cancelled]", Error: "boom"},
			"x\n[cancelled]\nError: boom\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Run(context.Background(), fixed(tc.res), Options{In: strings.NewReader("count slowly\n"), Out: &out}); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Fatalf("printed %q, want %q", out.String(), tc.want)
			}
		})
	}
}

// A streamed answer that was cancelled gets the marker after what already
// printed; one whose own words end with the marker gets nothing more.
func TestREPLCancelledMarkerAfterStream(t *testing.T) {
	const stopped = "cancelled; the partial answer is kept"
	cases := []struct {
		name   string
		tokens []string
		res    kernel.Result
		want   string
	}{
		{"cancelled partway", []string{"first ", "second"},
			kernel.Result{Output: "first second", Cancelled: true, Error: stopped, Streamed: true},
			"first second\n[cancelled]\nError: " + stopped + "\n"},
		{"the marker as the answer's own words", []string{"say ", "[cancelled]"},
			kernel.Result{Output: "say [cancelled]", Success: true, Streamed: true},
			"say [cancelled]\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bus := events.New(nil)
			var script []events.Event
			for _, tok := range tc.tokens {
				script = append(script, events.Token{Text: tok})
			}
			var out bytes.Buffer
			r := &scripted{bus: bus, script: script, res: tc.res}
			if err := Run(context.Background(), r, Options{In: strings.NewReader("count slowly\n"), Out: &out, Events: bus}); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Fatalf("printed %q, want %q", out.String(), tc.want)
			}
		})
	}
}

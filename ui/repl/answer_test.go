package repl

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
)

// scripted is a Runner that publishes a script of events for the request's
// turn (a TurnID of "other" stays another turn's), then returns res.
type scripted struct {
	bus    *events.Bus
	script []events.Event
	res    kernel.Result
}

func (s *scripted) Run(_ context.Context, req kernel.Request) kernel.Result {
	for _, e := range s.script {
		switch e := e.(type) {
		case events.Token:
			if e.TurnID == "" {
				e.TurnID = string(req.TurnID)
			}
			s.bus.Publish(e)
		case events.StreamReset:
			e.TurnID = string(req.TurnID)
			s.bus.Publish(e)
		}
	}
	s.bus.Publish(events.RunCompleted{TurnID: string(req.TurnID), Success: s.res.Success})
	return s.res
}

// The REPL prints a turn's streamed text from its events: its own turn's
// answer only, a restart said once, a command's output only from the
// result, and every token before what follows the answer.
func TestREPLPrintsTheTurnsEvents(t *testing.T) {
	var many []events.Event
	var manyText strings.Builder
	for i := 0; i < 5000; i++ {
		w := fmt.Sprintf("w%d ", i)
		many = append(many, events.Token{Text: w})
		manyText.WriteString(w)
	}
	cases := []struct {
		name   string
		script []events.Event
		res    kernel.Result
		want   string
	}{
		{"streamed answer",
			[]events.Event{events.Token{Text: "A joke "}, events.Token{Text: "about gophers."}},
			kernel.Result{Output: "A joke about gophers.", Success: true, Streamed: true},
			"A joke about gophers.\n"},
		{"another turn's text is not printed",
			[]events.Event{events.Token{TurnID: "other", Text: "not mine "}, events.Token{Text: "mine"}},
			kernel.Result{Output: "mine", Success: true, Streamed: true},
			"mine\n"},
		{"a command's output prints once, from the result",
			[]events.Event{events.Token{Text: "line 1\n", Command: true}, events.Token{Text: "line 2\n", Command: true}},
			kernel.Result{Output: "line 1\nline 2", Success: true},
			"line 1\nline 2\n"},
		{"restart after text",
			[]events.Event{events.Token{Text: "The answer st"}, events.StreamReset{Reason: "retry"}, events.Token{Text: "The answer, whole."}},
			kernel.Result{Output: "The answer, whole.", Success: true, Streamed: true},
			"The answer st\n[answer restarted: the provider failed mid-answer]\nThe answer, whole.\n"},
		{"restart before any text says nothing",
			[]events.Event{events.StreamReset{Reason: "escalation"}, events.Token{Text: "Considered."}},
			kernel.Result{Output: "Considered.", Success: true, Streamed: true},
			"Considered.\n"},
		{"thousands of tokens, none lost before the error line",
			many,
			kernel.Result{Output: manyText.String(), Error: "the end", Streamed: true},
			manyText.String() + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bus := events.New(nil)
			r := &scripted{bus: bus, script: tc.script, res: tc.res}
			var out bytes.Buffer
			err := Run(context.Background(), r, Options{In: strings.NewReader("question\n"), Out: &out, Events: bus})
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if !tc.res.Success && tc.res.Error != "" {
				want += Style{}.errorLine(tc.res.Error) + "\n"
			}
			if got := out.String(); got != want {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("printed %d bytes, want %d; they differ from byte %d: %q, want %q",
					len(got), len(want), i, got[i:min(i+80, len(got))], want[i:min(i+80, len(want))])
			}
		})
	}
}

// Without events the answer prints whole, once.
func TestREPLWithoutEvents(t *testing.T) {
	var out bytes.Buffer
	r := &scripted{bus: events.New(nil), script: []events.Event{events.Token{Text: "lost"}},
		res: kernel.Result{Output: "The answer.", Success: true, Streamed: true}}
	if err := Run(context.Background(), r, Options{In: strings.NewReader("question\n"), Out: &out}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "The answer.\n" {
		t.Fatalf("printed %q", out.String())
	}
}

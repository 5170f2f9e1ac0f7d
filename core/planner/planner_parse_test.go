package planner

import (
	"errors"
	"strings"
	"testing"

	"github.com/macroa/macroa/tier"
)

func TestNeedsPlan(t *testing.T) {
	long := func(prefix string) string { return prefix + strings.Repeat("x", 100) }
	tests := []struct {
		in   string
		want bool
	}{
		{strings.Repeat("a", 79), false},
		{strings.Repeat("a", 80), true},
		{"   " + strings.Repeat("a", 79) + "\n\n", false}, // trimmed first
		{strings.Repeat("é", 79), false},                  // characters, not bytes
		{strings.Repeat("é", 80), true},
		{long("!"), false},
		{long("$ "), false},
		{long("  !"), false},
		{long("remember "), false},
		{long("Remember "), false},
		{long("please remember "), false},
		{long("forget "), false},
		{long("what is my "), false},
		{long("What's my "), false},
		{long("whats my "), false},
		{long("read file "), false},
		{long("write file "), false},
		{long("Show me "), false},
		{long("rememberance of "), true}, // a prefix of a word is not the word
		{long("show memory "), true},
		{long("research and write "), true},
		{"", false},
	}
	for _, tc := range tests {
		if got := NeedsPlan(tc.in); got != tc.want {
			t.Errorf("NeedsPlan(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParsePlan(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		ok    bool
		bad   bool
		steps []Step
	}{
		{name: "two steps", in: `{"is_complex":true,"steps":[{"subtask":"find","tier":"nano"},{"subtask":"write","tier":"sonnet"}]}`,
			ok: true, steps: []Step{{"find", tier.Nano}, {"write", tier.Sonnet}}},
		{name: "fenced", in: "```json\n{\"is_complex\":true,\"steps\":[{\"subtask\":\"a\",\"tier\":\"HAIKU\"},{\"subtask\":\"b\",\"tier\":\"opus\"}]}\n```",
			ok: true, steps: []Step{{"a", tier.Haiku}, {"b", tier.Opus}}},
		{name: "prose around", in: `Plan: {"is_complex":true,"steps":[{"subtask":"a"},{"subtask":"b","tier":"gpt-5"}]} done`,
			ok: true, steps: []Step{{"a", tier.Haiku}, {"b", tier.Haiku}}},
		{name: "blank subtasks dropped", in: `{"is_complex":true,"steps":[{"subtask":"  ","tier":"nano"},{"subtask":"a"},{"subtask":" b "},{"tier":"nano"}]}`,
			ok: true, steps: []Step{{"a", tier.Haiku}, {"b", tier.Haiku}}},
		{name: "odd steps dropped", in: `{"is_complex":true,"steps":[1,"x",null,[],{"subtask":3},{"subtask":"a","tier":5},{"subtask":"b","tier":null}]}`,
			ok: true, steps: []Step{{"a", tier.Haiku}, {"b", tier.Haiku}}},
		{name: "seven steps keep five", in: `{"is_complex":true,"steps":[{"subtask":"1"},{"subtask":"2"},{"subtask":"3"},{"subtask":"4"},{"subtask":"5"},{"subtask":"6"},{"subtask":"7"}]}`,
			ok: true, steps: []Step{{"1", tier.Haiku}, {"2", tier.Haiku}, {"3", tier.Haiku}, {"4", tier.Haiku}, {"5", tier.Haiku}}},
		{name: "one step", in: `{"is_complex":true,"steps":[{"subtask":"a"}]}`},
		{name: "not complex", in: `{"is_complex":false,"steps":[{"subtask":"a"},{"subtask":"b"}]}`},
		{name: "complex missing", in: `{"steps":[{"subtask":"a"},{"subtask":"b"}]}`},
		{name: "complex string", in: `{"is_complex":"yes","steps":[{"subtask":"a"},{"subtask":"b"}]}`},
		{name: "steps object", in: `{"is_complex":true,"steps":{"subtask":"a"}}`},
		{name: "steps null", in: `{"is_complex":true,"steps":null}`},
		{name: "top-level array", in: `[{"subtask":"a"},{"subtask":"b"}]`, bad: true},
		{name: "null", in: `null`, bad: true},
		{name: "garbage", in: `this is atomic`, bad: true},
		{name: "empty", in: ``, bad: true},
		{name: "broken", in: `{"is_complex": tru}`, bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok, err := ParsePlan(tc.in)
			if tc.bad != (err != nil) || (err != nil && !errors.Is(err, ErrUnparseable)) {
				t.Fatalf("err = %v, want unparseable=%v", err, tc.bad)
			}
			if ok != tc.ok {
				t.Fatalf("ok = %v (%+v), want %v", ok, p, tc.ok)
			}
			if !ok {
				if len(p.Steps) != 0 {
					t.Errorf("no plan but steps %v", p.Steps)
				}
				return
			}
			if len(p.Steps) != len(tc.steps) {
				t.Fatalf("steps = %+v, want %+v", p.Steps, tc.steps)
			}
			for i := range p.Steps {
				if p.Steps[i] != tc.steps[i] {
					t.Errorf("step %d = %+v, want %+v", i, p.Steps[i], tc.steps[i])
				}
			}
		})
	}
}

func TestStepInput(t *testing.T) {
	prior := []StepResult{
		{Step: Step{Subtask: "find facts"}, Output: "fact one"},
		{Step: Step{Subtask: "check them"}, Output: "[step failed: boom]"},
	}
	if got := StepInput("first", nil); got != "first" {
		t.Errorf("first step input = %q", got)
	}
	want := "write it\n\n[Context from prior steps]\nPrevious step (find facts):\nfact one\n\nPrevious step (check them):\n[step failed: boom]"
	if got := StepInput("write it", prior); got != want {
		t.Errorf("StepInput =\n%q\nwant\n%q", got, want)
	}
}

func TestCombineMessage(t *testing.T) {
	got := CombineMessage("do X", []StepResult{{Step: Step{Subtask: "a"}, Output: "out a"}, {Step: Step{Subtask: "b"}, Output: "out b"}})
	want := "Original request: do X\n\nSubtask results:\n[a]\nout a\n\n[b]\nout b"
	if got != want {
		t.Errorf("CombineMessage =\n%q\nwant\n%q", got, want)
	}
}

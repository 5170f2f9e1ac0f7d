package router

import (
	"maps"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/tier"
)

func TestKeywordMatchBuiltins(t *testing.T) {
	reg := DefaultRegistry()
	tests := []struct {
		in     string
		hit    bool
		skill  skills.Name
		action string
		args   map[string]string
	}{
		// Triggers with their parameters.
		{in: "read file /etc/hosts", hit: true, skill: skills.File, action: "read", args: map[string]string{"path": "/etc/hosts"}},
		{in: "please read file /etc/hosts", hit: true, skill: skills.File, action: "read", args: map[string]string{"path": "/etc/hosts"}},
		{in: "Could you please show the file ~/notes.txt", hit: true, skill: skills.File, action: "read", args: map[string]string{"path": "~/notes.txt"}},
		{in: "list directory ~/src", hit: true, skill: skills.File, action: "list", args: map[string]string{"path": "~/src"}},
		{in: "write file ~/todo.txt: buy milk", hit: true, skill: skills.File, action: "write", args: map[string]string{"path": "~/todo.txt", "content": "buy milk"}},
		{in: "run command df -h", hit: true, skill: skills.Shell, action: "run", args: map[string]string{"command": "df -h"}},
		{in: "Run  Command   uptime", hit: true, skill: skills.Shell, action: "run", args: map[string]string{"command": "uptime"}},
		{in: "please execute command `ls -la /tmp`", hit: true, skill: skills.Shell, action: "run", args: map[string]string{"command": "ls -la /tmp"}},
		{in: "execute the command: systemctl status nginx", hit: true, skill: skills.Shell, action: "run", args: map[string]string{"command": "systemctl status nginx"}},

		// The spec's misfires (2.3) do not fire.
		{in: "delete the old logs"},
		{in: "cancel the order"},
		{in: "please execute the plan"},
		{in: "I executed it"},
		{in: "call me when done"},
		{in: "call me Bob"},
		{in: "find out the time"},
		{in: "read /etc/hosts"},
		// A trigger without its parameters falls through.
		{in: "read file"},
		{in: "run command"},
		{in: "run command   "},
		{in: "list directory"},
		{in: "write file ~/todo.txt"},
		// A trigger that is not the request's verb.
		{in: "I need to run command line tools on the server"},
		{in: "how do I read file descriptors in Go"},
		// Substrings of words are not triggers.
		{in: "rerun commands from history"},
		{in: "spread filem /x"},
		// Two skills' triggers: ambiguous, the classifier decides.
		{in: "run command and then read file /etc/hosts"},
		// Nothing.
		{in: ""},
		{in: "tell me a joke"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			in, ok := reg.Match(tc.in)
			if ok != tc.hit {
				t.Fatalf("Match(%q) hit = %v (%+v), want %v", tc.in, ok, in, tc.hit)
			}
			if !ok {
				return
			}
			if in.Skill != tc.skill || in.Action != tc.action || !maps.Equal(in.Args, tc.args) {
				t.Errorf("Match(%q) = %s %q %v, want %s %q %v", tc.in, in.Skill, in.Action, in.Args, tc.skill, tc.action, tc.args)
			}
			if in.Input != strings.TrimSpace(tc.in) {
				t.Errorf("input not kept: %q", in.Input)
			}
		})
	}
}

func TestKeywordWholeWords(t *testing.T) {
	tests := []struct {
		s, phrase string
		want      bool
	}{
		{"please execute now", "execute", true},
		{"i executed it", "execute", false},
		{"re-execute it", "execute", true}, // a hyphen is a word boundary
		{"execute", "execute", true},
		{"executes", "execute", false},
		{"call me bob", "call me", true},
		{"recall me", "call me", false},
		{"look at /mem/notes", "/mem/", true},
		{"ls/mem/x", "/mem/", true}, // a phrase edged by punctuation needs no boundary
		{"café latte", "café", true},
		{"cafés", "café", false},
		{"x execute execute", "execute", true},
		{"executed execute", "execute", true}, // the second occurrence counts
	}
	for _, tc := range tests {
		if got := containsPhrase(tc.s, tc.phrase); got != tc.want {
			t.Errorf("containsPhrase(%q, %q) = %v, want %v", tc.s, tc.phrase, got, tc.want)
		}
	}
}

// A tool's triggers are data: adding one needs no code beyond a table row.
func TestKeywordToolAsData(t *testing.T) {
	reg := DefaultRegistry()
	weather := Skill{
		Name:        "weather",
		Description: "tells the weather for a place",
		Triggers:    []string{"weather in", "forecast for"},
		Params:      TextAfterTrigger("location", "weather in", "forecast for"),
	}
	if err := reg.Add(weather); err != nil {
		t.Fatal(err)
	}
	in, ok := reg.Match("forecast for Lisbon")
	if !ok || in.Skill != "weather" || in.Args["location"] != "Lisbon" || in.Action != "" {
		t.Fatalf("Match = %+v, %v", in, ok)
	}
	// The trigger in the middle of a sentence has no parameter to give.
	if in, ok := reg.Match("what's the weather in Lisbon like"); ok {
		t.Errorf("mid-sentence trigger fired: %+v", in)
	}

	// The original's call_me tool, with the message it needs: a trigger
	// alone never places a call.
	callMe := Skill{
		Name:     "call_me",
		Triggers: []string{"call me", "phone me", "ring me", "give me a call"},
		Params:   TextAfterTrigger("message", "call me and say", "phone me and say", "ring me and say"),
	}
	if err := reg.Add(callMe); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"call me when done", "call me Bob", "recall me the steps", "give me a call"} {
		if got, ok := reg.Match(in); ok {
			t.Errorf("Match(%q) fired %+v", in, got)
		}
	}
	if got, ok := reg.Match("call me and say the build finished"); !ok || got.Skill != "call_me" || got.Args["message"] != "the build finished" {
		t.Errorf("call_me with its message = %+v, %v", got, ok)
	}
}

func TestKeywordNilParamsNeedsWholeInput(t *testing.T) {
	reg := NewRegistry(Skill{Name: "reminders", Triggers: []string{"list reminders", "show my reminders"}})
	for _, in := range []string{"list reminders", "Please list reminders?", "show   my reminders."} {
		if got, ok := reg.Match(in); !ok || got.Skill != "reminders" || len(got.Args) != 0 {
			t.Errorf("Match(%q) = %+v, %v; want the reminders skill", in, got, ok)
		}
	}
	for _, in := range []string{"list reminders for tomorrow and delete the old ones", "why do I list reminders"} {
		if got, ok := reg.Match(in); ok {
			t.Errorf("Match(%q) fired: %+v", in, got)
		}
	}
}

func TestKeywordAmbiguousTriggersIgnored(t *testing.T) {
	reg := &Registry{}
	err := reg.Add(Skill{Name: "noisy", Triggers: []string{"chat", "Tell me", "ls", "shell", "go"},
		Params: func(string) (map[string]string, bool) { return map[string]string{}, true }})
	if err == nil {
		t.Fatal("a skill with only ambiguous triggers was accepted")
	}
	if err := reg.Add(Skill{Name: "mixed", Triggers: []string{"help", "open ticket"},
		Params: func(string) (map[string]string, bool) { return map[string]string{"id": "1"}, true }}); err != nil {
		t.Fatal(err)
	}
	if in, ok := reg.Match("help me please"); ok {
		t.Errorf("ambiguous trigger fired: %+v", in)
	}
	if in, ok := reg.Match("open ticket"); !ok || in.Skill != "mixed" {
		t.Errorf("usable trigger did not fire: %+v %v", in, ok)
	}
}

func TestKeywordExactlyOneSkill(t *testing.T) {
	always := func(string) (map[string]string, bool) { return map[string]string{"x": "y"}, true }
	reg := NewRegistry(
		Skill{Name: "a", Triggers: []string{"deploy the site"}, Params: always},
		Skill{Name: "b", Triggers: []string{"the site"}, Params: always},
	)
	if in, ok := reg.Match("deploy the site now"); ok {
		t.Errorf("two skills matched but %s fired", in.Skill)
	}
	if in, ok := reg.Match("is the site up"); !ok || in.Skill != "b" {
		t.Errorf("one skill matched but got %+v %v", in, ok)
	}
}

func TestRegistryAddRefuses(t *testing.T) {
	reg := DefaultRegistry()
	if err := reg.Add(Skill{Triggers: []string{"do something"}}); err == nil {
		t.Error("a skill without a name was accepted")
	}
	if err := reg.Add(Skill{Name: skills.Shell, Triggers: []string{"run stuff"}}); err == nil {
		t.Error("a second shell skill was accepted")
	}
	if n := len(reg.Skills()); n != 2 {
		t.Errorf("registry holds %d skills, want 2", n)
	}
	var nilReg *Registry
	if _, ok := nilReg.Match("run command ls"); ok {
		t.Error("a nil registry matched")
	}
}

func TestDecideWith(t *testing.T) {
	reg := DefaultRegistry()
	tests := []struct {
		in    string
		route Route
		skill skills.Name
		tier  tier.Tier
	}{
		{"!ls", RouteShell, skills.Shell, tier.Nano},
		{"read file /etc/hosts", RouteFile, skills.File, tier.Nano}, // the deterministic shortcut comes first
		{"please read file /etc/hosts", RouteKeyword, skills.File, tier.Nano},
		{"run command echo opus", RouteKeyword, skills.Shell, tier.Opus},
		{"think carefully and run command uptime", RouteFallback, skills.Chat, tier.Sonnet},
		{"please execute the plan", RouteFallback, skills.Chat, tier.Nano},
	}
	for _, tc := range tests {
		d := DecideWith(tc.in, reg)
		if d.Route != tc.route || d.Intent.Skill != tc.skill || d.Intent.Tier != tc.tier || d.Intent.Input != tc.in {
			t.Errorf("DecideWith(%q) = %s %s %s %q, want %s %s %s", tc.in, d.Route, d.Intent.Skill, d.Intent.Tier, d.Intent.Input, tc.route, tc.skill, tc.tier)
		}
		if d.Route == RouteKeyword && d.Confidence != KeywordConfidence {
			t.Errorf("keyword confidence = %v", d.Confidence)
		}
	}
	if d := DecideWith("please read file /etc/hosts", nil); d.Route != RouteFallback {
		t.Errorf("nil registry routed %s", d.Route)
	}
}

// BenchmarkKeywordMatch measures one keyword-shortcut lookup over the
// built-in triggers: hits, a miss and a misfire that must not fire.
// Target: under 5 µs each; a miss allocates at most once.
func BenchmarkKeywordMatch(b *testing.B) {
	reg := DefaultRegistry()
	inputs := []string{
		"please read file /etc/hosts",
		"run command df -h",
		"explain how TCP congestion control works in two paragraphs",
		"please execute the plan",
	}
	for _, in := range inputs {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = reg.Match(in)
			}
		})
	}
}

package router

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/core/tools"
)

// The classifier's prompt is built from the tool registry, byte for byte
// the prompt it was before the registry existed.
func TestClassifierPromptUnchanged(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "classifier_prompt.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if got := systemPrompt(BuiltinSkillInfo()); got != string(want) {
		t.Fatalf("the classifier prompt changed:\n%s", got)
	}
}

func TestBuiltinSkillTools(t *testing.T) {
	reg, err := tools.New(BuiltinSkillTools()...)
	if err != nil {
		t.Fatalf("the built-in skills do not register: %v", err)
	}
	want := []tools.Name{"chat", "agent", "shell", "file", "memory"}
	if got := reg.Names(); !slices.Equal(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	risks := map[tools.Name]tools.Risk{"chat": tools.ReadOnly, "agent": tools.Unbounded, "shell": tools.Unbounded,
		"file": tools.ChangesState, "memory": tools.ChangesState}
	infos := SkillInfoFrom(reg)
	for i, tl := range reg.Tools() {
		if tl.Risk != risks[tl.Name] || tl.Run != nil {
			t.Errorf("%s: risk %v, run set %v", tl.Name, tl.Risk, tl.Run != nil)
		}
		if string(infos[i].Name) != string(tl.Name) || infos[i].Description != tl.Description {
			t.Errorf("%s: the classifier's description is not the registry's", tl.Name)
		}
		// What a choice must carry, per the classifier, is in the schema.
		var s struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(tl.Schema, &s); err != nil {
			t.Fatalf("%s: schema: %v", tl.Name, err)
		}
		for _, params := range infos[i].Required {
			for _, p := range params {
				if _, ok := s.Properties[p]; !ok {
					t.Errorf("%s: the classifier requires %q, which the schema lacks", tl.Name, p)
				}
			}
		}
	}
}

// A tool with no entry in the router's own table is described from its
// schema, so a tool registered later is offered the same way.
func TestSkillInfoFromSchema(t *testing.T) {
	cases := []struct {
		name     string
		schema   string
		params   string
		required []string
	}{
		{"parameters by name, required kept",
			`{"type":"object","properties":{"title":{"type":"string","description":"the issue's title"},"body":{"type":"string"}},"required":["title"]}`,
			"body; title: the issue's title", []string{"title"}},
		{"no parameters", `{"type":"object"}`, "none: send {}", nil},
		{"properties of another shape", `{"type":"object","properties":[1,2]}`, "none: send {}", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reg := tools.MustNew(tools.Tool{Name: "mcp.forge.open_issue", Description: "opens an issue\non the forge",
				Schema: json.RawMessage(tc.schema), Risk: tools.Network})
			infos := SkillInfoFrom(reg)
			if len(infos) != 1 {
				t.Fatalf("%d infos", len(infos))
			}
			in := infos[0]
			if in.Name != "mcp.forge.open_issue" || in.Params != tc.params || !slices.Equal(in.Required[""], tc.required) {
				t.Fatalf("got %+v", in)
			}
			p := systemPrompt(append(BuiltinSkillInfo(), in))
			if !strings.Contains(p, "- name: mcp.forge.open_issue\n  description: opens an issue on the forge\n") {
				t.Fatalf("the prompt does not offer the tool on one line:\n%s", p)
			}
			if in.missing("", map[string]string{}) != strings.Join(tc.required, "") {
				t.Fatalf("a choice without its required parameters is not caught")
			}
		})
	}
	// The router's own table wins over the schema for a built-in skill.
	for _, in := range BuiltinSkillInfo() {
		if in.Name == skills.Memory && in.Normalize == nil {
			t.Fatal("the memory skill lost its normalisation")
		}
	}
}

package tools

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func tool(name string) Tool {
	return Tool{Name: Name(name), Description: "does " + name, Schema: StringSchema(Param{"x", "an x"}), Risk: ReadOnly,
		Run: func(context.Context, json.RawMessage) Result { return Result{Output: name, OK: true} }}
}

func TestRegisterRefusesBadTools(t *testing.T) {
	with := func(f func(*Tool)) Tool { tl := tool("t"); f(&tl); return tl }
	cases := []struct {
		name string
		tool Tool
		want string // in the error; "" means accepted
	}{
		{"plain", tool("read_file"), ""},
		{"namespaced", tool("mcp.github.create_issue"), ""},
		{"no run: described only", with(func(t *Tool) { t.Run = nil }), ""},
		{"empty name", with(func(t *Tool) { t.Name = "" }), "a name is"},
		{"space in name", with(func(t *Tool) { t.Name = "run command" }), "a name is"},
		{"control in name", with(func(t *Tool) { t.Name = "run\x1b[2J" }), "a name is"},
		{"starts with a digit", with(func(t *Tool) { t.Name = "1tool" }), "a name is"},
		{"too long", with(func(t *Tool) { t.Name = Name("a" + strings.Repeat("b", 64)) }), "a name is"},
		{"no description", with(func(t *Tool) { t.Description = "" }), "no description"},
		{"no risk", with(func(t *Tool) { t.Risk = 0 }), "unknown risk"},
		{"risk out of range", with(func(t *Tool) { t.Risk = Unbounded + 1 }), "unknown risk"},
		{"no schema", with(func(t *Tool) { t.Schema = nil }), "not a JSON object"},
		{"schema not JSON", with(func(t *Tool) { t.Schema = json.RawMessage(`{"type":`) }), "not a JSON object"},
		{"schema an array", with(func(t *Tool) { t.Schema = json.RawMessage(`["object"]`) }), "not a JSON object"},
		{"schema not of an object", with(func(t *Tool) { t.Schema = json.RawMessage(`{"type":"string"}`) }), `type is "string"`},
		{"schema with trailing text", with(func(t *Tool) { t.Schema = json.RawMessage(`{"type":"object"} {}`) }), "text after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r Registry
			err := r.Register(tc.tool)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			case tc.want != "" && len(r.Names()) != 0:
				t.Fatalf("a refused tool was registered: %v", r.Names())
			}
		})
	}
}

func TestDuplicateNamesRefused(t *testing.T) {
	r, err := New(tool("a"), tool("b"))
	if err != nil {
		t.Fatal(err)
	}
	second := tool("a")
	second.Description = "an impostor"
	if err := r.Register(second); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("a second tool named a: err = %v", err)
	}
	if got, _ := r.Lookup("a"); got.Description != "does a" {
		t.Fatalf("the first tool was replaced: %q", got.Description)
	}
	if _, err := New(tool("x"), tool("x")); err == nil {
		t.Fatal("New accepted a duplicate")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustNew accepted a duplicate")
		}
	}()
	MustNew(tool("x"), tool("x"))
}

func TestLookupAndOrder(t *testing.T) {
	r := MustNew(tool("c"), tool("a"), tool("b"))
	if got, want := r.Names(), []Name{"c", "a", "b"}; !slices.Equal(got, want) {
		t.Fatalf("names %v, want registration order %v", got, want)
	}
	for i, tl := range r.Tools() {
		if tl.Name != r.Names()[i] {
			t.Fatalf("tools and names disagree at %d: %q", i, tl.Name)
		}
	}
	cases := []struct {
		name Name
		ok   bool
	}{{"a", true}, {"b", true}, {"A", false}, {"", false}, {"d", false}}
	for _, tc := range cases {
		tl, ok := r.Lookup(tc.name)
		if ok != tc.ok || (ok && tl.Name != tc.name) {
			t.Errorf("Lookup(%q) = %q, %v", tc.name, tl.Name, ok)
		}
		if ok && tl.Run(context.Background(), nil).Output != string(tc.name) {
			t.Errorf("Lookup(%q) returned another tool's run", tc.name)
		}
	}
	var empty Registry
	if _, ok := empty.Lookup("a"); ok || len(empty.Tools()) != 0 {
		t.Fatal("the zero registry is not empty")
	}
}

func TestRegistryKeepsItsOwnSchema(t *testing.T) {
	tl := tool("a")
	var r Registry
	if err := r.Register(tl); err != nil {
		t.Fatal(err)
	}
	copy(tl.Schema, `{"type":"string"`)
	got, _ := r.Lookup("a")
	if err := checkSchema(got.Schema); err != nil {
		t.Fatalf("changing the caller's schema changed the registry's: %v", err)
	}
}

func TestStringSchemaIsValid(t *testing.T) {
	raw := StringSchema(Param{"path", `a "quoted" path`}, Param{"content", "text\nwith a newline"})
	var s struct {
		Type       string                       `json:"type"`
		Properties map[string]map[string]string `json:"properties"`
		Required   []string                     `json:"required"`
		Additional *bool                        `json:"additionalProperties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("not valid JSON: %v\n%s", err, raw)
	}
	if s.Type != "object" || s.Additional == nil || *s.Additional ||
		!slices.Equal(s.Required, []string{"path", "content"}) ||
		s.Properties["path"]["description"] != `a "quoted" path` || s.Properties["content"]["type"] != "string" {
		t.Fatalf("schema %s", raw)
	}
	if err := checkSchema(StringSchema()); err != nil {
		t.Fatalf("a schema without parameters: %v", err)
	}
}

func TestRiskOf(t *testing.T) {
	assess := func(r Risk) func(json.RawMessage) Risk { return func(json.RawMessage) Risk { return r } }
	cases := []struct {
		name   string
		risk   Risk
		assess func(json.RawMessage) Risk
		want   Risk
	}{
		{"no assessment: the tool's class", ChangesState, nil, ChangesState},
		{"narrower for these arguments", Unbounded, assess(ReadOnly), ReadOnly},
		{"never above the tool's class", ReadOnly, assess(Unbounded), ReadOnly},
		{"unknown verdict: the tool's class", ChangesState, assess(0), ChangesState},
		{"out-of-range verdict: the tool's class", ReadsSecrets, assess(200), ReadsSecrets},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tl := Tool{Risk: tc.risk, Assess: tc.assess}
			if got := tl.RiskOf(json.RawMessage(`{}`)); got != tc.want {
				t.Fatalf("RiskOf = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRiskNames(t *testing.T) {
	cases := []struct {
		r       Risk
		name    string
		unasked bool
	}{
		{ReadOnly, "read-only", true}, {ReadsSecrets, "reads-secrets", false}, {ChangesState, "changes-state", false},
		{Network, "network", false}, {Unbounded, "unbounded", false}, {0, "risk(0)", false}, {9, "risk(9)", false},
	}
	for _, tc := range cases {
		if tc.r.String() != tc.name || tc.r.RunsUnasked() != tc.unasked {
			t.Errorf("%d: %q unasked=%v, want %q %v", tc.r, tc.r.String(), tc.r.RunsUnasked(), tc.name, tc.unasked)
		}
	}
}

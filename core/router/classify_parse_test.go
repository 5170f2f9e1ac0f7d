package router

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestParseClassification(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		skill  string
		conf   float64
		params map[string]string
		bad    bool
	}{
		{name: "plain", in: `{"skill":"shell","parameters":{"command":"df -h"},"confidence":0.9,"reasoning":"disk"}`,
			skill: "shell", conf: 0.9, params: map[string]string{"command": "df -h"}},
		{name: "blanks", in: "\n  {\"skill\":\"chat\",\"parameters\":{},\"confidence\":1}  \n", skill: "chat", conf: 1, params: map[string]string{}},
		{name: "json fence", in: "```json\n{\"skill\":\"file\",\"parameters\":{\"action\":\"read\",\"path\":\"/x\"},\"confidence\":0.8}\n```",
			skill: "file", conf: 0.8, params: map[string]string{"action": "read", "path": "/x"}},
		{name: "bare fence", in: "```\n{\"skill\":\"chat\",\"confidence\":0.7}\n```", skill: "chat", conf: 0.7, params: map[string]string{}},
		{name: "fence mid prose", in: "Sure! Here it is:\n```JSON\n{\"skill\":\"shell\",\"parameters\":{\"command\":\"uptime\"},\"confidence\":0.6}\n```\nHope that helps.",
			skill: "shell", conf: 0.6, params: map[string]string{"command": "uptime"}},
		{name: "one-line fence", in: "```{\"skill\":\"chat\",\"confidence\":0.4}```", skill: "chat", conf: 0.4, params: map[string]string{}},
		{name: "prose around object", in: `I think {"skill":"shell","parameters":{"command":"echo {x}"},"confidence":0.75} is right.`,
			skill: "shell", conf: 0.75, params: map[string]string{"command": "echo {x}"}},
		{name: "brace in string", in: `{"skill":"shell","parameters":{"command":"echo \"}\""},"confidence":0.7}`,
			skill: "shell", conf: 0.7, params: map[string]string{"command": `echo "}"`}},
		{name: "null confidence", in: `{"skill":"shell","parameters":{"command":"ls"},"confidence":null}`,
			skill: "shell", conf: 0.5, params: map[string]string{"command": "ls"}},
		{name: "missing confidence", in: `{"skill":"shell","parameters":{"command":"ls"}}`, skill: "shell", conf: 0.5, params: map[string]string{"command": "ls"}},
		{name: "numeric string confidence", in: `{"skill":"chat","confidence":"0.8"}`, skill: "chat", conf: 0.8, params: map[string]string{}},
		{name: "confidence above 1", in: `{"skill":"chat","confidence":7}`, skill: "chat", conf: 1, params: map[string]string{}},
		{name: "confidence below 0", in: `{"skill":"chat","confidence":-2}`, skill: "chat", conf: 0, params: map[string]string{}},
		{name: "missing skill", in: `{"parameters":{},"confidence":0.9}`, skill: "chat", conf: 0.9, params: map[string]string{}},
		{name: "null skill", in: `{"skill":null,"confidence":0.9}`, skill: "chat", conf: 0.9, params: map[string]string{}},
		{name: "original key and suffix", in: `{"skill_name":"Shell_Skill","parameters":{"command":"ls"},"confidence":0.9}`,
			skill: "shell", conf: 0.9, params: map[string]string{"command": "ls"}},
		{name: "parameters array", in: `{"skill":"shell","parameters":["ls"],"confidence":0.9}`, skill: "shell", conf: 0.9, params: map[string]string{}},
		{name: "parameters string", in: `{"skill":"shell","parameters":"ls","confidence":0.9}`, skill: "shell", conf: 0.9, params: map[string]string{}},
		{name: "parameters null", in: `{"skill":"shell","parameters":null,"confidence":0.9}`, skill: "shell", conf: 0.9, params: map[string]string{}},
		{name: "values become strings", in: `{"skill":"x","parameters":{"n":3,"b":true,"f":1.5,"nested":{"a": [1, 2]},"list":["a"],"gone":null},"confidence":0.9}`,
			skill: "x", conf: 0.9, params: map[string]string{"n": "3", "b": "true", "f": "1.5", "nested": `{"a":[1,2]}`, "list": `["a"]`}},
		{name: "reasoning not a string", in: `{"skill":"chat","confidence":0.9,"reasoning":{"a":1}}`, skill: "chat", conf: 0.9, params: map[string]string{}},

		// Unparseable, never a panic.
		{name: "empty", in: "", bad: true},
		{name: "blank", in: "  \n ", bad: true},
		{name: "top-level array", in: `[]`, bad: true},
		{name: "top-level array of objects", in: `[{"skill":"shell","parameters":{"command":"rm -rf ~"},"confidence":1}]`, bad: true},
		{name: "null", in: `null`, bad: true},
		{name: "number", in: `0.9`, bad: true},
		{name: "string", in: `"shell"`, bad: true},
		{name: "true", in: `true`, bad: true},
		{name: "fenced array", in: "```json\n[1,2]\n```", bad: true},
		{name: "fenced null", in: "```json\nnull\n```", bad: true},
		{name: "garbage", in: "I'm not sure what you mean.", bad: true},
		{name: "unclosed", in: `{"skill":"shell","parameters":{"command":"ls"}`, bad: true},
		{name: "invalid json inside braces", in: `{skill: shell}`, bad: true},
		{name: "confidence word", in: `{"skill":"shell","parameters":{"command":"ls"},"confidence":"high"}`, bad: true},
		{name: "confidence object", in: `{"skill":"shell","confidence":{"v":1}}`, bad: true},
		{name: "confidence NaN string", in: `{"skill":"shell","confidence":"NaN"}`, bad: true},
		{name: "skill number", in: `{"skill":3,"confidence":0.9}`, bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseClassification(tc.in)
			if tc.bad {
				if err == nil || !errors.Is(err, ErrUnparseable) {
					t.Fatalf("ParseClassification(%q) = %+v, %v; want ErrUnparseable", tc.in, c, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseClassification(%q): %v", tc.in, err)
			}
			if c.Skill != tc.skill || c.Confidence != tc.conf || !maps.Equal(c.Parameters, tc.params) {
				t.Errorf("got %q %v %v, want %q %v %v", c.Skill, c.Confidence, c.Parameters, tc.skill, tc.conf, tc.params)
			}
			if c.Parameters == nil {
				t.Error("parameters are nil")
			}
		})
	}
}

func TestExtractJSONObjectPicksFirst(t *testing.T) {
	got, err := ExtractJSONObject(`first {"a":1} then {"b":2}`)
	if err != nil || got != `{"a":1}` {
		t.Fatalf("got %q, %v", got, err)
	}
	got, err = ExtractJSONObject(`broken { then {"b":2}`)
	if err != nil || got != `{"b":2}` {
		t.Fatalf("an unclosed brace before the object: got %q, %v", got, err)
	}
}

// Every prefix of a valid answer, and a few mangled ones, parse or fail
// without a panic.
func TestParseClassificationNeverPanics(t *testing.T) {
	full := "```json\n{\"skill\":\"file\",\"parameters\":{\"action\":\"write\",\"path\":\"/x\",\"content\":\"a \\\"b\\\" {c}\"},\"confidence\":0.8,\"reasoning\":\"r\"}\n```"
	for i := range len(full) + 1 {
		_, _ = ParseClassification(full[:i])
		_, _ = ParseClassification(full[i:])
	}
	for _, s := range []string{"{", "}", "{{}}", "```", "``````", "{\"a\":\"\\", "[{]", strings.Repeat("{", 1000)} {
		_, _ = ParseClassification(s)
	}
}

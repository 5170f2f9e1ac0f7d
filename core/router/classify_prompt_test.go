package router

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
)

func TestSystemPrompt(t *testing.T) {
	p := systemPrompt(BuiltinSkillInfo())
	for _, want := range []string{
		"intent router for Macroa",
		"- name: shell", "- name: file", "- name: memory", "- name: chat",
		"example triggers: run command, run the command, run this command, run shell command, execute command\n",
		"command: the exact shell command",
		"action: read|write|list|exists",
		`"required":["skill","parameters","confidence","reasoning"]`,
		"flat object",
		"Prefer continuity",
		"chat only when no other skill fits",
		"no markdown",
		"User: show disk usage\nAnswer: {\"skill\":\"shell\"",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	// Only the first five triggers are shown.
	if strings.Contains(p, "execute the command,") {
		t.Error("the prompt shows more than five triggers")
	}
	// Examples of skills that are not offered are left out.
	only := systemPrompt([]SkillInfo{{Name: skills.Chat, Description: "talks"}})
	if strings.Contains(only, "df -h") || strings.Contains(only, "- name: shell") {
		t.Error("a chat-only prompt shows the shell skill or its example")
	}
}

func TestClassifierSchemaIsJSON(t *testing.T) {
	var v map[string]any
	if err := json.Unmarshal([]byte(classifierSchema([]string{"chat", "shell"})), &v); err != nil {
		t.Fatal(err)
	}
	props := v["properties"].(map[string]any)
	for _, k := range []string{"skill", "parameters", "confidence", "reasoning"} {
		if _, ok := props[k]; !ok {
			t.Errorf("schema lacks %q", k)
		}
	}
}

func TestClassifierMessagesHistory(t *testing.T) {
	var hist []providers.Message
	for i := range 12 {
		role := providers.RoleUser
		if i%2 == 1 {
			role = providers.RoleAssistant
		}
		hist = append(hist, providers.Message{Role: role, Content: "m" + string(rune('a'+i))})
	}
	hist = append(hist,
		providers.Message{Role: providers.RoleTool, Content: "tool output"},
		providers.Message{Role: providers.RoleSystem, Content: "sys"},
		providers.Message{Role: providers.RoleAssistant, Content: "  "},
		providers.Message{Role: providers.RoleAssistant, Content: strings.Repeat("x", 5000)},
	)
	c := &Classifier{}
	msgs := c.Messages("now this", hist)
	if len(msgs) != 1+8+1 {
		t.Fatalf("%d messages, want system + 8 + input", len(msgs))
	}
	if msgs[0].Role != providers.RoleSystem || msgs[9].Role != providers.RoleUser || msgs[9].Content != "now this" {
		t.Errorf("first/last = %+v / %+v", msgs[0].Role, msgs[9])
	}
	// The last 8 user/assistant messages, oldest first: mf..ml, then the long one.
	if msgs[1].Content != "mf" || msgs[7].Content != "ml" {
		t.Errorf("history window = %q .. %q, want mf .. ml", msgs[1].Content, msgs[7].Content)
	}
	if n := len([]rune(msgs[8].Content)); n != classifierHistoryChars {
		t.Errorf("a long history message kept %d characters", n)
	}
	for _, m := range msgs[1:9] {
		if m.Role != providers.RoleUser && m.Role != providers.RoleAssistant {
			t.Errorf("history holds a %s message", m.Role)
		}
	}
}

func TestDecisionForValidates(t *testing.T) {
	infos := BuiltinSkillInfo()
	tests := []struct {
		name   string
		c      Classification
		skill  skills.Name
		action string
		conf   float64
		args   map[string]string
	}{
		{"shell with command", Classification{Skill: "shell", Parameters: map[string]string{"command": "df -h"}, Confidence: 0.9}, skills.Shell, "run", 0.9, map[string]string{"command": "df -h"}},
		{"shell without command", Classification{Skill: "shell", Parameters: map[string]string{}, Confidence: 0.9}, skills.Chat, "", 0.3, nil},
		{"file read without path", Classification{Skill: "file", Parameters: map[string]string{"action": "read"}, Confidence: 0.9}, skills.Chat, "", 0.3, nil},
		{"file default read", Classification{Skill: "file", Parameters: map[string]string{"path": "/x"}, Confidence: 0.8}, skills.File, "read", 0.8, map[string]string{"path": "/x"}},
		{"file write without content", Classification{Skill: "file", Parameters: map[string]string{"action": "write", "path": "/x"}, Confidence: 0.9}, skills.Chat, "", 0.3, nil},
		{"file unknown action", Classification{Skill: "file", Parameters: map[string]string{"action": "delete", "path": "/x"}, Confidence: 0.9}, skills.Chat, "", 0.3, nil},
		{"memory get alias", Classification{Skill: "memory", Parameters: map[string]string{"action": "get", "query": "Server IP"}, Confidence: 0.9}, skills.Memory, "recall", 0.9, map[string]string{"key": "server_ip", "query": "Server IP"}},
		{"memory set", Classification{Skill: "memory", Parameters: map[string]string{"action": "set", "key": "Favourite Editor", "value": "helix"}, Confidence: 0.9}, skills.Memory, "set", 0.9, map[string]string{"key": "favourite_editor", "value": "helix"}},
		{"memory set without value", Classification{Skill: "memory", Parameters: map[string]string{"action": "set", "key": "x"}, Confidence: 0.9}, skills.Chat, "", 0.3, nil},
		{"memory no action", Classification{Skill: "memory", Parameters: map[string]string{"key": "x"}, Confidence: 0.9}, skills.Chat, "", 0.3, nil},
		{"unknown skill", Classification{Skill: "reminder", Parameters: map[string]string{}, Confidence: 0.99}, skills.Chat, "", 0.3, nil},
		{"chat", Classification{Skill: "chat", Parameters: map[string]string{"x": "y"}, Confidence: 0.7}, skills.Chat, "", 0.7, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decisionFor(tc.c, infos, "in", 0, false)
			if d.Intent.Skill != tc.skill || d.Intent.Action != tc.action || d.Confidence != tc.conf || d.Route != RouteClassifier {
				t.Fatalf("got %s %q %v %s, want %s %q %v", d.Intent.Skill, d.Intent.Action, d.Confidence, d.Route, tc.skill, tc.action, tc.conf)
			}
			if tc.args != nil {
				for k, v := range tc.args {
					if d.Intent.Args[k] != v {
						t.Errorf("arg %s = %q, want %q (all %v)", k, d.Intent.Args[k], v, d.Intent.Args)
					}
				}
				if _, ok := d.Intent.Args["action"]; ok {
					t.Error("action left in Args")
				}
			}
		})
	}
}

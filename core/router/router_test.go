package router

import (
	"maps"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/tier"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		in     string
		route  Route
		skill  skills.Name
		action string
		args   map[string]string
		tier   tier.Tier
	}{
		// Hard shell route; tier keywords still recorded.
		{in: "!echo hi", route: RouteShell, skill: skills.Shell, action: "run", args: map[string]string{"command": "echo hi"}},
		{in: "  ! ls -la", route: RouteShell, skill: skills.Shell, action: "run", args: map[string]string{"command": "ls -la"}},
		{in: "$ echo x", route: RouteShell, skill: skills.Shell, action: "run", args: map[string]string{"command": "echo x"}},
		{in: "!", route: RouteShell, skill: skills.Shell, action: "run", args: map[string]string{"command": ""}},
		{in: "!echo opus", route: RouteShell, skill: skills.Shell, action: "run", args: map[string]string{"command": "echo opus"}, tier: tier.Opus},

		// Memory set.
		{in: "remember my server IP is 10.0.0.1", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "server_ip", "value": "10.0.0.1"}},
		{in: "Please remember that my wifi password is abc is def.", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "wifi_password", "value": "abc is def"}},
		{in: "remember my pets are 'Rex and Tom'", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "pets", "value": "Rex and Tom"}},
		{in: "remember 2fa code = 123", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "2fa_code", "value": "123"}},
		{in: "remember my dog's name is Rex", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "dogs_name", "value": "Rex"}},
		{in: "remember my café name is Blue", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "café_name", "value": "Blue"}},
		{in: "remember that the meeting is at 5pm", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "meeting", "value": "at 5pm"}},
		{in: "store my editor = helix", route: RouteMemory, skill: skills.Memory, action: "set", args: map[string]string{"key": "editor", "value": "helix"}},
		// Not facts: the spec's over-matches, corrected.
		{in: "save my work is important", route: RouteFallback, skill: skills.Chat},
		{in: "remember my name", route: RouteFallback, skill: skills.Chat},

		// Memory recall.
		{in: "what is my server IP?", route: RouteMemory, skill: skills.Memory, action: "recall", args: map[string]string{"key": "server_ip", "query": "server IP"}},
		{in: "what's my editor", route: RouteMemory, skill: skills.Memory, action: "recall", args: map[string]string{"key": "editor", "query": "editor"}},
		{in: "whats my editor", route: RouteMemory, skill: skills.Memory, action: "recall", args: map[string]string{"key": "editor", "query": "editor"}},
		{in: "recall server ip", route: RouteMemory, skill: skills.Memory, action: "recall", args: map[string]string{"key": "server_ip", "query": "server ip"}},
		{in: "what is the weather", route: RouteFallback, skill: skills.Chat},
		{in: "forget my editor", route: RouteMemory, skill: skills.Memory, action: "forget", args: map[string]string{"key": "editor", "query": "editor"}},
		{in: "list my memories", route: RouteMemory, skill: skills.Memory, action: "list", args: map[string]string{}},
		{in: "what do you know about me?", route: RouteMemory, skill: skills.Memory, action: "list", args: map[string]string{}},
		{in: "search memory for wifi", route: RouteMemory, skill: skills.Memory, action: "search", args: map[string]string{"query": "wifi"}},

		// Files, with their paths.
		{in: "read file /etc/hosts", route: RouteFile, skill: skills.File, action: "read", args: map[string]string{"path": "/etc/hosts"}},
		{in: `show file "~/my notes.txt"`, route: RouteFile, skill: skills.File, action: "read", args: map[string]string{"path": "~/my notes.txt"}},
		{in: "list directory ~/src", route: RouteFile, skill: skills.File, action: "list", args: map[string]string{"path": "~/src"}},
		{in: "write file ~/todo.txt: buy milk", route: RouteFile, skill: skills.File, action: "write", args: map[string]string{"path": "~/todo.txt", "content": "buy milk"}},
		{in: "does file ~/x exist?", route: RouteFile, skill: skills.File, action: "exists", args: map[string]string{"path": "~/x"}},

		// Everything else needs a model; tier keywords set its tier.
		{in: "tell me a joke", route: RouteFallback, skill: skills.Chat},
		{in: "delete the old logs", route: RouteFallback, skill: skills.Chat},
		{in: "think carefully about CAP", route: RouteFallback, skill: skills.Chat, tier: tier.Sonnet},
		{in: "quick answer from the smartest", route: RouteFallback, skill: skills.Chat, tier: tier.Opus},
		{in: "a magnum opus", route: RouteFallback, skill: skills.Chat, tier: tier.Opus},
		{in: "an octopus", route: RouteFallback, skill: skills.Chat},
		{in: "quick answer please", route: RouteFallback, skill: skills.Chat, tier: tier.Haiku},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d := Decide(tc.in)
			if d.Route != tc.route || d.Intent.Skill != tc.skill || d.Intent.Action != tc.action {
				t.Fatalf("got route=%s skill=%s action=%q, want %s %s %q", d.Route, d.Intent.Skill, d.Intent.Action, tc.route, tc.skill, tc.action)
			}
			if tc.args != nil && !maps.Equal(d.Intent.Args, tc.args) {
				t.Errorf("args = %v, want %v", d.Intent.Args, tc.args)
			}
			if d.Intent.Tier != tc.tier {
				t.Errorf("tier = %s, want %s", d.Intent.Tier, tc.tier)
			}
			if d.NeedsModel() != (tc.skill == skills.Chat) {
				t.Errorf("NeedsModel = %v", d.NeedsModel())
			}
			if d.Intent.Input != tc.in {
				t.Errorf("input not kept: %q", d.Intent.Input)
			}
		})
	}
}

func TestNormalizeKey(t *testing.T) {
	tests := map[string]string{
		"Server IP":        "server_ip",
		"  wifi--password": "wifi_password",
		"the meeting":      "meeting",
		"dog's name":       "dogs_name",
		"a":                "a",
		"x  y  z":          "x_y_z",
	}
	for in, want := range tests {
		if got := NormalizeKey(in); got != want {
			t.Errorf("NormalizeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecideRejectsOddKeys(t *testing.T) {
	for _, in := range []string{"remember my a@b is c", "what is my $HOME", "remember my _x is y", "forget my #tag"} {
		if d := Decide(in); d.Route == RouteMemory {
			t.Errorf("%q took the memory route with %v", in, d.Intent.Args)
		}
	}
}

func TestDecideLengthLimits(t *testing.T) {
	long := strings.Repeat("k", 52)
	if d := Decide("remember my " + long + " is v"); d.Route == RouteMemory {
		t.Errorf("a 52-character key was accepted")
	}
	if d := Decide("remember my k is " + strings.Repeat("v", 301)); d.Route == RouteMemory {
		t.Errorf("a 301-character value was accepted")
	}
	if d := Decide("remember my k is " + strings.Repeat("v", 300)); d.Route != RouteMemory {
		t.Errorf("a 300-character value was refused")
	}
}

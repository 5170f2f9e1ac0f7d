package config

import (
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	valid := map[string]string{
		"enter": "enter", "esc": "esc", "escape": "esc", "return": "enter", "tab": "tab",
		"shift+tab": "shift+tab", "ctrl+x": "ctrl+x", "alt+x": "alt+x", "f1": "f1", "f12": "f12",
		"up": "up", "down": "down", "left": "left", "right": "right", "pgup": "pgup", "pagedown": "pgdown",
		"home": "home", "end": "end", "space": "space", "backspace": "backspace", "delete": "delete",
		"q": "q", "?": "?", "G": "G", "/": "/", "+": "+", "ctrl++": "ctrl++", "é": "é",
		"shift+ctrl+alt+a": "ctrl+alt+shift+a", "alt+ctrl+up": "ctrl+alt+up", "ctrl+shift+f5": "ctrl+shift+f5",
	}
	for in, want := range valid {
		got, err := ParseKey(in)
		if err != nil || got != want {
			t.Errorf("ParseKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := map[string]string{
		"":            "empty",
		" ":           "blanks",
		" q":          "blanks",
		"Enter":       `"enter"`,
		"CTRL+X":      "not a key",
		"ctrl+X":      "lower case",
		"ctrl+ctrl+x": "repeats ctrl",
		"ctrl+":       "not a key",
		"f13":         "f1 to f12",
		"f0":          "f1 to f12",
		"enterr":      "not a key",
		"ab":          "not a key",
		"super+x":     "not a key",
		"\t":          "blanks",
		"\x01":        "printable",
		"ctrl+ ":      "blanks",
	}
	for in, want := range invalid {
		got, err := ParseKey(in)
		if err == nil {
			t.Errorf("ParseKey(%q) = %q, want an error", in, got)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKey(%q) error %q does not mention %q", in, err, want)
		}
	}
	if _, err := ParseKey(" "); err == nil {
		t.Error("a bare space was accepted")
	}
}

func TestKeyListsDeduplicateAndAllowUnbinding(t *testing.T) {
	f := newFixture(t)
	f.toml("[keys.sessions]\nopen = [\"enter\", \"return\", \"o\"]\ndelete = []\n")
	c := f.load()
	got := c.File.Keys["sessions"]
	if strings.Join(got["open"], ",") != "enter,o" {
		t.Errorf("open = %q", got["open"])
	}
	if d, ok := got["delete"]; !ok || len(d) != 0 {
		t.Errorf("delete = %q, %v; want an explicit empty list", d, ok)
	}
}

func TestEveryPaneAccepted(t *testing.T) {
	var b strings.Builder
	for i, p := range Panes {
		b.WriteString("[keys." + p + "]\nact = \"f" + string(rune('1'+i)) + "\"\n")
	}
	f := newFixture(t)
	f.toml(b.String())
	c := f.load()
	if len(c.File.Keys) != len(Panes) {
		t.Errorf("keys = %v", c.File.Keys)
	}
}

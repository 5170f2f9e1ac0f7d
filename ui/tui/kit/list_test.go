package kit

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// press is a key press by name, for the few keys these tests use (kit
// cannot import tuitest, which imports kit).
func press(name string) tea.KeyPressMsg {
	switch name {
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	return tea.KeyPressMsg{Code: []rune(name)[0], Text: name}
}

func TestListMatch(t *testing.T) {
	cases := []struct {
		query string
		texts []string
		want  bool
	}{
		{"", []string{"anything"}, true},
		{"", nil, true},
		{"prod", []string{"Prod-DB"}, true},
		{"PROD", []string{"my-prod"}, true},
		{"prod", []string{"staging", "production"}, true},
		{"prod", []string{"pro", "d"}, false},
		{"ünï", []string{"ÜNÏCODE"}, true},
		{"x", []string{""}, false},
	}
	for _, tc := range cases {
		var l List
		l.setQuery(tc.query)
		if got := l.Match(tc.texts...); got != tc.want {
			t.Errorf("Match(%q in %q) = %v", tc.query, tc.texts, got)
		}
	}
}

func TestListFilterKeys(t *testing.T) {
	keys := ListBindings()
	var l List
	if h, _ := l.FilterKey(keys, press("a")); h {
		t.Fatal("a letter was taken with the filter closed")
	}
	if h, _ := l.FilterKey(keys, press("esc")); h {
		t.Fatal("esc was taken with no filter")
	}
	if h, _ := l.FilterKey(keys, press("/")); !h || !l.Filtering {
		t.Fatal("/ did not open the filter")
	}
	for _, k := range []string{"a", "B"} {
		if h, ch := l.FilterKey(keys, press(k)); !h || !ch {
			t.Fatalf("%s: handled %v changed %v", k, h, ch)
		}
	}
	if l.Query() != "ab" {
		t.Fatalf("query %q", l.Query())
	}
	if h, _ := l.FilterKey(keys, tea.KeyPressMsg{Code: tea.KeyUp}); h {
		t.Fatal("up was taken by the filter: the list should move")
	}
	if h, ch := l.FilterKey(keys, press("enter")); !h || ch || l.Filtering || l.Query() != "ab" {
		t.Fatal("enter did not keep the filter")
	}
	if h, ch := l.FilterKey(keys, press("esc")); !h || !ch || l.Query() != "" {
		t.Fatal("esc did not clear the kept filter")
	}
	l.FilterKey(keys, press("/"))
	l.FilterKey(keys, press("z"))
	if h, ch := l.FilterKey(keys, press("esc")); !h || !ch || l.Filtering || l.Query() != "" {
		t.Fatal("esc while typing did not clear and close the filter")
	}
	if ReadOnly(keys)[len(keys)-1].Enabled() != true {
		t.Fatal("read-only strips the filter")
	}
}

func TestListFilterPasteIsCleaned(t *testing.T) {
	var l List
	if l.FilterPaste(tea.PasteMsg{Content: "x"}) {
		t.Fatal("a paste changed a closed filter")
	}
	l.FilterKey(ListBindings(), press("/"))
	if !l.FilterPaste(tea.PasteMsg{Content: "\x1b[31mRed\x1b[0m\u202e"}) || l.Query() != "red" {
		t.Fatalf("query %q", l.Query())
	}
}

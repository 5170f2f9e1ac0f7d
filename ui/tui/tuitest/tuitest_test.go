package tuitest

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

func TestKeyRoundTrips(t *testing.T) {
	for _, name := range []string{
		"a", "A", "?", "1", "é", "enter", "esc", "tab", "backspace", "space", "up", "pgdown", "delete", "f1",
		"ctrl+c", "ctrl+j", "alt+1", "alt+enter", "shift+tab", "ctrl+alt+left", "alt+backspace", "ctrl+shift+up",
	} {
		if got := Key(name).String(); got != name {
			t.Errorf("Key(%q).String() = %q", name, got)
		}
	}
}

func TestKeyFields(t *testing.T) {
	cases := []struct {
		name string
		want tea.KeyPressMsg
	}{
		{"a", tea.KeyPressMsg{Code: 'a', Text: "a"}},
		{"space", tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}},
		{"ctrl+c", tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}},
		{"alt+1", tea.KeyPressMsg{Code: '1', Mod: tea.ModAlt}},
		{"shift+tab", tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}},
		{"shift+a", tea.KeyPressMsg{Code: 'a', Mod: tea.ModShift, Text: "A"}},
		{"escape", tea.KeyPressMsg{Code: tea.KeyEscape}},
	}
	for _, tc := range cases {
		if got := Key(tc.name); got != tc.want {
			t.Errorf("Key(%q) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestKeyRejectsWhatIsNoKey(t *testing.T) {
	for _, name := range []string{"", "ab", "ctrl+", "enterr", "\x1b", "ctrl+\x00"} {
		if _, err := parseKey(name); err == nil {
			t.Errorf("parseKey(%q) took it as a key", name)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Key of no key name did not panic")
		}
	}()
	Key("nope")
}

func TestTyping(t *testing.T) {
	var got []string
	for _, k := range Typing("a b\n") {
		got = append(got, k.String())
	}
	if want := []string{"a", "space", "b", "enter"}; !slices.Equal(got, want) {
		t.Fatalf("Typing = %q, want %q", got, want)
	}
}

// msgOf is a command returning msg.
func msgOf(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func TestRunOpensBatchesAndSequences(t *testing.T) {
	var got []string
	handle := func(msg tea.Msg) tea.Cmd {
		s := msg.(string)
		got = append(got, s)
		if s == "b" {
			return msgOf("from b") // a result's command runs too
		}
		return nil
	}
	seq := tea.Sequence(msgOf("s1"), tea.Batch(msgOf("s2")), msgOf("s3"))
	Run(t, tea.Batch(msgOf("b"), nil, seq), time.Second, handle)
	if want := []string{"b", "s1", "s2", "s3", "from b"}; !slices.Equal(got, want) {
		t.Fatalf("handled %q, want %q", got, want)
	}
}

// fatalTB records a fatal failure instead of ending the real test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs fn with a recording TB and returns its fatal message.
func failure(t *testing.T, fn func(tb testing.TB)) string {
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); fn(f) }()
	<-done
	return f.msg
}

func TestRunFailsOnAStuckCommand(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	msg := failure(t, func(tb testing.TB) {
		Run(tb, func() tea.Msg { <-block; return nil }, 20*time.Millisecond, func(tea.Msg) tea.Cmd { return nil })
	})
	if !strings.Contains(msg, "did not return") {
		t.Fatalf("stuck command: %q", msg)
	}
}

func TestRunFailsOnALoop(t *testing.T) {
	msg := failure(t, func(tb testing.TB) {
		Run(tb, msgOf(1), time.Second, func(tea.Msg) tea.Cmd { return msgOf(1) })
	})
	if !strings.Contains(msg, "never settle") {
		t.Fatalf("endless commands: %q", msg)
	}
}

// counter is a pane that counts typed characters and answers "load" with
// a command whose result it records.
type counter struct {
	typed  string
	loaded []string
}

func (c *counter) HandleKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch k.String() {
	case "ctrl+l":
		return tea.Batch(msgOf("loaded"), msgOf(toast("loading"))), true
	case "ctrl+x":
		return nil, false
	}
	c.typed += k.Text
	return nil, k.Text != ""
}

type toast string

func (c *counter) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case string:
		c.loaded = append(c.loaded, msg)
	case tea.PasteMsg:
		c.typed += msg.Content
	}
	return nil
}

func TestDriverForPane(t *testing.T) {
	p := &counter{}
	d := ForPane(t, p, WithKeep(func(msg tea.Msg) bool { _, ok := msg.(toast); return ok }))
	d.Type("hi there")
	d.Paste("!")
	d.Press("ctrl+l", "ctrl+x")
	if p.typed != "hi there!" {
		t.Errorf("typed %q", p.typed)
	}
	if !slices.Equal(p.loaded, []string{"loaded"}) {
		t.Errorf("results fed back: %q", p.loaded)
	}
	if kept := d.Kept(); len(kept) != 1 || kept[0] != toast("loading") {
		t.Errorf("kept %v", kept)
	}
	if d.Unhandled != 1 {
		t.Errorf("unhandled = %d, want 1 (ctrl+x)", d.Unhandled)
	}
}

func TestStyled(t *testing.T) {
	st := Styles(t, "dark")
	view := "a " + st.Accent.Render("b") + " c"
	if !Styled(view, st.Accent, "b") || Styled(view, st.Error, "b") || Styled(view, lipgloss.NewStyle().Bold(true), "a") {
		t.Fatal("Styled does not tell the styles apart")
	}
}

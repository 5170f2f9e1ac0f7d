package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// boxPane is a minimal pane for testing the root's layout and keys.
type boxPane struct {
	id        PaneID
	capturing bool
	running   bool
	keys      []string
}

func (p *boxPane) ID() PaneID      { return p.id }
func (p *boxPane) Title() string   { return string(p.id) }
func (p *boxPane) Init() tea.Cmd   { return nil }
func (p *boxPane) Capturing() bool { return p.capturing }
func (p *boxPane) Keys() []Binding {
	return []Binding{NewBinding("poke", "poke the "+string(p.id)+" pane", "p")}
}
func (p *boxPane) Update(tea.Msg) tea.Cmd {
	return nil
}
func (p *boxPane) HandleKey(m tea.KeyPressMsg) (tea.Cmd, bool) {
	p.keys = append(p.keys, m.String())
	return nil, m.String() == "p" || (p.capturing && len(m.String()) == 1)
}
func (p *boxPane) View(w, h int, focused bool) string {
	return strings.Repeat(string(p.id)+" ", 3) + "\nsecond line"
}
func (p *boxPane) Cancel() bool {
	was := p.running
	p.running = false
	return was
}

func testApp(t *testing.T, w, h int) (*App, []*boxPane) {
	t.Helper()
	panes := []*boxPane{{id: PaneChat, capturing: true}, {id: PaneSessions}, {id: PaneAudit}}
	a := New(Options{Styles: tuitest.Styles(t, "ansi"), Hint: "set OPENROUTER_API_KEY", Panes: []Pane{panes[0], panes[1], panes[2]}})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return a, panes
}

func TestAppLayoutGoldens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {160, 48}} {
		a, _ := testApp(t, size.w, size.h)
		view := a.render()
		ls := tuitest.Lines(view)
		if len(ls) != size.h {
			t.Fatalf("%dx%d: %d lines", size.w, size.h, len(ls))
		}
		for i, l := range ls {
			if w := len([]rune(l)); w > size.w {
				t.Fatalf("%dx%d: line %d is %d cells wide", size.w, size.h, i, w)
			}
		}
		tuitest.RequireGolden(t, "app_layout_"+strconv.Itoa(size.w)+"x"+strconv.Itoa(size.h), view)
	}
}

func TestAppStatusBarSaysHowToConfigure(t *testing.T) {
	a, _ := testApp(t, 80, 24)
	last := tuitest.Lines(a.render())[23]
	if !strings.Contains(last, "no model configured: set OPENROUTER_API_KEY") {
		t.Fatalf("status bar: %q", last)
	}
	a.o.Provider = "openrouter · m"
	if last := tuitest.Lines(a.render())[23]; !strings.Contains(last, "macroa · openrouter · m") {
		t.Fatalf("status bar with a provider: %q", last)
	}
}

func TestAppFocusZoomHelp(t *testing.T) {
	a, panes := testApp(t, 100, 30)
	steps := []struct {
		key   string
		focus PaneID
		zoom  bool
		help  bool
	}{
		{"tab", PaneSessions, false, false},
		{"tab", PaneAudit, false, false},
		{"tab", PaneChat, false, false},
		{"shift+tab", PaneAudit, false, false},
		{"alt+1", PaneChat, false, false},
		{"2", PaneChat, false, false}, // chat takes typed text: "2" is its
		{"alt+3", PaneAudit, false, false},
		{"2", PaneSessions, false, false}, // not capturing: a number focuses
		{"alt+z", PaneSessions, true, false},
		{"esc", PaneSessions, false, false},
		{"?", PaneSessions, false, true},
		{"tab", PaneSessions, false, true}, // the cheat sheet swallows keys
		{"esc", PaneSessions, false, false},
		{"f1", PaneSessions, false, true},
		{"f1", PaneSessions, false, false},
	}
	for i, s := range steps {
		a.Update(tuitest.Key(s.key))
		if a.focused().ID() != s.focus || a.zoomed != s.zoom || a.help != s.help {
			t.Fatalf("step %d (%s): focus=%s zoom=%v help=%v, want %s %v %v", i, s.key, a.focused().ID(), a.zoomed, a.help, s.focus, s.zoom, s.help)
		}
	}
	// The focused pane sees keys first (tab reached the chat and came back
	// unhandled); the typed "2" stayed with it.
	if got := panes[0].keys; len(got) == 0 || got[len(got)-1] != "2" {
		t.Fatalf("chat pane got keys %q, want the typed 2 last", got)
	}
}

func TestAppZoomAndHelpViews(t *testing.T) {
	a, _ := testApp(t, 80, 24)
	a.Update(tuitest.Key("alt+z"))
	view := a.render()
	if strings.Contains(view, "sessions sessions") || !strings.Contains(view, "chat chat") {
		t.Fatalf("zoomed view should show only the chat pane:\n%s", view)
	}
	a.Update(tuitest.Key("esc"))
	a.Update(tuitest.Key("f1"))
	// At 80x24 the sheet scrolls: everything is reachable with down.
	seen := ""
	for range 40 {
		seen += a.render()
		a.Update(tuitest.Key("down"))
	}
	for _, want := range []string{"global", "next pane", "poke the audit pane", "cancel the running request"} {
		if !strings.Contains(seen, want) {
			t.Fatalf("cheat sheet lacks %q", want)
		}
	}
}

func TestAppCtrlCCancelsThenQuits(t *testing.T) {
	a, panes := testApp(t, 80, 24)
	panes[0].running = true
	_, cmd := a.Update(tuitest.Key("ctrl+c"))
	if panes[0].running || isQuit(cmd) {
		t.Fatal("the first ctrl+c must cancel the running request, not quit")
	}
	_, cmd = a.Update(tuitest.Key("ctrl+c"))
	if isQuit(cmd) {
		t.Fatal("the first ctrl+c with nothing running only arms quitting")
	}
	_, cmd = a.Update(tuitest.Key("ctrl+c"))
	if !isQuit(cmd) {
		t.Fatal("a second ctrl+c quits")
	}
}

func TestAppToastsClearThemselves(t *testing.T) {
	a, _ := testApp(t, 100, 24)
	_, cmd := a.Update(ToastMsg{Level: ToastError, Text: "provider down"})
	if !strings.Contains(tuitest.Lines(a.render())[23], "provider down") || cmd == nil {
		t.Fatal("toast not shown")
	}
	a.Update(ToastMsg{Level: ToastInfo, Text: "newer"})
	a.Update(toastExpiredMsg{seq: 1}) // the first toast's timer: must not clear the newer one
	if !strings.Contains(tuitest.Lines(a.render())[23], "newer") {
		t.Fatal("an old toast's timer cleared a newer toast")
	}
	a.Update(toastExpiredMsg{seq: 2})
	if strings.Contains(tuitest.Lines(a.render())[23], "newer") {
		t.Fatal("toast did not clear")
	}
}

func TestAppResizeNeverOverflows(t *testing.T) {
	a, _ := testApp(t, 80, 24)
	for _, s := range [][2]int{{200, 60}, {81, 25}, {40, 10}, {120, 30}, {19, 5}, {80, 24}} {
		a.Update(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		ls := tuitest.Lines(a.render())
		if s[0] >= 20 && s[1] >= 6 && len(ls) != s[1] {
			t.Fatalf("%v: %d lines", s, len(ls))
		}
		for _, l := range ls {
			if len([]rune(l)) > s[0] && s[0] >= 20 {
				t.Fatalf("%v: a line overflows: %q", s, l)
			}
		}
	}
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestAppLongToastIsClipped(t *testing.T) {
	a, _ := testApp(t, 80, 24)
	a.Update(ToastMsg{Level: ToastError, Text: strings.Repeat("a very long error sentence ", 6)})
	last := tuitest.Lines(a.render())[23]
	if !strings.Contains(last, "…") || !strings.HasSuffix(last, "f1 help ") || len([]rune(last)) > 80 {
		t.Fatalf("long toast: %q", last)
	}
}

// A database file replaced under the cockpit is said at once (a toast) and
// for as long as the cockpit runs (the status bar), since what it shows
// and writes is still the old file's.
func TestAppStoreReplacedStaysOnTheStatusBar(t *testing.T) {
	a, _ := testApp(t, 120, 24)
	_, cmd := a.Update(CoreEventMsg{Event: events.StoreReplaced{Path: "/home/me/.macroa/macroa.db\x1b]52;c;eA==\x07", At: time.Now()}})
	if cmd == nil {
		t.Fatal("no toast for a replaced database")
	}
	toastMsg := findToast(t, cmd)
	a.Update(toastMsg)
	status := tuitest.Lines(a.render())[23]
	if !strings.Contains(status, "removed or replaced") || strings.Contains(a.render(), "\x1b]52") {
		t.Fatalf("status line %q: want the toast, with no escape from the path", status)
	}
	a.Update(toastExpiredMsg{seq: a.toastSeq})
	if status := tuitest.Lines(a.render())[23]; !strings.Contains(status, "database file was moved or replaced") {
		t.Fatalf("status line %q: want the notice kept after the toast", status)
	}
}

// findToast runs cmd (a batch or one command) and returns the toast it
// gives.
func findToast(t *testing.T, cmd tea.Cmd) ToastMsg {
	t.Helper()
	var found *ToastMsg
	tuitest.Run(t, cmd, 2*time.Second, func(m tea.Msg) tea.Cmd {
		if tm, ok := m.(ToastMsg); ok {
			found = &tm
		}
		return nil
	})
	if found == nil {
		t.Fatal("no toast")
	}
	return *found
}

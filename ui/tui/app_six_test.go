package tui

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// badgedPane is a box pane with a count for its tab and the status bar.
type badgedPane struct {
	*boxPane
	badge string
}

func (p *badgedPane) Badge() string { return p.badge }

// sixPanes is the cockpit with six panes, as the full set will have.
func sixPanes(t *testing.T, w, h int) (*App, []*boxPane) {
	t.Helper()
	boxes := []*boxPane{
		{id: PaneChat, capturing: true}, {id: PaneSessions}, {id: "scheduler"},
		{id: "approvals"}, {id: "hosts"}, {id: PaneAudit},
	}
	badges := []string{"", "4", "", "2", "", "12 new"}
	panes := make([]Pane, len(boxes))
	for i, b := range boxes {
		panes[i] = &badgedPane{boxPane: b, badge: badges[i]}
	}
	a := New(Options{Styles: tuitest.Styles(t, "ansi"), Hint: "set OPENROUTER_API_KEY", Panes: panes})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return a, boxes
}

func TestAppSixPaneLayoutGoldens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {160, 48}, {120, 30}} {
		name := "app_six_" + strconv.Itoa(size.w) + "x" + strconv.Itoa(size.h)
		t.Run(name, func(t *testing.T) {
			a, _ := sixPanes(t, size.w, size.h)
			a.Update(tuitest.Key("alt+4")) // the approvals tab
			view := a.render()
			ls := tuitest.Lines(view)
			if len(ls) != size.h {
				t.Fatalf("%d lines", len(ls))
			}
			for i, l := range ls {
				if w := len([]rune(l)); w != size.w {
					t.Fatalf("line %d is %d cells wide", i, w)
				}
			}
			plain := strings.Join(ls, "\n")
			if !strings.Contains(plain, "chat chat") || !strings.Contains(plain, "approvals approvals") {
				t.Fatalf("the chat and the focused side pane must both show:\n%s", plain)
			}
			tuitest.RequireGolden(t, name, view)
		})
	}
}

func TestAppSideTabsFollowFocus(t *testing.T) {
	a, boxes := sixPanes(t, 80, 24)
	shows := func(id PaneID) bool {
		return strings.Contains(strings.Join(tuitest.Lines(a.render()), "\n"), string(id)+" "+string(id))
	}
	if !shows(PaneSessions) || shows(PaneAudit) {
		t.Fatal("the first side pane must show until another is focused")
	}
	steps := []struct {
		key   string
		focus PaneID
		shown PaneID
	}{
		{"alt+6", PaneAudit, PaneAudit},
		{"alt+1", PaneChat, PaneAudit}, // back to the chat: the tab stays
		{"shift+tab", PaneAudit, PaneAudit},
		{"3", "scheduler", "scheduler"}, // the audit pane takes no text: a digit focuses
		{"tab", "approvals", "approvals"},
		{"alt+z", "approvals", "approvals"},
	}
	for _, s := range steps {
		a.Update(tuitest.Key(s.key))
		if a.focused().ID() != s.focus || !shows(s.shown) {
			t.Fatalf("after %s: focus %s, want %s with %s shown:\n%s", s.key, a.focused().ID(), s.focus, s.shown, strings.Join(tuitest.Lines(a.render()), "\n"))
		}
	}
	// Zoomed, the focused pane fills the screen and the chat is gone.
	if shows(PaneChat) {
		t.Fatal("alt+z did not zoom the approvals pane")
	}
	a.Update(tuitest.Key("esc"))
	if !shows(PaneChat) {
		t.Fatal("esc did not unzoom")
	}
	// The chat takes text: a digit typed there is text, not focus.
	a.Update(tuitest.Key("alt+1"))
	a.Update(tuitest.Key("5"))
	if a.focused().ID() != PaneChat || boxes[0].keys[len(boxes[0].keys)-1] != "5" {
		t.Fatal("a digit typed into the chat moved focus")
	}
}

func TestAppFocusKeysAndCheatSheetComeFromTheRegistry(t *testing.T) {
	a, _ := sixPanes(t, 160, 48)
	for i, id := range []PaneID{PaneChat, PaneSessions, "scheduler", "approvals", "hosts", PaneAudit} {
		n := strconv.Itoa(i + 1)
		if !Matches(a.keys, "focus-"+n, "alt+"+n) {
			t.Fatalf("no focus-%s on alt+%s", n, n)
		}
		a.Update(tuitest.Key("alt+" + n))
		if a.focused().ID() != id {
			t.Fatalf("alt+%s focused %s, want %s", n, a.focused().ID(), id)
		}
	}
	if Matches(a.keys, "focus-7", "alt+7") {
		t.Fatal("a focus key for a pane that does not exist")
	}
	a.Update(tuitest.Key("f1"))
	sheet := strings.Join(tuitest.Lines(a.render()), "\n")
	for _, want := range []string{"focus hosts", "poke the approvals pane", "poke the audit pane"} {
		if !strings.Contains(sheet, want) {
			t.Fatalf("cheat sheet lacks %q:\n%s", want, sheet)
		}
	}
}

func TestAppStatusBarCountsEachPane(t *testing.T) {
	a, _ := sixPanes(t, 160, 48)
	status := tuitest.Lines(a.render())[47]
	if !strings.Contains(status, "sessions 4 · approvals 2 · audit 12 new · f1 help") {
		t.Fatalf("status bar: %q", status)
	}
	// Short of room, the counts go before the spend and the help.
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if status := tuitest.Lines(a.render())[23]; strings.Contains(status, "approvals 2") || !strings.Contains(status, "f1 help") {
		t.Fatalf("status bar at 80 cells: %q", status)
	}
}

// dangerPane has one safe and one dangerous binding.
type dangerPane struct {
	kit.Base
	boxPane
}

func (p *dangerPane) ID() PaneID      { return p.Base.ID() }
func (p *dangerPane) Title() string   { return p.Base.Title() }
func (p *dangerPane) Keys() []Binding { return p.Base.Keys() }
func (p *dangerPane) Init() tea.Cmd   { return nil }
func (p *dangerPane) Capturing() bool { return false }

func TestAppReadOnlyStripsDangerousBindings(t *testing.T) {
	st := tuitest.Styles(t, "ansi")
	for _, readOnly := range []bool{false, true} {
		p := &dangerPane{Base: kit.NewBase("hosts", "hosts", []Binding{
			NewBinding("refresh", "refresh", "r"),
			NewBinding("restart", "restart the unit", "R").Danger(),
		}, nil)}
		a := New(Options{Styles: st, Panes: []Pane{&boxPane{id: PaneChat}, p}, ReadOnly: readOnly})
		if !Matches(p.Keys(), "refresh", "r") {
			t.Fatalf("read-only %v: a safe binding went", readOnly)
		}
		if Matches(p.Keys(), "restart", "R") == readOnly {
			t.Fatalf("read-only %v: restart bound = %v", readOnly, !readOnly)
		}
		a.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
		a.setFocus(1)
		_, cmd := a.Update(tuitest.Key("R"))
		var said string
		if cmd != nil {
			if m, ok := cmd().(ToastMsg); ok {
				said = m.Text
			}
		}
		if strings.HasPrefix(said, "read-only: restart") != readOnly {
			t.Fatalf("read-only %v: R said %q", readOnly, said)
		}
		a.Update(tuitest.Key("f1"))
		if strings.Contains(strings.Join(tuitest.Lines(a.render()), "\n"), "restart the unit") == readOnly {
			t.Fatalf("read-only %v: the cheat sheet disagrees with the bindings", readOnly)
		}
	}
}

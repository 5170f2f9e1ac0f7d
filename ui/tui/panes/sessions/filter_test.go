package sessions

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/kit"
)

// filterPane is a loaded pane over the sessions named.
func filterPane(t *testing.T, names ...string) *Pane {
	t.Helper()
	w := newWorld(t)
	for _, n := range names {
		if _, err := w.db.EnsureSession(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	return loadedPane(t, w)
}

// shown is the names of the sessions the filter passes, as listed.
func shown(p *Pane) []string {
	var out []string
	for _, r := range p.rows {
		out = append(out, p.list[r].Name)
	}
	return out
}

// TestSessionsFilter: / opens the filter, the list narrows as it is typed
// (ignoring case), the selection stays on its session while it shows,
// enter keeps the filter, esc clears it.
func TestSessionsFilter(t *testing.T) {
	p := filterPane(t, "prod-db", "staging", "Prod-web", "notes")
	if len(p.rows) != 4 {
		t.Fatalf("unfiltered rows %v", shown(p))
	}
	for p.Selected() != "Prod-web" {
		press(t, p, "down")
	}
	press(t, p, "/")
	if !p.Capturing() {
		t.Fatal("typing the filter does not take text")
	}
	typeText(t, p, "pro")
	if got := shown(p); len(got) != 2 || !contains(got, "prod-db") || !contains(got, "Prod-web") {
		t.Fatalf("filter pro shows %v", got)
	}
	if p.Selected() != "Prod-web" {
		t.Fatalf("the selection moved to %q", p.Selected())
	}
	// d is text here, not delete.
	typeText(t, p, "d-d")
	if got := shown(p); len(got) != 1 || got[0] != "prod-db" || p.mode != browse {
		t.Fatalf("filter prod shows %v (mode %v)", got, p.mode)
	}
	v := ansi.Strip(p.View(60, 8, true))
	if !strings.Contains(v, "/prod-d") || !strings.Contains(v, "1/4") || strings.Contains(v, "staging") {
		t.Fatalf("filtered view:\n%s", v)
	}
	press(t, p, "enter")
	if p.Capturing() || len(p.rows) != 1 {
		t.Fatalf("enter did not keep the filter: capturing %v, rows %v", p.Capturing(), shown(p))
	}
	if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, "/prod-d 1/4 · esc clears") {
		t.Fatalf("kept filter view:\n%s", v)
	}
	press(t, p, "esc")
	if len(p.rows) != 4 || p.Selected() != "prod-db" || p.cur.Query() != "" {
		t.Fatalf("esc: rows %v, selected %q", shown(p), p.Selected())
	}
	// With nothing to clear, esc is the root's.
	if _, handled := p.HandleKey(key("esc")); handled {
		t.Fatal("esc with no filter was taken")
	}
}

func TestSessionsFilterMatchesNone(t *testing.T) {
	p := filterPane(t, "alpha")
	press(t, p, "/")
	typeText(t, p, "zzz")
	if p.Selected() != "" {
		t.Fatalf("selected %q with nothing shown", p.Selected())
	}
	if msgs := press(t, p, "enter", "enter", "d"); len(msgs) != 0 || p.mode != browse {
		t.Fatalf("keys on an empty list did something: %v (mode %v)", msgs, p.mode)
	}
	if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, "no session matches the filter") {
		t.Fatalf("view:\n%s", v)
	}
}

// TestSessionsFilterIsCleaned: escape sequences and controls typed or
// pasted into the filter are removed before it matches or is drawn.
func TestSessionsFilterIsCleaned(t *testing.T) {
	p := filterPane(t, "red-team", "blue")
	press(t, p, "/")
	p.Update(tea.PasteMsg{Content: "\x1b[31mred\x1b]52;c;Zm9v\x07"})
	p.HandleKey(tea.KeyPressMsg{Code: 'x', Text: "\x1b[2J-t\u202e"})
	if q := p.cur.Query(); q != "red-t" {
		t.Fatalf("query %q", q)
	}
	if got := shown(p); len(got) != 1 || got[0] != "red-team" {
		t.Fatalf("shown %v", got)
	}
	if v := p.View(60, 8, true); strings.ContainsAny(ansi.Strip(v), "\x1b\a\u202e") {
		t.Fatalf("the view holds a control: %q", ansi.Strip(v))
	}
}

// TestSessionsFilterReadOnlyKeepsIt: the filter is no dangerous key.
func TestSessionsFilterReadOnlyKeepsIt(t *testing.T) {
	p := filterPane(t, "alpha", "beta")
	p.SetKeys(kit.ReadOnly(p.Keys()))
	press(t, p, "/")
	typeText(t, p, "be")
	if got := shown(p); len(got) != 1 || got[0] != "beta" {
		t.Fatalf("read-only filter shows %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package audit

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// bigPane is a pane holding n synthetic entries, at 158x42.
func bigPane(t testing.TB, n int) *Pane {
	t.Helper()
	w := newWorld(t)
	p := New(w.b, styles(t), nil)
	p.SetClock(func() time.Time { return fixedNow })
	p.Init()
	p.Update(loadedMsg{seq: p.seq, first: true, entries: synthetic(n)})
	p.View(158, 42, true)
	return p
}

// TestAuditTextFilter: / filters by text over the input, session, skill,
// source, tier and error; it combines with the outcome filter (f); the
// selection stays on its entry while it shows; esc clears the text
// filter first, then the outcome filter.
func TestAuditTextFilter(t *testing.T) {
	p := bigPane(t, 100)
	press(t, p, "up", "up") // entry #98, no longer following
	sel, _ := p.Selected()
	press(t, p, "/")
	if !p.Capturing() {
		t.Fatal("typing the filter does not take text")
	}
	for _, k := range strings.Split("NUMBER 9", "") {
		if k == " " {
			k = "space"
		}
		press(t, p, k)
	}
	// "number 9" matches #9 and #90-#99.
	if len(p.view) != 11 {
		t.Fatalf("%d rows match \"number 9\", want 11", len(p.view))
	}
	if e, _ := p.Selected(); e.ID != sel.ID {
		t.Fatalf("the selection moved from #%d to #%d", sel.ID, e.ID)
	}
	view := ansi.Strip(p.View(158, 42, true))
	if !strings.Contains(view, "/NUMBER 9") || !strings.Contains(view, "11/100") {
		t.Fatalf("the filter line is missing:\n%s", view)
	}
	checkBlock(t, p.View(158, 42, true), 158, 42)
	press(t, p, "enter", "f") // keep it; then failures only (#1, #14, … of every 13)
	if p.Capturing() || len(p.view) != 1 {
		t.Fatalf("text and outcome filters: %d rows, want #92 alone", len(p.view))
	}
	press(t, p, "esc")
	if p.list.Query() != "" || p.filter.mode != filterFailures || len(p.view) != 8 {
		t.Fatalf("esc: query %q, mode %v, %d rows", p.list.Query(), p.filter.mode, len(p.view))
	}
	press(t, p, "esc")
	if p.filter.mode != filterAll || len(p.view) != 100 {
		t.Fatalf("second esc: mode %v, %d rows", p.filter.mode, len(p.view))
	}
}

// TestAuditTextFilterIsCleaned: a filter typed or pasted with escape
// sequences matches and shows without them.
func TestAuditTextFilterIsCleaned(t *testing.T) {
	p := bigPane(t, 20)
	press(t, p, "/")
	p.Update(tea.PasteMsg{Content: "\x1b[31mnumber 1\x1b[0m"})
	p.HandleKey(tea.KeyPressMsg{Code: 'x', Text: "7\x1b]52;c;Zm9v\x07"})
	if q := p.list.Query(); q != "number 17" || len(p.view) != 1 {
		t.Fatalf("query %q, %d rows", q, len(p.view))
	}
	if v := ansi.Strip(p.View(100, 10, true)); strings.ContainsAny(v, "\x1b\a") {
		t.Fatalf("the view holds a control: %q", v)
	}
}

// BenchmarkAuditFilterKeyPress: 10,000 entries, one character typed into
// the text filter (the rows narrow again) and the view redrawn, then
// deleted again, as the program does per key.
func BenchmarkAuditFilterKeyPress(b *testing.B) {
	p := bigPane(b, maxEntries)
	p.HandleKey(key("/"))
	for _, k := range []string{"w", "o", "r"} {
		p.HandleKey(key(k))
	}
	keys := []string{"d", "backspace"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.HandleKey(key(keys[i%2]))
		_ = p.View(158, 42, true)
	}
	if len(p.view) != maxEntries {
		b.Fatalf("%d rows match \"word\"", len(p.view))
	}
}

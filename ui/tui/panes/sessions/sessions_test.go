package sessions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// loadedPane builds a sessions pane on w, loaded once.
func loadedPane(t *testing.T, w *world) *Pane {
	t.Helper()
	p := New(w.b, styles(t), nil)
	drive(t, p, p.Init())
	return p
}

func names(p *Pane) []string {
	var out []string
	for _, s := range p.list {
		out = append(out, s.Name)
	}
	return out
}

func hasSession(t *testing.T, w *world, name string) bool {
	t.Helper()
	_, ok, err := w.db.SessionByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestSessionsLoadNewestFirst(t *testing.T) {
	w := newWorld(t)
	clock := useClock(w)
	w.Run(t, "!echo one", "alpha")
	clock.advance(time.Second)
	w.Run(t, "!echo two", "beta")
	w.Run(t, "!echo three", "beta")

	p := New(w.b, styles(t), nil)
	if p.Badge() != "" {
		t.Fatalf("badge before the first load: %q", p.Badge())
	}
	drive(t, p, p.Init())
	if got := names(p); !slices.Equal(got, []string{"beta", "alpha"}) {
		t.Fatalf("sessions = %v, want [beta alpha]", got)
	}
	if p.list[0].TurnCount != 2 {
		t.Fatalf("beta has %d turns, want 2", p.list[0].TurnCount)
	}
	if p.Badge() != "2" {
		t.Fatalf("badge = %q, want 2", p.Badge())
	}
	view := ansi.Strip(p.View(60, 8, true))
	if !strings.Contains(view, "beta") || !strings.Contains(view, "just now") || !strings.Contains(view, "2 sessions") {
		t.Fatalf("view misses the sessions:\n%s", view)
	}
}

// storeChanged is the core event the store watcher publishes.
func storeChanged(parts ...events.StorePart) kit.CoreEventMsg {
	return kit.CoreEventMsg{Event: events.StoreChanged{Parts: parts, At: time.Now()}}
}

func TestSessionsReloadOnlyWhenTheStoreSaysSessionsChanged(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo one", "alpha")
	p := loadedPane(t, w)
	if got := names(p); !slices.Equal(got, []string{"alpha"}) {
		t.Fatalf("sessions = %v", got)
	}

	// Another process creates a session in the same database file.
	if _, err := w.Other(t).EnsureSession(context.Background(), "from-elsewhere"); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []tea.Msg{
		storeChanged(events.PartAudit, events.PartFacts),
		kit.CoreEventMsg{Event: events.RunCompleted{}},
		kit.SessionChangedMsg{Name: "alpha"},
	} {
		if cmd := p.Update(msg); cmd != nil {
			t.Fatalf("%T %+v started a load", msg, msg)
		}
	}
	drive(t, p, p.Update(storeChanged(events.PartAudit, events.PartSessions)))
	if got := names(p); !slices.Contains(got, "from-elsewhere") {
		t.Fatalf("after a sessions change: %v, want from-elsewhere listed", got)
	}
}

func TestSessionsQuietWhenNothingChanged(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo one", "alpha")
	p := loadedPane(t, w)
	same := p.load()()
	if !p.Quiet(same) {
		t.Fatal("a reload with the same list must not redraw")
	}
	p.Update(same)
	w.Run(t, "!echo two", "alpha")
	if changed := p.load()(); p.Quiet(changed) {
		t.Fatal("a reload with a new turn count must redraw")
	}
}

func TestSessionsStaleResultIsDropped(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo one", "alpha")
	p := loadedPane(t, w)

	older := p.load()() // answered before "late" exists
	if _, err := w.db.EnsureSession(context.Background(), "late"); err != nil {
		t.Fatal(err)
	}
	newer := p.load()() // sent after it: the answer that counts
	p.Update(newer)
	if !slices.Contains(names(p), "late") {
		t.Fatalf("newest result not applied: %v", names(p))
	}
	if !p.Quiet(older) {
		t.Fatal("a stale result must not redraw")
	}
	p.Update(older)
	if !slices.Contains(names(p), "late") {
		t.Fatalf("a stale result replaced the list: %v", names(p))
	}
}

func TestSessionsLoadErrorKeepsList(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo one", "alpha")
	p := loadedPane(t, w)
	w.db.Close()
	drive(t, p, p.Update(storeChanged(events.PartSessions)))
	v := ansi.Strip(p.View(60, 6, true))
	if !strings.Contains(v, "could not list sessions") || !strings.Contains(v, "alpha") {
		t.Fatalf("view after a failed load:\n%s", v)
	}
}

func TestSessionsEnterSwitchesAndFocusesChat(t *testing.T) {
	_, p := paneOver(t, turn{"!echo one", "alpha"}, turn{"!echo two", "beta"})

	msgs := press(t, p, "j", "enter")
	sw, ok := find[kit.SwitchSessionMsg](msgs)
	if !ok || sw.Name != "alpha" {
		t.Fatalf("enter on the second row: %v, want SwitchSessionMsg{alpha}", msgs)
	}
	if f, ok := find[kit.FocusPaneMsg](msgs); !ok || f.Pane != kit.PaneChat {
		t.Fatalf("enter did not focus the chat: %v", msgs)
	}

	// The chat reports what it shows; the row gets the marker.
	p.Update(kit.SessionChangedMsg{Name: "alpha"})
	rows := strings.Split(ansi.Strip(p.View(60, 8, true)), "\n")
	if !strings.Contains(rows[7], "chat: alpha") {
		t.Fatalf("footer = %q, want it to name the chat's session", rows[7])
	}
	for _, l := range rows[:7] {
		if strings.Contains(l, "alpha") && !strings.Contains(l, "●") {
			t.Fatalf("the chat's session is not marked: %q", l)
		}
		if strings.Contains(l, "beta") && strings.Contains(l, "●") {
			t.Fatalf("another session is marked: %q", l)
		}
	}
}

func TestSessionsNewCreatesAndSwitches(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo one", "alpha")
	p := loadedPane(t, w)

	press(t, p, "n")
	if !p.Capturing() {
		t.Fatal("the name prompt is open but the pane does not capture keys")
	}
	typeText(t, p, "gamma ray")
	if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, "new session: gamma ray") {
		t.Fatalf("prompt not shown:\n%s", v)
	}
	msgs := press(t, p, "enter")
	if p.Capturing() {
		t.Fatal("the prompt stayed open")
	}
	if !hasSession(t, w, "gamma ray") {
		t.Fatal("the session was not created in the store")
	}
	if sw, ok := find[kit.SwitchSessionMsg](msgs); !ok || sw.Name != "gamma ray" {
		t.Fatalf("no switch to the new session: %v", msgs)
	}
	if _, ok := find[kit.FocusPaneMsg](msgs); !ok {
		t.Fatalf("no focus on the chat: %v", msgs)
	}
	if p.Selected() != "gamma ray" {
		t.Fatalf("selected %q, want the new session", p.Selected())
	}

	// esc cancels without creating anything.
	press(t, p, "n")
	typeText(t, p, "nope")
	if _, handled := p.HandleKey(key("esc")); !handled {
		t.Fatal("esc in the prompt was not handled")
	}
	if p.Capturing() || hasSession(t, w, "nope") {
		t.Fatal("esc did not cancel the new session")
	}
	// With no prompt left, esc is the root's.
	if _, handled := p.HandleKey(key("esc")); handled {
		t.Fatal("esc with nothing to back out of must return handled=false")
	}

	// An empty name is refused on the spot, keeping the prompt.
	msgs = press(t, p, "n", "enter")
	if toast, ok := find[kit.ToastMsg](msgs); !ok || toast.Level != kit.ToastError {
		t.Fatalf("an empty name gave no error toast: %v", msgs)
	}
	if !p.Capturing() {
		t.Fatal("the prompt closed on a refused name")
	}
}

func TestSessionsRename(t *testing.T) {
	tests := []struct {
		name       string
		to         string
		current    string
		wantToast  kit.ToastLevel
		wantSwitch string // "" = no SwitchSessionMsg
		wantNames  []string
	}{
		{"to a free name", "delta", "", kit.ToastInfo, "", []string{"beta", "delta"}},
		{"the chat's session follows", "delta", "alpha", kit.ToastInfo, "delta", []string{"beta", "delta"}},
		{"to a taken name", "beta", "alpha", kit.ToastError, "", []string{"alpha", "beta"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, p := paneOver(t, turn{"!echo two", "beta"}, turn{"!echo one", "alpha"})
			p.Update(kit.SessionChangedMsg{Name: tt.current})
			if p.Selected() != "alpha" {
				t.Fatalf("selected %q, want alpha (newest)", p.Selected())
			}

			press(t, p, "r")
			if !p.Capturing() || p.input.Value() != "alpha" {
				t.Fatalf("rename prompt: capturing=%v value=%q, want prefilled alpha", p.Capturing(), p.input.Value())
			}
			if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, `rename "alpha" to: alpha`) {
				t.Fatalf("prompt not shown:\n%s", v)
			}
			press(t, p, "ctrl+u")
			typeText(t, p, tt.to)
			msgs := press(t, p, "enter")

			toast, ok := find[kit.ToastMsg](msgs)
			if !ok || toast.Level != tt.wantToast {
				t.Fatalf("toast = %+v (found %v), want level %v; msgs %v", toast, ok, tt.wantToast, msgs)
			}
			if tt.wantToast == kit.ToastError && !strings.Contains(toast.Text, "already taken") {
				t.Fatalf("taken-name toast says %q", toast.Text)
			}
			sw, ok := find[kit.SwitchSessionMsg](msgs)
			if tt.wantSwitch == "" && ok || tt.wantSwitch != "" && (!ok || sw.Name != tt.wantSwitch) {
				t.Fatalf("switch = %+v (sent %v), want %q", sw, ok, tt.wantSwitch)
			}
			got := names(p)
			slices.Sort(got)
			if !slices.Equal(got, tt.wantNames) {
				t.Fatalf("sessions after rename = %v, want %v", got, tt.wantNames)
			}
			for _, n := range tt.wantNames {
				if !hasSession(t, w, n) {
					t.Fatalf("store lacks %q", n)
				}
			}
		})
	}
}

func TestSessionsDeleteNeedsY(t *testing.T) {
	tests := []struct {
		answer      string
		current     string
		wantDeleted bool
		wantSwitch  bool
	}{
		{"n", "", false, false},
		{"esc", "", false, false},
		{"x", "", false, false},
		{"enter", "", false, false},
		{"y", "", true, false},
		{"y", "alpha", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.answer+"/"+tt.current, func(t *testing.T) {
			w, p := paneOver(t, turn{"!echo two", "beta"}, turn{"!echo one", "alpha"})
			p.Update(kit.SessionChangedMsg{Name: tt.current})

			press(t, p, "d")
			if !p.Capturing() {
				t.Fatal("the y/n question must take the next key")
			}
			if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, `delete session "alpha"? y/n`) {
				t.Fatalf("question not shown:\n%s", v)
			}
			msgs := press(t, p, tt.answer)
			if p.Capturing() {
				t.Fatal("the question stayed open")
			}
			if gone := !hasSession(t, w, "alpha"); gone != tt.wantDeleted {
				t.Fatalf("deleted = %v, want %v", gone, tt.wantDeleted)
			}
			if slices.Contains(names(p), "alpha") == tt.wantDeleted {
				t.Fatalf("list after answer %q: %v", tt.answer, names(p))
			}
			sw, ok := find[kit.SwitchSessionMsg](msgs)
			if ok != tt.wantSwitch || ok && sw.Name != "" {
				t.Fatalf("switch = %+v (sent %v), want a switch to \"\": %v", sw, ok, tt.wantSwitch)
			}
			if !hasSession(t, w, "beta") {
				t.Fatal("the other session went too")
			}
		})
	}
}

func TestSessionsRebindFromConfig(t *testing.T) {
	w := newWorld(t)
	w.Run(t, "!echo one", "alpha")
	p := New(w.b, styles(t), map[string][]string{"delete": {"x"}, "new": {}})
	drive(t, p, p.Init())
	if _, handled := p.HandleKey(key("d")); handled || p.Capturing() {
		t.Fatal("d still deletes after delete was rebound to x")
	}
	if _, handled := p.HandleKey(key("n")); handled || p.Capturing() {
		t.Fatal("n still creates after new was unbound")
	}
	if _, handled := p.HandleKey(key("x")); !handled || !p.Capturing() {
		t.Fatal("x does not ask to delete")
	}
}

func TestSessionsViewFitsEverySize(t *testing.T) {
	w := newWorld(t)
	p := loadedPane(t, w)
	fixedSessions(p)
	for _, size := range [][2]int{{1, 1}, {10, 2}, {19, 3}, {30, 5}, {78, 18}, {158, 42}} {
		for _, prompt := range []string{"", "n", "d"} {
			if prompt != "" {
				press(t, p, prompt)
			}
			checkBlock(t, p.View(size[0], size[1], true), size[0], size[1])
			press(t, p, "esc")
		}
	}
}

// fixedSessions gives the pane a fixed list and clock, through the same
// message a load delivers, for views that do not change from run to run.
func fixedSessions(p *Pane) {
	now := time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)
	p.SetClock(func() time.Time { return now })
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	list := []store.Session{
		{ID: "1", Name: "deploy notes", TurnCount: 12, CreatedAt: day(2), UpdatedAt: now.Add(-20 * time.Second)},
		{ID: "2", Name: "homelab", TurnCount: 3, CreatedAt: day(40), UpdatedAt: now.Add(-7 * time.Minute)},
		{ID: "3", Name: "a session with a rather long name that will not fit a narrow pane", TurnCount: 140, CreatedAt: day(9), UpdatedAt: now.Add(-5 * time.Hour)},
		{ID: "4", Name: "taxes", TurnCount: 1, CreatedAt: day(3), UpdatedAt: now.Add(-3 * 24 * time.Hour)},
		{ID: "5", Name: "2025 plans", TurnCount: 27, CreatedAt: day(400), UpdatedAt: time.Date(2025, 12, 30, 9, 0, 0, 0, time.UTC)},
	}
	p.load() // the query this result answers
	p.Update(loadedMsg{seq: p.seq, list: list})
	p.Update(kit.SessionChangedMsg{Name: "homelab"})
}

func TestSessionsGoldens(t *testing.T) {
	w := newWorld(t)
	p := loadedPane(t, w)
	fixedSessions(p)
	p.HandleKey(key("down"))
	for _, size := range [][2]int{{78, 18}, {158, 42}} {
		name := fmt.Sprintf("sessions_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			v := p.View(size[0], size[1], true)
			checkBlock(t, v, size[0], size[1])
			golden(t, name, v)
		})
	}
	press(t, p, "r")
	typeText(t, p, " (old)")
	t.Run("sessions_rename_78x18", func(t *testing.T) {
		golden(t, "sessions_rename_78x18", p.View(78, 18, true))
	})
	press(t, p, "esc", "down", "d")
	t.Run("sessions_delete_78x18", func(t *testing.T) {
		golden(t, "sessions_delete_78x18", p.View(78, 18, false))
	})
}

func TestSessionsListKeysMoveAndPage(t *testing.T) {
	w := newWorld(t)
	clock := useClock(w)
	for i := range 30 {
		if _, err := w.db.EnsureSession(context.Background(), fmt.Sprintf("s%02d", i)); err != nil {
			t.Fatal(err)
		}
		clock.advance(time.Second)
	}
	p := loadedPane(t, w)
	p.View(60, 12, true) // 10 rows shown: a page moves 9
	steps := []struct{ key, want string }{
		{"j", "s28"}, {"pgdown", "s19"}, {"G", "s00"}, {"k", "s01"}, {"pgup", "s10"}, {"g", "s29"}, {"end", "s00"}, {"home", "s29"},
	}
	for _, s := range steps {
		press(t, p, s.key)
		if p.Selected() != s.want {
			t.Fatalf("after %s: selected %q, want %q", s.key, p.Selected(), s.want)
		}
	}
}

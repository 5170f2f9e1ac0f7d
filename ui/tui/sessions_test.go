package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
)

// saSessionsPane builds a sessions pane on w, loaded once through its own
// poll command.
func saSessionsPane(t *testing.T, w *saWorld) *SessionsPane {
	t.Helper()
	p := NewSessionsPane(w.b, saStyles(t), nil)
	p.every = time.Millisecond
	saDrive(t, p, p.Init())
	return p
}

func saNames(p *SessionsPane) []string {
	var out []string
	for _, s := range p.list {
		out = append(out, s.Name)
	}
	return out
}

func saHasSession(t *testing.T, w *saWorld, name string) bool {
	t.Helper()
	_, ok, err := w.db.SessionByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestSessionsPollLoadsSessionsNewestFirst(t *testing.T) {
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	time.Sleep(5 * time.Millisecond) // updated_at is kept to the millisecond
	w.run(t, "!echo two", "beta")
	w.run(t, "!echo three", "beta")

	p := NewSessionsPane(w.b, saStyles(t), nil)
	p.every = time.Millisecond
	msgs := saDrive(t, p, p.Init())
	if got := saNames(p); !slices.Equal(got, []string{"beta", "alpha"}) {
		t.Fatalf("sessions = %v, want [beta alpha]", got)
	}
	if p.list[0].TurnCount != 2 {
		t.Fatalf("beta has %d turns, want 2", p.list[0].TurnCount)
	}
	if _, ok := saFind[sessionsTickMsg](msgs); !ok {
		t.Fatalf("the poll did not schedule its next tick: %v", msgs)
	}
	view := ansi.Strip(p.View(60, 8, true))
	if !strings.Contains(view, "beta") || !strings.Contains(view, "just now") || !strings.Contains(view, "2 sessions") {
		t.Fatalf("view misses the sessions:\n%s", view)
	}
}

func TestSessionsSessionFromAnotherProcessAppearsOnNextPoll(t *testing.T) {
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	p := NewSessionsPane(w.b, saStyles(t), nil)
	p.every = time.Millisecond
	msgs := saDrive(t, p, p.Init())
	if got := saNames(p); !slices.Equal(got, []string{"alpha"}) {
		t.Fatalf("sessions = %v", got)
	}

	// Another process creates a session in the same database file.
	if _, err := w.other(t).EnsureSession(context.Background(), "from-elsewhere"); err != nil {
		t.Fatal(err)
	}
	tick, ok := saFind[sessionsTickMsg](msgs)
	if !ok {
		t.Fatal("no tick scheduled")
	}
	msgs = saDrive(t, p, p.Update(tick))
	if got := saNames(p); !slices.Contains(got, "from-elsewhere") {
		t.Fatalf("after a poll: %v, want from-elsewhere listed", got)
	}
	if _, ok := saFind[sessionsTickMsg](msgs); !ok {
		t.Fatal("the chain stopped after the second poll")
	}
	// A tick of a chain an earlier Init started does nothing.
	p.Init()
	if cmd := p.Update(tick); cmd != nil {
		t.Fatal("an old chain's tick started a poll")
	}
}

func TestSessionsStalePollResultIsDropped(t *testing.T) {
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	p := saSessionsPane(t, w)

	older := p.load(true)() // a poll answered before "late" exists
	if _, err := w.db.EnsureSession(context.Background(), "late"); err != nil {
		t.Fatal(err)
	}
	newer := p.load(false)() // sent after it: the answer that counts
	p.Update(newer)
	if !slices.Contains(saNames(p), "late") {
		t.Fatalf("newest result not applied: %v", saNames(p))
	}
	cmd := p.Update(older)
	if !slices.Contains(saNames(p), "late") {
		t.Fatalf("a stale result replaced the list: %v", saNames(p))
	}
	if cmd == nil {
		t.Fatal("a stale poll result must still keep the poll chain going")
	}
}

func TestSessionsLoadErrorKeepsListAndPolling(t *testing.T) {
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	p := saSessionsPane(t, w)
	w.db.Close()
	msgs := saDrive(t, p, p.Update(sessionsTickMsg{gen: p.gen}))
	if _, ok := saFind[sessionsTickMsg](msgs); !ok {
		t.Fatal("a failed poll stopped the chain")
	}
	v := ansi.Strip(p.View(60, 6, true))
	if !strings.Contains(v, "could not list sessions") || !strings.Contains(v, "alpha") {
		t.Fatalf("view after a failed poll:\n%s", v)
	}
}

func TestSessionsEnterSwitchesAndFocusesChat(t *testing.T) {
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	time.Sleep(5 * time.Millisecond)
	w.run(t, "!echo two", "beta")
	p := saSessionsPane(t, w)

	msgs := saPress(t, p, "j", "enter")
	sw, ok := saFind[SwitchSessionMsg](msgs)
	if !ok || sw.Name != "alpha" {
		t.Fatalf("enter on the second row: %v, want SwitchSessionMsg{alpha}", msgs)
	}
	if f, ok := saFind[FocusPaneMsg](msgs); !ok || f.Pane != PaneChat {
		t.Fatalf("enter did not focus the chat: %v", msgs)
	}

	// The chat reports what it shows; the row gets the marker.
	p.Update(SessionChangedMsg{Name: "alpha"})
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
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	p := saSessionsPane(t, w)

	saPress(t, p, "n")
	if !p.Capturing() {
		t.Fatal("the name prompt is open but the pane does not capture keys")
	}
	saType(t, p, "gamma ray")
	if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, "new session: gamma ray") {
		t.Fatalf("prompt not shown:\n%s", v)
	}
	msgs := saPress(t, p, "enter")
	if p.Capturing() {
		t.Fatal("the prompt stayed open")
	}
	if !saHasSession(t, w, "gamma ray") {
		t.Fatal("the session was not created in the store")
	}
	if sw, ok := saFind[SwitchSessionMsg](msgs); !ok || sw.Name != "gamma ray" {
		t.Fatalf("no switch to the new session: %v", msgs)
	}
	if _, ok := saFind[FocusPaneMsg](msgs); !ok {
		t.Fatalf("no focus on the chat: %v", msgs)
	}
	if p.Selected() != "gamma ray" {
		t.Fatalf("selected %q, want the new session", p.Selected())
	}

	// esc cancels without creating anything.
	saPress(t, p, "n")
	saType(t, p, "nope")
	if _, handled := p.HandleKey(saKey("esc")); !handled {
		t.Fatal("esc in the prompt was not handled")
	}
	if p.Capturing() || saHasSession(t, w, "nope") {
		t.Fatal("esc did not cancel the new session")
	}
	// With no prompt left, esc is the root's.
	if _, handled := p.HandleKey(saKey("esc")); handled {
		t.Fatal("esc with nothing to back out of must return handled=false")
	}

	// An empty name is refused on the spot, keeping the prompt.
	msgs = saPress(t, p, "n", "enter")
	if toast, ok := saFind[ToastMsg](msgs); !ok || toast.Level != ToastError {
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
		wantToast  ToastLevel
		wantSwitch string // "" = no SwitchSessionMsg
		wantNames  []string
	}{
		{"to a free name", "delta", "", ToastInfo, "", []string{"beta", "delta"}},
		{"the chat's session follows", "delta", "alpha", ToastInfo, "delta", []string{"beta", "delta"}},
		{"to a taken name", "beta", "alpha", ToastError, "", []string{"alpha", "beta"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := saNewWorld(t)
			w.run(t, "!echo two", "beta")
			time.Sleep(5 * time.Millisecond)
			w.run(t, "!echo one", "alpha")
			p := saSessionsPane(t, w)
			p.Update(SessionChangedMsg{Name: tt.current})
			if p.Selected() != "alpha" {
				t.Fatalf("selected %q, want alpha (newest)", p.Selected())
			}

			saPress(t, p, "r")
			if !p.Capturing() || p.input.Value() != "alpha" {
				t.Fatalf("rename prompt: capturing=%v value=%q, want prefilled alpha", p.Capturing(), p.input.Value())
			}
			if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, `rename "alpha" to: alpha`) {
				t.Fatalf("prompt not shown:\n%s", v)
			}
			saPress(t, p, "ctrl+u")
			saType(t, p, tt.to)
			msgs := saPress(t, p, "enter")

			toast, ok := saFind[ToastMsg](msgs)
			if !ok || toast.Level != tt.wantToast {
				t.Fatalf("toast = %+v (found %v), want level %v; msgs %v", toast, ok, tt.wantToast, msgs)
			}
			if tt.wantToast == ToastError && !strings.Contains(toast.Text, "already taken") {
				t.Fatalf("taken-name toast says %q", toast.Text)
			}
			sw, ok := saFind[SwitchSessionMsg](msgs)
			if tt.wantSwitch == "" && ok || tt.wantSwitch != "" && (!ok || sw.Name != tt.wantSwitch) {
				t.Fatalf("switch = %+v (sent %v), want %q", sw, ok, tt.wantSwitch)
			}
			got := saNames(p)
			slices.Sort(got)
			if !slices.Equal(got, tt.wantNames) {
				t.Fatalf("sessions after rename = %v, want %v", got, tt.wantNames)
			}
			for _, n := range tt.wantNames {
				if !saHasSession(t, w, n) {
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
			w := saNewWorld(t)
			w.run(t, "!echo two", "beta")
			time.Sleep(5 * time.Millisecond)
			w.run(t, "!echo one", "alpha")
			p := saSessionsPane(t, w)
			p.Update(SessionChangedMsg{Name: tt.current})

			saPress(t, p, "d")
			if !p.Capturing() {
				t.Fatal("the y/n question must take the next key")
			}
			if v := ansi.Strip(p.View(60, 8, true)); !strings.Contains(v, `delete session "alpha"? y/n`) {
				t.Fatalf("question not shown:\n%s", v)
			}
			msgs := saPress(t, p, tt.answer)
			if p.Capturing() {
				t.Fatal("the question stayed open")
			}
			if gone := !saHasSession(t, w, "alpha"); gone != tt.wantDeleted {
				t.Fatalf("deleted = %v, want %v", gone, tt.wantDeleted)
			}
			if slices.Contains(saNames(p), "alpha") == tt.wantDeleted {
				t.Fatalf("list after answer %q: %v", tt.answer, saNames(p))
			}
			sw, ok := saFind[SwitchSessionMsg](msgs)
			if ok != tt.wantSwitch || ok && sw.Name != "" {
				t.Fatalf("switch = %+v (sent %v), want a switch to \"\": %v", sw, ok, tt.wantSwitch)
			}
			if !saHasSession(t, w, "beta") {
				t.Fatal("the other session went too")
			}
		})
	}
}

func TestSessionsRebindFromConfig(t *testing.T) {
	w := saNewWorld(t)
	w.run(t, "!echo one", "alpha")
	p := NewSessionsPane(w.b, saStyles(t), map[string][]string{"delete": {"x"}, "new": {}})
	saDrive(t, p, p.Init())
	if _, handled := p.HandleKey(saKey("d")); handled || p.Capturing() {
		t.Fatal("d still deletes after delete was rebound to x")
	}
	if _, handled := p.HandleKey(saKey("n")); handled || p.Capturing() {
		t.Fatal("n still creates after new was unbound")
	}
	if _, handled := p.HandleKey(saKey("x")); !handled || !p.Capturing() {
		t.Fatal("x does not ask to delete")
	}
}

func TestSessionsViewFitsEverySize(t *testing.T) {
	w := saNewWorld(t)
	p := saSessionsPane(t, w)
	saFixedSessions(p)
	for _, size := range [][2]int{{1, 1}, {10, 2}, {19, 3}, {30, 5}, {78, 18}, {158, 42}} {
		for _, prompt := range []string{"", "n", "d"} {
			if prompt != "" {
				saPress(t, p, prompt)
			}
			saCheckBlock(t, p.View(size[0], size[1], true), size[0], size[1])
			saPress(t, p, "esc")
		}
	}
}

// saFixedSessions gives the pane a fixed list and clock, through the same
// message a poll delivers, for views that do not change from run to run.
func saFixedSessions(p *SessionsPane) {
	now := time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)
	p.now = func() time.Time { return now }
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	list := []store.Session{
		{ID: "1", Name: "deploy notes", TurnCount: 12, CreatedAt: day(2), UpdatedAt: now.Add(-20 * time.Second)},
		{ID: "2", Name: "homelab", TurnCount: 3, CreatedAt: day(40), UpdatedAt: now.Add(-7 * time.Minute)},
		{ID: "3", Name: "a session with a rather long name that will not fit a narrow pane", TurnCount: 140, CreatedAt: day(9), UpdatedAt: now.Add(-5 * time.Hour)},
		{ID: "4", Name: "taxes", TurnCount: 1, CreatedAt: day(3), UpdatedAt: now.Add(-3 * 24 * time.Hour)},
		{ID: "5", Name: "2025 plans", TurnCount: 27, CreatedAt: day(400), UpdatedAt: time.Date(2025, 12, 30, 9, 0, 0, 0, time.UTC)},
	}
	p.load(false) // the query this result answers
	p.Update(sessionsLoadedMsg{seq: p.seq, gen: p.gen, list: list})
	p.Update(SessionChangedMsg{Name: "homelab"})
}

func TestSessionsGoldens(t *testing.T) {
	w := saNewWorld(t)
	p := saSessionsPane(t, w)
	saFixedSessions(p)
	p.HandleKey(saKey("down"))
	for _, size := range [][2]int{{78, 18}, {158, 42}} {
		name := fmt.Sprintf("sessions_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			v := p.View(size[0], size[1], true)
			saCheckBlock(t, v, size[0], size[1])
			requireGolden(t, name, v)
		})
	}
	saPress(t, p, "r")
	saType(t, p, " (old)")
	t.Run("sessions_rename_78x18", func(t *testing.T) {
		requireGolden(t, "sessions_rename_78x18", p.View(78, 18, true))
	})
	saPress(t, p, "esc", "down", "d")
	t.Run("sessions_delete_78x18", func(t *testing.T) {
		requireGolden(t, "sessions_delete_78x18", p.View(78, 18, false))
	})
}

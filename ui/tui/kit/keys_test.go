package kit

import "testing"

func TestReadOnlyStripsOnlyDangerousBindings(t *testing.T) {
	keys := Rebind([]Binding{
		NewBinding("up", "up", "up", "k"),
		NewBinding("delete", "delete", "d").Danger(),
		NewBinding("approve", "approve", "a").Danger(),
	}, map[string][]string{"delete": {"x"}})
	ro := ReadOnly(keys)
	tests := []struct {
		action, key string
		before      bool
		after       bool
	}{
		{"up", "k", true, true},
		{"delete", "x", true, false}, // a rebind keeps the flag
		{"delete", "d", false, false},
		{"approve", "a", true, false},
	}
	for _, tt := range tests {
		if got := Matches(keys, tt.action, tt.key); got != tt.before {
			t.Errorf("before ReadOnly: %s on %q = %v, want %v", tt.action, tt.key, got, tt.before)
		}
		if got := Matches(ro, tt.action, tt.key); got != tt.after {
			t.Errorf("after ReadOnly: %s on %q = %v, want %v", tt.action, tt.key, got, tt.after)
		}
	}
	if !Matches(keys, "approve", "a") {
		t.Fatal("ReadOnly changed the bindings it was given")
	}
}

func TestListMoveFollowsAtTheEnd(t *testing.T) {
	keys := ListBindings()
	var l List
	l.Page = 5
	steps := []struct {
		key    string
		sel    int
		follow bool
	}{
		{"G", 19, true},
		{"k", 18, false},
		{"pgup", 14, false},
		{"g", 0, false},
		{"pgdown", 4, false},
		{"end", 19, true},
		{"j", 19, true},
	}
	for _, s := range steps {
		if !l.Move(keys, s.key, 20) {
			t.Fatalf("%q not a movement key", s.key)
		}
		if l.Sel != s.sel || l.Follow != s.follow {
			t.Fatalf("after %q: sel %d follow %v, want %d %v", s.key, l.Sel, l.Follow, s.sel, s.follow)
		}
	}
	if l.Move(keys, "x", 20) {
		t.Fatal("x moved the list")
	}
	if l.Move(keys, "j", 0); l.Sel != 0 {
		t.Fatalf("an empty list selects %d", l.Sel)
	}
}

func TestListDetail(t *testing.T) {
	keys := append(ListBindings(), NewBinding("detail", "details", "enter"))
	var l List
	if l.OpenDetail(0) {
		t.Fatal("a detail view opened on an empty list")
	}
	if !l.OpenDetail(3) || !l.Detail {
		t.Fatal("the detail view did not open")
	}
	l.DetailKey(keys, "G")
	l.ClampDetail(30, 10)
	if l.DetailTop != 20 || l.Page != 10 {
		t.Fatalf("bottom of 30 lines in 10 rows: top %d page %d", l.DetailTop, l.Page)
	}
	l.DetailKey(keys, "pgup")
	if l.DetailTop != 11 {
		t.Fatalf("page up from 20: %d", l.DetailTop)
	}
	if l.DetailKey(keys, "x") {
		t.Fatal("x handled in the detail view")
	}
	l.DetailKey(keys, "esc")
	if l.Detail {
		t.Fatal("esc left the detail view open")
	}
}

func TestReadOnlyKey(t *testing.T) {
	keys := ReadOnly([]Binding{
		NewBinding("refresh", "refresh", "r"),
		NewBinding("restart", "restart the unit", "R", "ctrl+r").Danger(),
	})
	tests := []struct {
		key    string
		action string
	}{
		{"R", "restart"},
		{"ctrl+r", "restart"},
		{"r", ""}, // still bound: nothing taken away
		{"x", ""},
	}
	for _, tt := range tests {
		b, ok := ReadOnlyKey(keys, tt.key)
		if ok != (tt.action != "") || b.Action != tt.action {
			t.Errorf("ReadOnlyKey(%q) = %q, %v; want %q", tt.key, b.Action, ok, tt.action)
		}
	}
	if _, ok := ReadOnlyKey([]Binding{NewBinding("restart", "restart", "R").Danger()}, "R"); ok {
		t.Error("a dangerous binding still bound counts as taken away")
	}
}

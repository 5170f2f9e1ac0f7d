package editor

import "testing"

func TestHistoryWalk(t *testing.T) {
	var h History
	if _, ok := h.Prev("draft"); ok {
		t.Fatal("an empty history recalled something")
	}
	for _, s := range []string{"one", "two", "two", "three"} {
		h.Add(s)
	}
	steps := []struct {
		prev bool
		want string
		ok   bool
	}{
		{true, "three", true}, {true, "two", true}, {true, "one", true},
		{true, "", false}, // nothing older; "two" was kept once
		{false, "two", true}, {false, "three", true},
		{false, "draft", true}, // past the newest: the draft comes back
		{false, "", false},
	}
	for i, s := range steps {
		var got string
		var ok bool
		if s.prev {
			got, ok = h.Prev("draft")
		} else {
			got, ok = h.Next()
		}
		if got != s.want || ok != s.ok {
			t.Fatalf("step %d: got %q %v, want %q %v", i, got, ok, s.want, s.ok)
		}
	}
}

func TestHistoryKeepsTheNewest(t *testing.T) {
	var h History
	for i := range HistoryMax + 5 {
		h.Add(string(rune('a'+i%26)) + string(rune('0'+i%10)) + string(rune(i)))
	}
	if len(h.items) != HistoryMax {
		t.Fatalf("%d kept, want %d", len(h.items), HistoryMax)
	}
}

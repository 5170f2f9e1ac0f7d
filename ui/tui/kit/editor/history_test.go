package editor

import (
	"strconv"
	"testing"
)

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
		h.Add(strconv.Itoa(i))
	}
	if len(h.items) != HistoryMax || h.items[0] != "5" {
		t.Fatalf("%d kept from %q, want %d from \"5\"", len(h.items), h.items[0], HistoryMax)
	}
}

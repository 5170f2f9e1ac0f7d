package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"accent", "border", "MACROA_CONTEXT_WINDOW", "muted", "mutex"}
	tests := []struct{ word, want string }{
		{"acent", "accent"},
		{"MACROA_CONTEX_WINDOW", "MACROA_CONTEXT_WINDOW"},
		{"mute", "muted"},  // one edit from both muted and mutex? no: mutex is two; muted wins
		{"mutez", "muted"}, // tie at one edit: alphabetical first
		{"zzzzzz", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Closest(tc.word, known); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

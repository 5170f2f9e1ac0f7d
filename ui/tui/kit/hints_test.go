package kit

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestFitHints(t *testing.T) {
	// The full line is 32 cells: "a one · b two · c three · d four".
	four := []Hint{{"a one", 0}, {"b two", 2}, {"c three", 1}, {"d four", 3}}
	ask := []Hint{{"y deletes", 0}, {"n or esc keeps it", 1}}
	// "remember for: h host · esc cancels" is 34 cells.
	remember := []Hint{{"h host", 0}, {"esc cancels", 1}}
	for _, tc := range []struct {
		name       string
		width      int
		lead, tail string
		hints      []Hint
		want       string
	}{
		{"room to spare is padded", 40, "", "", four, "a one · b two · c three · d four        "},
		{"exact width keeps every hint", 32, "", "", four, "a one · b two · c three · d four"},
		{"highest drop goes first", 31, "", "", four, "a one · b two · c three        "},
		{"then the next", 22, "", "", four, "a one · c three       "},
		{"down to the kept ones", 14, "", "", four, "a one         "},
		{"a kept hint is cut, never dropped", 3, "", "", four, "a …"},
		{"no width, no line", 0, "", "", four, ""},
		{"lead joined by a space", 50, "delete task x?", "", ask, "delete task x? y deletes · n or esc keeps it      "},
		{"lead keeps the kept hint", 30, "delete task x?", "", ask, "delete task x? y deletes      "},
		{"lead alone", 16, "remember for:", "", nil, "remember for:   "},
		{"no hints, no lead", 4, "", "", nil, "    "},
		{"tail in full", 60, "remember for:", "restart nginx.service", remember, "remember for: h host · esc cancels · restart nginx.service  "},
		{"tail cut to the room left", 45, "remember for:", "restart nginx.service", remember, "remember for: h host · esc cancels · restart…"},
		{"tail left out below MinTail cells", 44, "remember for:", "restart nginx.service", remember, "remember for: h host · esc cancels          "},
		{"hints are dropped before the tail is shown", 30, "remember for:", "restart nginx.service", remember, "remember for: h host          "},
		{"a tail alone has no separator", 12, "", "restart nginx", nil, "restart ngi…"},
		{"hostile text cleaned", 40, "delete task " + hostile + "?", "run: " + hostile, []Hint{{"y\x1b[2J deletes", 0}},
			"delete task evil ? y deletes · run: evil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FitHints(tc.width, tc.lead, tc.hints, tc.tail)
			if got != tc.want {
				t.Errorf("FitHints(%d, %q, %v, %q) =\n %q, want\n %q", tc.width, tc.lead, tc.hints, tc.tail, got, tc.want)
			}
			if w := ansi.StringWidth(got); w != max(tc.width, 0) {
				t.Errorf("FitHints is %d cells wide, want %d", w, tc.width)
			}
			if strings.ContainsAny(got, "\x1b\x07\x9b\r\n\u202e\u2066") {
				t.Errorf("FitHints = %q holds a control", got)
			}
		})
	}
}

// TestFitHintsLeavesTheCallersHints checks dropping works on a copy: a
// pane builds its hints once and fits them at every width.
func TestFitHintsLeavesTheCallersHints(t *testing.T) {
	hs := []Hint{{"a", 0}, {"b", 1}, {"c", 2}}
	FitHints(1, "", hs, "")
	if len(hs) != 3 || hs[1].Text != "b" || hs[2].Text != "c" {
		t.Fatalf("FitHints changed its argument: %v", hs)
	}
}

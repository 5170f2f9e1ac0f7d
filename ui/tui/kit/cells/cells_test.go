package cells

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		in, tail string
		width    int
		want     string
	}{
		{"abc", "…", 5, "abc  "},
		{"abcdef", "…", 4, "abc…"},
		{"abcdef", "", 4, "abcd"},
		{"\x1b[1mbold\x1b[m text", "…", 6, "bold …"},
		{"日本語", "", 5, "日本 "},
		{"", "…", 3, "   "},
		{"abc", "…", 0, ""},
		{"abc", "…", -2, ""},
	} {
		got := Fit(tc.in, tc.width, tc.tail)
		if ansi.Strip(got) != tc.want || (tc.width > 0 && ansi.StringWidth(got) != tc.width) {
			t.Errorf("Fit(%q, %d, %q) = %q; want %q", tc.in, tc.width, tc.tail, ansi.Strip(got), tc.want)
		}
	}
}

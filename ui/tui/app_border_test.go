package tui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestDrawBorderMatchesLipgloss: the border drawn by hand is the one
// lipgloss draws, cell for cell, in the border's colour.
func TestDrawBorderMatchesLipgloss(t *testing.T) {
	st := tuitest.Styles(t, "ansi")
	for _, size := range [][2]int{{3, 3}, {10, 4}, {80, 24}} {
		w, h := size[0], size[1]
		body := fitBlock("héllo ▁▂▃ wide 世界\nsecond", w-2, h-2)
		for _, border := range []lipgloss.Style{st.Border, st.BorderFocused} {
			got := drawBorder(border, body, w-2)
			want := border.Width(w).Height(h).Render(body)
			if ansi.Strip(got) != ansi.Strip(want) {
				t.Fatalf("%dx%d:\n got:\n%s\nwant:\n%s", w, h, ansi.Strip(got), ansi.Strip(want))
			}
			tuitest.RequireBlock(t, got, w, h)
			pre, _, _ := strings.Cut(lipgloss.NewStyle().Foreground(border.GetBorderTopForeground()).Render("╭"), "╭")
			if pre == "" || !strings.HasPrefix(got, pre+"╭") {
				t.Fatalf("%dx%d: the corner is not in the border's colour: %q", w, h, strings.SplitN(got, "\n", 2)[0])
			}
		}
	}
}

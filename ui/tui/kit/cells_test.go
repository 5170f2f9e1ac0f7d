package kit

import (
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/macroa/macroa/themes"
)

func TestCursorWindowKeepsSelectionVisible(t *testing.T) {
	tests := []struct {
		name             string
		n, height        int
		top, sel         int
		wantStart, wantE int
	}{
		{"all fit", 3, 10, 0, 2, 0, 3},
		{"selection below", 100, 10, 0, 50, 41, 51},
		{"selection above", 100, 10, 60, 5, 5, 15},
		{"selection inside", 100, 10, 20, 25, 20, 30},
		{"list shrank", 12, 10, 50, 11, 2, 12},
		{"empty", 0, 10, 5, 5, 0, 0},
		{"no room", 10, 0, 0, 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Cursor{Sel: tt.sel, Top: tt.top}
			s, e := c.Window(tt.n, tt.height)
			if s != tt.wantStart || e != tt.wantE {
				t.Fatalf("window = [%d,%d), want [%d,%d)", s, e, tt.wantStart, tt.wantE)
			}
			if tt.n > 0 && tt.height > 0 && (c.Sel < s || c.Sel >= e) {
				t.Fatalf("selection %d outside [%d,%d)", c.Sel, s, e)
			}
		})
	}
}

func TestFitAndPrintable(t *testing.T) {
	tests := []struct {
		name, in string
		width    int
		want     string
	}{
		{"pads", "ab", 5, "ab   "},
		{"clips with an ellipsis", "abcdefgh", 5, "abcd…"},
		{"wide runes", "日本語テキスト", 6, "日本… "},
		{"zero width", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fit(tt.in, tt.width); got != tt.want {
				t.Fatalf("Fit(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
		})
	}
	if got := OneLine("rm -rf\n  /tmp/x\t\x1b[31mred\x07"); got != "rm -rf /tmp/x ␛[31mred␇" {
		t.Fatalf("OneLine = %q", got)
	}
	if got := Printable("a\nb\x1bc\u0085", true); got != "a\nb␛c\uFFFD" {
		t.Fatalf("Printable = %q", got)
	}
}

func TestPainterMatchesLipgloss(t *testing.T) {
	th, err := themes.Load("dark", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := NewStyles(th)
	for name, s := range map[string]lipgloss.Style{
		"text": st.Text, "muted": st.Muted, "error": st.Error, "accent": st.Accent,
		"selected": st.Selected, "opus": st.Tier["opus"], "plain": lipgloss.NewStyle(),
	} {
		for _, text := range []string{"ok", "  11-21 15:29:58 ", "日本 ␛[31m"} {
			if got, want := Painter(s).Apply(text), s.Render(text); got != want {
				t.Fatalf("%s: paint(%q) = %q, lipgloss renders %q", name, text, got, want)
			}
		}
	}
}

// A session name, an audit entry's input or session may hold bidi
// controls (U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LEFT-TO-RIGHT ISOLATE,
// ...): drawn raw they make a terminal reorder the text around them, so a
// row shows something other than what it holds. Printable and OneLine
// turn them into U+FFFD, like the C1 controls.
func TestPrintableNeutralisesBidiControls(t *testing.T) {
	for _, r := range []rune{0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069} {
		in := "rtl" + string(r) + "evil"
		for name, got := range map[string]string{
			"Printable": Printable(in, true),
			"OneLine":   OneLine(in),
		} {
			if got != "rtl\uFFFDevil" {
				t.Errorf("%s(%q) = %q, want %q", name, in, got, "rtl\uFFFDevil")
			}
		}
	}
}

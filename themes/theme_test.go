package themes

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// deliberatelyNone lists, per builtin, the tokens meant to be the terminal's
// default; every other token must be an explicit colour.
var deliberatelyNone = map[string][]string{
	"ansi":          {"foreground", "background", "surface", "assistant_message", "shell_output"},
	"dark":          nil,
	"light":         nil,
	"high-contrast": nil,
}

func TestBuiltinNames(t *testing.T) {
	want := []string{"ansi", "dark", "high-contrast", "light"}
	if got := Builtin(); !slices.Equal(got, want) {
		t.Fatalf("Builtin() = %q, want %q", got, want)
	}
	if !slices.Contains(Builtin(), Default) {
		t.Fatalf("Default %q is not a builtin", Default)
	}
}

func TestBuiltinsComplete(t *testing.T) {
	for _, name := range Builtin() {
		th, err := Load(name, "")
		if err != nil {
			t.Fatalf("Load(%q): %v", name, err)
		}
		if th.Name != name || th.Description == "" {
			t.Errorf("%s: name %q, description %q", name, th.Name, th.Description)
		}
		if err := th.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		toks := th.Tokens()
		if len(toks) != 29 {
			t.Errorf("%s: %d tokens, want 29", name, len(toks))
		}
		for _, tok := range toks {
			none := slices.Contains(deliberatelyNone[name], tok.Name)
			switch {
			case tok.Color == "":
				t.Errorf("%s: token %s is not set", name, tok.Name)
			case none && tok.Color != None:
				t.Errorf("%s: token %s = %q, want none", name, tok.Name, tok.Color)
			case !none && tok.Color == None:
				t.Errorf("%s: token %s is none, want a colour", name, tok.Name)
			}
		}
	}
}

// index returns the palette index of c, or -1.
func index(c Color) int {
	n, ok := c.index()
	if !ok {
		return -1
	}
	return n
}

func TestPaletteRules(t *testing.T) {
	tests := []struct {
		theme string
		rule  string
		ok    func(Color) bool
	}{
		{"ansi", "palette 0-15 or none", func(c Color) bool {
			return c == None || (index(c) >= 0 && index(c) <= 15)
		}},
		{"high-contrast", "black, bright white or bright colours (0, 9-15)", func(c Color) bool {
			n := index(c)
			return n == 0 || (n >= 9 && n <= 15)
		}},
		{"high-contrast", "no hex greys", func(c Color) bool {
			r, g, b, ok := c.rgb()
			return !ok || !(r == g && g == b && r != 0 && r != 255)
		}},
		{"dark", "truecolour hex", func(c Color) bool { _, _, _, ok := c.rgb(); return ok }},
		{"light", "truecolour hex", func(c Color) bool { _, _, _, ok := c.rgb(); return ok }},
	}
	for _, tt := range tests {
		th, err := Load(tt.theme, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range th.Tokens() {
			if !tt.ok(tok.Color) {
				t.Errorf("%s: %s = %q breaks the rule %q", tt.theme, tok.Name, tok.Color, tt.rule)
			}
		}
	}
}

// luminance is the WCAG relative luminance of a hex colour.
func luminance(c Color) float64 {
	r, g, b, _ := c.rgb()
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestHexContrast keeps the truecolour themes readable: text tokens reach
// WCAG AA (4.5:1) on their background, subtle text 3:1.
func TestHexContrast(t *testing.T) {
	for _, name := range []string{"dark", "light"} {
		th, err := Load(name, "")
		if err != nil {
			t.Fatal(err)
		}
		pairs := []struct {
			fg, bg string
			min    float64
		}{
			{"selection_fg", "selection_bg", 4.5},
			{"status_bar_fg", "status_bar_bg", 4.5},
			{"subtle", "background", 3},
			{"foreground", "surface", 4.5},
		}
		for _, tok := range []string{"foreground", "muted", "accent", "accent_alt", "success", "warning",
			"error", "info", "user_message", "assistant_message", "shell_output", "tier_nano",
			"tier_haiku", "tier_sonnet", "tier_opus", "toast_info", "toast_warning", "toast_error",
			"code", "link"} {
			pairs = append(pairs, struct {
				fg, bg string
				min    float64
			}{tok, "background", 4.5})
		}
		colors := map[string]Color{}
		for _, tok := range th.Tokens() {
			colors[tok.Name] = tok.Color
		}
		for _, p := range pairs {
			if got := contrast(colors[p.fg], colors[p.bg]); got < p.min {
				t.Errorf("%s: %s on %s contrast %.2f, want >= %.1f", name, p.fg, p.bg, got, p.min)
			}
		}
		if th.Dark != (luminance(colors["background"]) < 0.2) {
			t.Errorf("%s: dark = %v does not match its background %s", name, th.Dark, colors["background"])
		}
	}
}

func TestPlain(t *testing.T) {
	th, err := Load("dark", "")
	if err != nil {
		t.Fatal(err)
	}
	p := th.Plain()
	if p.Name != "dark" || !p.Dark || p.Description != th.Description {
		t.Errorf("Plain() lost name/dark/description: %+v", p)
	}
	for _, tok := range p.Tokens() {
		if tok.Color != "" {
			t.Errorf("Plain(): %s = %q, want empty", tok.Name, tok.Color)
		}
		if got := Paint("x", tok.Color, false); got != "x" {
			t.Errorf("Paint with plain %s = %q", tok.Name, got)
		}
	}
	if th.Accent == "" {
		t.Error("Plain() changed its receiver")
	}
}

func TestTokenNamesMatchTags(t *testing.T) {
	names := TokenNames()
	for _, want := range []string{"foreground", "border_focused", "selection_bg", "tier_opus",
		"status_bar_fg", "toast_error", "code", "link"} {
		if !slices.Contains(names, want) {
			t.Errorf("TokenNames() lacks %q", want)
		}
	}
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, " ,") {
			t.Errorf("bad token name %q", n)
		}
	}
	th := Theme{Name: "x", Accent: "#12345"}
	err := th.Validate()
	if err == nil || !strings.Contains(err.Error(), "accent: ") || !strings.Contains(err.Error(), strconv.Quote("#12345")) {
		t.Errorf("Validate() = %v, want it to name accent and the value", err)
	}
}

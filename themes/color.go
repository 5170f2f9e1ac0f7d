package themes

import (
	"fmt"
	"strconv"
	"strings"
)

// Color is one colour value in a theme. It is one of:
//
//   - "" or "none": the terminal's default (foreground or background);
//   - "0".."15": an ANSI palette index, so the colour follows the user's
//     terminal palette (right in tmux and over SSH);
//   - "16".."255": an xterm 256-colour index;
//   - "#rrggbb": a truecolour value.
type Color string

// None is the terminal's default colour.
const None Color = "none"

// IsNone reports whether c means the terminal's default colour.
func (c Color) IsNone() bool { return c == "" || c == None }

// Validate reports whether c is a colour this package understands.
func (c Color) Validate() error {
	if c.IsNone() {
		return nil
	}
	if _, ok := c.index(); ok {
		return nil
	}
	if _, _, _, ok := c.rgb(); ok {
		return nil
	}
	return fmt.Errorf("%q is not a colour (want \"#rrggbb\", 0-255 or \"none\")", string(c))
}

// UnmarshalText reads a colour from a theme file. It trims spaces, lowercases
// hex digits and "none", and rejects anything that is not a colour, so the
// TOML decoder reports the bad value with its key and line.
func (c *Color) UnmarshalText(text []byte) error {
	v := Color(strings.ToLower(strings.TrimSpace(string(text))))
	if err := v.Validate(); err != nil {
		return fmt.Errorf("%q is not a colour (want \"#rrggbb\", 0-255 or \"none\")", string(text))
	}
	if n, ok := v.index(); ok {
		v = Color(strconv.Itoa(n)) // "007" -> "7"
	}
	*c = v
	return nil
}

// MarshalText writes c as it appears in a theme file.
func (c Color) MarshalText() ([]byte, error) { return []byte(c), nil }

// index returns the palette index of c when c is "0".."255".
func (c Color) index() (int, bool) {
	s := string(c)
	if s == "" || len(s) > 3 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 255 {
		return 0, false
	}
	return n, true
}

// rgb returns the components of c when c is "#rrggbb".
func (c Color) rgb() (r, g, b uint8, ok bool) {
	s := string(c)
	if len(s) != 7 || s[0] != '#' {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return uint8(v >> 16), uint8(v >> 8), uint8(v), true
}

// SGR returns the Select Graphic Rendition parameters that set c as the
// foreground (or, when foreground is false, background) colour: "31"/"41" for
// palette 1, "91"/"101" for palette 9, "38;5;n"/"48;5;n" for 16-255,
// "38;2;r;g;b"/"48;2;r;g;b" for hex. It returns "" for none and for values
// that are not colours, so a bad value never reaches the terminal.
func (c Color) SGR(foreground bool) string {
	if c.IsNone() {
		return ""
	}
	if n, ok := c.index(); ok {
		switch {
		case n < 8 && foreground:
			return strconv.Itoa(30 + n)
		case n < 8:
			return strconv.Itoa(40 + n)
		case n < 16 && foreground:
			return strconv.Itoa(90 + n - 8)
		case n < 16:
			return strconv.Itoa(100 + n - 8)
		case foreground:
			return "38;5;" + strconv.Itoa(n)
		default:
			return "48;5;" + strconv.Itoa(n)
		}
	}
	if r, g, b, ok := c.rgb(); ok {
		p := "38;2;"
		if !foreground {
			p = "48;2;"
		}
		return fmt.Sprintf("%s%d;%d;%d", p, r, g, b)
	}
	return ""
}

// Paint wraps s in SGR codes that draw it in foreground colour c, in bold
// when bold is set, and reset all attributes after it. It returns s unchanged
// when c is none (or not a colour) and bold is false. It is meant for plain
// line output such as the REPL prompt; callers honour NoColor by passing a
// Plain theme's colours.
func Paint(s string, c Color, bold bool) string {
	fg := c.SGR(true)
	if fg == "" && !bold {
		return s
	}
	var params string
	switch {
	case bold && fg != "":
		params = "1;" + fg
	case bold:
		params = "1"
	default:
		params = fg
	}
	return "\x1b[" + params + "m" + s + "\x1b[0m"
}

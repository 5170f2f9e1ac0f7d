package markdown

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// goldenDoc is an answer a model might give, with every block the renderer
// knows.
const goldenDoc = "# Disk usage\n\n" +
	"Every host, **largest first**; see `df -h`.\n\n" +
	"| host | used | free | note |\n" +
	"|:-----|-----:|:----:|------|\n" +
	"| web-1 | 41 GiB | 9 GiB | logs grow `fast` |\n" +
	"| db | 1.2 TiB | 300 GiB | |\n" +
	"| 日本-3 | 7 GiB | 93 GiB | wide name |\n\n" +
	"```go\n" +
	"func main() { // entry\n" +
	"\tfmt.Println(\"if // not a comment\")\n" +
	"}\n" +
	"```\n\n" +
	"```sh\n" +
	"du -sh /var/log # the logs\n" +
	"```\n\n" +
	"1. check the logs\n" +
	"2. rotate them\n\n" +
	"> quoted\n"

func TestRenderGoldens(t *testing.T) {
	for _, width := range []int{80, 30, 12} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			lines := Render(goldenDoc, width, testStyles())
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > width {
					t.Fatalf("line %q is %d cells, wider than %d", ansi.Strip(l), w, width)
				}
			}
			tuitest.RequireGolden(t, fmt.Sprintf("doc_%d", width), strings.Join(lines, "\n")+"\n")
		})
	}
}

func TestCodeBlockStyles(t *testing.T) {
	st := testStyles()
	view := strings.Join(Render("```go\nreturn x // done\ny := \"func\"\n```", 40, st), "\n")
	keyword := st.Accent.UnsetBold()
	for _, c := range []struct {
		what  string
		style lipgloss.Style
		text  string
		want  bool
	}{
		{"label", st.Subtle, "┌ go", true},
		{"bar", st.Subtle, "│ ", true},
		{"keyword", keyword, "return", true},
		{"comment", st.Muted, "// done", true},
		{"code", st.Code, " x ", true},
		{"keyword in a string", keyword, "func", false},
	} {
		if got := tuitest.Styled(view, c.style, c.text); got != c.want {
			t.Errorf("%s: %q styled = %v, want %v\n%q", c.what, c.text, got, c.want, view)
		}
	}
	// A language the highlighter does not know is all Code.
	plain := strings.Join(Render("```cobol\nreturn x\n```", 40, st), "\n")
	if tuitest.Styled(plain, keyword, "return") || !tuitest.Styled(plain, st.Code, "return x") {
		t.Errorf("unknown language highlighted: %q", plain)
	}
	// A comment cut over two rows stays a comment.
	cut := Render("```sh\n# a long comment here\n```", 10, st)
	if len(cut) < 3 || !tuitest.Styled(cut[2], st.Muted, ansi.Strip(cut[2])[len("│ "):]) {
		t.Errorf("comment's second row not Muted: %q", cut)
	}
}

func TestTableStyles(t *testing.T) {
	st := testStyles()
	lines := Render("| a | b |\n|---|---|\n| `x` | **y** |", 40, st)
	if !tuitest.Styled(lines[0], st.Text.Bold(true), "a") {
		t.Errorf("header not bold: %q", lines[0])
	}
	if !tuitest.Styled(lines[2], st.Code, "x") || !tuitest.Styled(lines[2], st.Text.Bold(true), "y") {
		t.Errorf("cells lost their inline styles: %q", lines[2])
	}
}

// hostile is text a model, a file or a command might hand the renderer to
// take over the terminal.
var hostile = []string{
	"\x1b[2J\x1b[H",          // clear the screen
	"\x1b]52;c;Zm9v\x07",     // write the clipboard
	"\x1b]8;;http://x\x1b\\", // a hyperlink
	"\u009b31m",              // C1 CSI
	"\u202eevil\u202c",       // bidi override
	"\x1bP+q\x1b\\",          // DCS
	"\a\x7f\x00",             // bell, DEL, NUL
}

func TestRenderHostile(t *testing.T) {
	st := testStyles()
	// What the styles draw is SGR; anything else is the input's.
	sgr := regexp.MustCompile(`\x1b\[[0-9;:]*m`)
	for _, h := range hostile {
		docs := []string{
			"| a" + h + " | b |\n|---|---|\n| " + h + " | `" + h + "` |",
			"```go" + h + "\nx := " + h + " // " + h + "\n```",
			"# " + h + "\n- " + h + "\n> " + h + "\n**" + h + "**",
		}
		for _, doc := range docs {
			for _, width := range []int{3, 40} {
				for _, l := range Render(doc, width, st) {
					if strings.ContainsAny(sgr.ReplaceAllString(l, ""), "\x1b\u009b\u202e\u202c\a\x7f\x00") {
						t.Fatalf("%q at %d: a control reached the output: %q", doc, width, l)
					}
				}
			}
		}
	}
}

func TestRenderFitsEveryWidth(t *testing.T) {
	st := testStyles()
	for width := 1; width <= 40; width++ {
		for _, l := range Render(goldenDoc, width, st) {
			if w := ansi.StringWidth(l); w > width {
				t.Fatalf("width %d: line %q is %d cells", width, ansi.Strip(l), w)
			}
		}
	}
}

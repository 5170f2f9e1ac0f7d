// Package markdown is the chat's small Markdown renderer: enough for model
// answers in a terminal, with no dependency beyond lipgloss and x/ansi (a
// full renderer with a syntax highlighter costs every command its package
// initialisation). Each source line stays a line (wrapped to the width):
// headings are bold, `code` spans take the Code style, list items keep
// their markers with a hanging indent, quotes get a bar, rules a line.
// Fenced code blocks sit behind a bar under a label naming their language,
// with keywords and comments picked out for a few languages. GitHub tables
// get aligned columns measured in cells, cut to the width. Everything else
// is text, shown as written; nothing in it reaches the terminal as a
// control.
package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles are the renderer's styles, from the theme's tokens.
type Styles struct {
	Text   lipgloss.Style // paragraphs, headings (bold), list items
	Muted  lipgloss.Style // quotes
	Subtle lipgloss.Style // rules, quote bars
	Accent lipgloss.Style // list markers (not bold)
	Code   lipgloss.Style // code spans and blocks
}

// Render renders src into lines of at most width cells. src is cleaned
// with Sanitize first (a no-op on text that already was), so nothing in
// it reaches the terminal as a control.
func Render(src string, width int, st Styles) []string {
	width = max(width, 1)
	lines := strings.Split(Sanitize(src), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimLeft(line, " ")
		if m, lang := fenceOpens(trimmed); m != "" {
			end := i + 1
			for end < len(lines) && !fenceCloses(strings.TrimLeft(lines[end], " "), m) {
				end++
			}
			out = append(out, codeBlock(lines[i+1:min(end, len(lines))], lang, width, st)...)
			i = end // the closing fence, or past the end
			continue
		}
		if n := tableAt(lines[i:]); n > 0 {
			out = append(out, table(lines[i:i+n], width, st)...)
			i += n - 1
			continue
		}
		out = append(out, renderLine(line, trimmed, width, st)...)
	}
	return out
}

// renderLine renders one line outside code blocks.
func renderLine(line, trimmed string, width int, st Styles) []string {
	indent := len(line) - len(trimmed)
	switch {
	case trimmed == "":
		return []string{""}
	case isRule(trimmed):
		return []string{st.Subtle.Render(strings.Repeat("─", min(width, 40)))}
	}
	if level, text := heading(trimmed); level > 0 {
		return wrapStyled(inline(text, st.Text.Bold(true), st), width)
	}
	if text, ok := strings.CutPrefix(trimmed, ">"); ok {
		text = strings.TrimPrefix(text, " ")
		bar := st.Subtle.Render("│ ")
		return hanging(bar, "  ", inline(text, st.Muted, st), width)
	}
	if marker, text, ok := listItem(trimmed); ok {
		pad := strings.Repeat(" ", min(indent, width/2))
		first := pad + st.Accent.UnsetBold().Render(marker) + " "
		hang := pad + strings.Repeat(" ", ansi.StringWidth(marker)+1)
		return hanging(first, hang, inline(text, st.Text, st), width)
	}
	return wrapStyled(inline(line, st.Text, st), width)
}

// isRule reports whether a line is a thematic break: ---, ***, ___.
func isRule(trimmed string) bool {
	s := strings.ReplaceAll(trimmed, " ", "")
	if len(s) < 3 {
		return false
	}
	c := s[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	return strings.Count(s, string(c)) == len(s)
}

// heading returns a heading's level (0 if the line is none) and text.
func heading(trimmed string) (int, string) {
	n := 0
	for n < len(trimmed) && n < 7 && trimmed[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0, ""
	}
	if n == len(trimmed) {
		return n, ""
	}
	if trimmed[n] != ' ' && trimmed[n] != '\t' {
		return 0, ""
	}
	text := strings.TrimSpace(trimmed[n:])
	text = strings.TrimSpace(strings.TrimRight(text, "#"))
	return n, text
}

// listItem splits a list item into its marker ("-", "*", "+", "1.",
// "2)", "- [ ]") and text.
func listItem(trimmed string) (marker, text string, ok bool) {
	if len(trimmed) >= 2 && strings.ContainsRune("-*+", rune(trimmed[0])) && trimmed[1] == ' ' {
		marker, text = trimmed[:1], strings.TrimLeft(trimmed[2:], " ")
		for _, box := range []string{"[ ] ", "[x] ", "[X] "} {
			if rest, ok := strings.CutPrefix(text, box); ok {
				marker, text = marker+" "+box[:3], rest
			}
		}
		return marker, text, true
	}
	n := 0
	for n < len(trimmed) && n < 9 && trimmed[n] >= '0' && trimmed[n] <= '9' {
		n++
	}
	if n > 0 && n+1 < len(trimmed) && (trimmed[n] == '.' || trimmed[n] == ')') && trimmed[n+1] == ' ' {
		return trimmed[:n+1], strings.TrimLeft(trimmed[n+2:], " "), true
	}
	return "", "", false
}

// inline styles a line's inline spans: `code` in the Code style,
// **strong** and __strong__ bold, the rest in base. Markers that do not
// close are text.
func inline(s string, base lipgloss.Style, st Styles) string {
	var b strings.Builder
	plain := func(t string) {
		if t != "" {
			b.WriteString(base.Render(t))
		}
	}
	start := 0 // of the pending plain text
	for i := 0; i < len(s); {
		switch {
		case s[i] == '`':
			ticks := 1
			for i+ticks < len(s) && s[i+ticks] == '`' {
				ticks++
			}
			marker := s[i : i+ticks]
			end := strings.Index(s[i+ticks:], marker)
			if end < 0 {
				i += ticks
				continue
			}
			plain(s[start:i])
			code := s[i+ticks : i+ticks+end]
			if t := strings.TrimSpace(code); t != "" && len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' {
				code = code[1 : len(code)-1]
			}
			b.WriteString(st.Code.Render(code))
			i += 2*ticks + end
			start = i
		case (s[i] == '*' || s[i] == '_') && i+1 < len(s) && s[i+1] == s[i]:
			marker := s[i : i+2]
			end := strings.Index(s[i+2:], marker)
			if end <= 0 || spaceAround(s[i+2:i+2+end]) || (s[i] == '_' && wordChar(s, i-1)) {
				i += 2
				continue
			}
			plain(s[start:i])
			b.WriteString(inline(s[i+2:i+2+end], base.Bold(true), st))
			i += 4 + end
			start = i
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	plain(s[start:])
	return b.String()
}

// spaceAround reports whether emphasis text starts or ends with a
// space ("2 ** 3 ** 4" is no emphasis).
func spaceAround(t string) bool {
	first, _ := utf8.DecodeRuneInString(t)
	last, _ := utf8.DecodeLastRuneInString(t)
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}

// wordChar reports whether s[i] is a letter or digit (snake_case
// names keep their underscores).
func wordChar(s string, i int) bool {
	if i < 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i+1])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wrapStyled word-wraps styled text to width, each line re-opening the
// styles the previous one closed. A line lipgloss leaves wider (it keeps
// some words whole at a width of a cell or two) is cut.
func wrapStyled(s string, width int) []string {
	if ansi.StringWidth(s) <= width {
		return []string{s}
	}
	lines := strings.Split(lipgloss.Wrap(s, width, ""), "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	return lines
}

// hanging wraps styled text after a first-line prefix, later lines
// indented by hang (a list item's hanging indent).
func hanging(first, hang, s string, width int) []string {
	pw := ansi.StringWidth(first)
	if pw >= width {
		first, hang, pw = "", "", 0
	}
	lines := wrapStyled(s, width-pw)
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = hang + lines[i]
		}
	}
	return lines
}

// BlockEnd returns how much of a streaming answer is finished Markdown
// blocks: the text up to the last blank line outside a code block, or up
// to a closed code block. The rest is still arriving and is shown plain.
// from is an earlier result for a prefix of text (0 if none): the scan
// starts there, since a block end is never inside a code block.
func BlockEnd(text string, from int) int {
	if from < 0 || from > len(text) {
		from = 0
	}
	end, pos := from, from
	fence := ""
	for {
		nl := strings.IndexByte(text[pos:], '\n')
		if nl < 0 {
			return end // the last line is not complete yet
		}
		line := text[pos : pos+nl]
		next := pos + nl + 1
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case fence != "":
			if fenceCloses(trimmed, fence) {
				fence = ""
				end = next
			}
		case opens(trimmed):
			fence, _ = fenceOpens(trimmed)
		case strings.TrimSpace(line) == "":
			end = next
		}
		pos = next
	}
}

// opens reports whether a line opens a code block.
func opens(trimmed string) bool { m, _ := fenceOpens(trimmed); return m != "" }

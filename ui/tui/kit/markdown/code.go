package markdown

import (
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// codeBlock renders a fenced code block: a label with the language when
// the fence names one, then each line behind a bar in the Code style,
// keywords and comments picked out for the few languages lexicons knows,
// cut (not word-wrapped) at the width.
func codeBlock(lines []string, lang string, width int, st Styles) []string {
	var out []string
	if lang != "" {
		out = append(out, st.Subtle.Render(ansi.Truncate("┌ "+lang, width, "…")))
	}
	if width <= 2 { // no room for the bar
		for _, l := range lines {
			out = append(out, st.Code.Render(ansi.Truncate(l, width, "")))
		}
		return out
	}
	bar := st.Subtle.Render("│ ")
	lex := lexicons()[strings.ToLower(lang)]
	for _, l := range lines {
		comment := false
		for _, part := range strings.Split(ansi.Hardwrap(l, width-2, true), "\n") {
			var styled string
			styled, comment = highlight(part, lex, comment, st)
			out = append(out, bar+styled)
		}
	}
	return out
}

// lexicon is what the highlighter knows of a language: its keywords and
// how a line comment starts.
type lexicon struct {
	keywords map[string]bool
	comment  string // "" when the language has none
	fold     bool   // keywords match in any case (SQL)
}

// lexicons are the languages highlighted, by the names fences use. They
// are built on first use: nothing is done at package init.
var lexicons = sync.OnceValue(func() map[string]*lexicon {
	set := func(comment string, fold bool, words string) *lexicon {
		l := &lexicon{keywords: map[string]bool{}, comment: comment, fold: fold}
		for _, w := range strings.Fields(words) {
			l.keywords[w] = true
		}
		return l
	}
	goLex := set("//", false, "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false")
	sh := set("#", false, "if then else elif fi for while until do done case esac in function return export local readonly set unset sudo echo cd exit")
	py := set("#", false, "and as assert async await break class continue def del elif else except finally for from global if import in is lambda not or pass raise return try while with yield None True False")
	js := set("//", false, "async await break case catch class const continue default delete do else export extends finally for function if import in instanceof let new return switch this throw try typeof var void while yield null undefined true false interface type")
	rust := set("//", false, "as async await break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while")
	sql := set("--", true, "select from where and or not insert into values update set delete create table drop alter index join left right inner outer on group by order having limit as null is in distinct union")
	return map[string]*lexicon{
		"go": goLex, "golang": goLex,
		"sh": sh, "bash": sh, "shell": sh, "zsh": sh, "console": sh,
		"python": py, "py": py,
		"javascript": js, "js": js, "typescript": js, "ts": js, "jsx": js, "tsx": js,
		"rust": rust, "rs": rust,
		"sql": sql,
	}
})

// highlight styles one piece of a code line: keywords in the Accent
// colour, a line comment (and the rest of the line after it, which
// inComment carries over to the next piece of a cut line) Muted, strings
// and everything else in the Code style.
func highlight(s string, lex *lexicon, inComment bool, st Styles) (string, bool) {
	if inComment {
		return st.Muted.Render(s), true
	}
	if lex == nil || s == "" {
		return st.Code.Render(s), false
	}
	var b strings.Builder
	plain := 0 // start of the text not written yet
	flush := func(end int) {
		if end > plain {
			b.WriteString(st.Code.Render(s[plain:end]))
		}
	}
	keyword := st.Accent.UnsetBold()
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case lex.comment != "" && strings.HasPrefix(s[i:], lex.comment):
			flush(i)
			b.WriteString(st.Muted.Render(s[i:]))
			return b.String(), true
		case c == '"' || c == '\'' || c == '`':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				i = len(s)
			} else {
				i += end + 2
			}
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && (isIdentStart(s[j]) || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			word := s[i:j]
			if lex.fold {
				word = strings.ToLower(word)
			}
			if lex.keywords[word] {
				flush(i)
				b.WriteString(keyword.Render(s[i:j]))
				plain = j
			}
			i = j
		default:
			i++
		}
	}
	flush(len(s))
	return b.String(), false
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// fenceOpens returns the fence marker (``` or ~~~, or longer) a line
// opens a code block with, or "", and the language its info string names.
func fenceOpens(trimmed string) (marker, lang string) {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(trimmed) && trimmed[n] == c {
			n++
		}
		if n >= 3 {
			if c == '`' && strings.Contains(trimmed[n:], "`") {
				return "", "" // ```x``` on one line is inline code
			}
			if f := strings.Fields(trimmed[n:]); len(f) > 0 {
				lang = strings.Trim(f[0], "{}.")
			}
			return trimmed[:n], lang
		}
	}
	return "", ""
}

// fenceCloses reports whether a line closes the block marker opened.
func fenceCloses(trimmed, marker string) bool {
	rest, ok := strings.CutPrefix(trimmed, marker)
	return ok && strings.Trim(rest, marker[:1]+" \t") == ""
}

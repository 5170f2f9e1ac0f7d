package agent

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// word checks everything a word expands: nested commands are walked like
// any other, and anything that could hide a secret or a command is refused.
func (c *checker) word(w *syntax.Word) {
	if w == nil {
		return
	}
	c.parts(w.Parts)
}

func (c *checker) parts(parts []syntax.WordPart) {
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
		case *syntax.DblQuoted:
			c.parts(x.Parts)
		case *syntax.CmdSubst:
			c.stmts(x.Stmts)
		case *syntax.ProcSubst:
			if x.Op == syntax.CmdOut {
				c.deny("it passes output to a command through >(…)")
			}
			c.stmts(x.Stmts)
		case *syntax.ParamExp:
			c.param(x)
		case *syntax.ArithmExp:
			c.deny("it uses arithmetic expansion $((…)), which can assign variables and run commands")
			c.collect(x)
		case *syntax.ExtGlob:
			c.deny("it uses an extended glob %s", c.text(x))
		default:
			c.deny("it uses an expansion that cannot be checked (%s)", c.text(p))
		}
	}
}

// word is what a shell word resolves to before running.
type word struct {
	value   string // the text after quote removal and ~/$HOME expansion, when static
	static  bool   // nothing is left to expand but patterns: no other parameter, command, arithmetic or process expansion
	pattern bool   // unquoted glob or brace characters the shell may expand
}

// fixed reports whether the word is exactly value when the command runs.
func (w word) fixed() bool { return w.static && !w.pattern }

// pipePath stands for a word that is one <(…): the program reads the output
// of commands that are checked on their own.
const pipePath = "/dev/fd/63"

// resolve removes quotes from a word and expands what the policy can know
// for certain: a leading ~ and $HOME, both to the home directory the command
// runs with. A word with any other expansion is not static.
func (c *checker) resolve(w *syntax.Word) word {
	if w == nil {
		return word{}
	}
	if len(w.Parts) == 1 {
		if ps, ok := w.Parts[0].(*syntax.ProcSubst); ok && ps.Op == syntax.CmdIn {
			return word{value: pipePath, static: true}
		}
	}
	var b strings.Builder
	res := word{static: true}
	for i, p := range w.Parts {
		switch x := p.(type) {
		case *syntax.Lit:
			s := x.Value
			if i == 0 && strings.HasPrefix(s, "~") {
				if home, rest, ok := c.tilde(s, len(w.Parts) > 1); ok {
					b.WriteString(home)
					s = rest
				} else {
					res.static = false // ~user, or a tilde with quoted characters after it
				}
			}
			v, pat := unquoted(s)
			b.WriteString(v)
			res.pattern = res.pattern || pat
		case *syntax.SglQuoted:
			if x.Dollar {
				res.static = false // $'…' escapes can spell any name
			}
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			if x.Dollar {
				res.static = false
			}
			for _, q := range x.Parts {
				switch q := q.(type) {
				case *syntax.Lit:
					b.WriteString(doubleQuoted(q.Value))
				case *syntax.ParamExp:
					if isHomeParam(q) && c.home != "" {
						b.WriteString(c.home)
					} else {
						res.static = false
					}
				default:
					res.static = false
				}
			}
		case *syntax.ParamExp:
			// Unquoted, the value is split on spaces and globbed: only a
			// home directory free of such characters stays one fixed word.
			if isHomeParam(x) && c.home != "" && !strings.ContainsAny(c.home, " \t\n*?[") {
				b.WriteString(c.home)
			} else {
				res.static = false
			}
		default:
			res.static = false
		}
	}
	res.value = b.String()
	return res
}

// tilde expands the leading ~ of an unquoted literal the way the shell
// does, when it can be known: "~" alone or "~/…" becomes the home
// directory. more says quoted or expanded parts follow the literal.
func (c *checker) tilde(s string, more bool) (home, rest string, ok bool) {
	if c.home == "" {
		return "", "", false
	}
	if s == "~" && !more {
		return c.home, "", true
	}
	if strings.HasPrefix(s, "~/") {
		return c.home, s[1:], true
	}
	return "", "", false
}

// unquoted removes backslash escapes from an unquoted literal and reports
// unescaped characters that make it a pattern (glob or brace expansion).
func unquoted(s string) (string, bool) {
	var b strings.Builder
	pattern := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(s[i])
			continue
		}
		switch {
		case ch == '*', ch == '?', ch == '[':
			pattern = true
		case ch == '{' && !strings.HasPrefix(s[i:], "{}"):
			pattern = true // brace expansion; a bare {} (find's placeholder) is literal
		}
		b.WriteByte(ch)
	}
	return b.String(), pattern
}

// doubleQuoted removes the escapes a double-quoted literal may hold.
func doubleQuoted(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

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
	value   string // the text after quote removal, when static
	static  bool   // no parameter, command, arithmetic or process expansion
	pattern bool   // unquoted glob or brace characters the shell may expand
}

// fixed reports whether the word is exactly value when the command runs.
func (w word) fixed() bool { return w.static && !w.pattern }

// resolve removes quotes from a word without expanding anything; a word
// with any expansion is not static.
func resolve(w *syntax.Word) word {
	if w == nil {
		return word{}
	}
	var b strings.Builder
	res := word{static: true}
	for _, p := range w.Parts {
		switch x := p.(type) {
		case *syntax.Lit:
			v, pat := unquoted(x.Value)
			b.WriteString(v)
			res.pattern = res.pattern || pat
		case *syntax.SglQuoted:
			if x.Dollar {
				res.static = false // $'…' escapes; not worth decoding here
			}
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			if x.Dollar {
				res.static = false
			}
			for _, q := range x.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok {
					res.static = false
					continue
				}
				b.WriteString(doubleQuoted(lit.Value))
			}
		default:
			res.static = false
		}
	}
	res.value = b.String()
	return res
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

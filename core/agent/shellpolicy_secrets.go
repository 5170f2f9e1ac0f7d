package agent

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/macroa/macroa/lazy"
)

// dangerousVars change which program runs, what a program loads, or how
// the shell reads the rest of the line.
var dangerousVars = lazy.New(func() map[string]bool {
	return map[string]bool{
		"PATH": true, "IFS": true, "ENV": true, "BASH_ENV": true, "CDPATH": true,
		"SHELLOPTS": true, "BASHOPTS": true, "PS4": true, "PROMPT_COMMAND": true,
		"GCONV_PATH": true, "BROWSER": true, "LESSOPEN": true, "LESSCLOSE": true,
		"NODE_OPTIONS": true, "PYTHONPATH": true, "PYTHONSTARTUP": true, "PERL5LIB": true,
		"PERL5OPT": true, "RUBYOPT": true, "HOME": true, "TMPDIR": true,
		"RIPGREP_CONFIG_PATH": true,
	}
})

// dangerousVarPrefixes: the dynamic loader, git's configuration (pagers,
// fsmonitor, ssh commands), exported shell functions, systemd's pagers,
// and XDG_CONFIG_HOME (where git finds a config that can run programs).
var dangerousVarPrefixes = []string{"LD_", "DYLD_", "GIT_", "BASH_FUNC_", "SYSTEMD_", "XDG_"}

func (c *checker) assign(a *syntax.Assign) {
	if a.Value != nil {
		c.word(a.Value)
	}
	if a.Array != nil || a.Index != nil {
		c.deny("it assigns to an array")
		syntax.Walk(a.Array, func(n syntax.Node) bool {
			if w, ok := n.(*syntax.Word); ok {
				c.word(w)
				return false
			}
			return true
		})
		return
	}
	if a.Name == nil {
		c.deny("it has an assignment that cannot be checked")
		return
	}
	name := a.Name.Value
	bad := dangerousVars.Get()[name] || strings.Contains(name, "PAGER") || strings.Contains(name, "EDITOR")
	for _, p := range dangerousVarPrefixes {
		bad = bad || strings.HasPrefix(name, p)
	}
	if bad {
		c.deny("it sets %s, which changes which programs run or what they load", name)
	}
}

// safeVars may be expanded: they hold no secrets. Only $HOME is resolved to
// its value; the others leave an argument computed, which only echo may
// take unasked.
var safeVars = lazy.New(func() map[string]bool {
	return map[string]bool{
		"HOME": true, "USER": true, "LOGNAME": true, "PWD": true, "OLDPWD": true,
		"SHELL": true, "HOSTNAME": true, "LANG": true, "TERM": true, "PATH": true,
		"TMPDIR": true, "UID": true, "EUID": true,
		// Special parameters; in `sh -c` most of them are empty.
		"?": true, "#": true, "$": true, "!": true, "-": true, "0": true, "@": true, "*": true,
	}
})

// simpleParam reports whether p is a plain $NAME or ${NAME}, with no
// operator that could assign, run or transform anything.
func simpleParam(p *syntax.ParamExp) bool {
	return p.Param != nil && p.Flags == nil && !p.Excl && !p.Width && !p.IsSet &&
		p.NestedParam == nil && p.Index == nil && len(p.Modifiers) == 0 &&
		p.Slice == nil && p.Repl == nil && p.Names == 0 && p.Exp == nil &&
		p.Split == syntax.OptUnset && p.GlobSubst == syntax.OptUnset && p.RcExpand == syntax.OptUnset
}

// isHomeParam reports whether p is $HOME or ${HOME}, which the policy
// expands itself (HOME cannot be reassigned in a command it allows).
func isHomeParam(p *syntax.ParamExp) bool {
	return simpleParam(p) && p.Param.Value == "HOME"
}

func (c *checker) param(p *syntax.ParamExp) {
	if !simpleParam(p) {
		c.deny("it uses a parameter expansion with operators (%s), which can assign variables or run commands", c.text(p))
		c.collect(p)
		return
	}
	if !safeVars.Get()[p.Param.Value] {
		c.deny("it expands $%s, which may hold a secret", p.Param.Value)
	}
}

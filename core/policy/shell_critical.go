package policy

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// pathView is a word as a path the gate can judge, written out where it
// can be: a static word as it is, "~/x" and "$HOME/x" (or ${HOME}) as
// "~/x". ok is false for anything else computed at run time.
func pathView(w *syntax.Word) (string, bool) {
	if w == nil || len(w.Parts) == 0 {
		return "", false
	}
	if s, ok := staticWord(w); ok {
		return s, true
	}
	var b strings.Builder
	for i, part := range w.Parts {
		switch x := part.(type) {
		case *syntax.Lit:
			v := unescape(x.Value, "")
			if i == 0 && strings.HasPrefix(v, "~") {
				// ~ and ~user both name a home directory.
				rest := v[1:]
				if k := strings.IndexByte(rest, '/'); k >= 0 {
					rest = rest[k:]
				} else {
					rest = ""
				}
				v = "~" + rest
			}
			b.WriteString(v)
		case *syntax.SglQuoted:
			if x.Dollar {
				return "", false
			}
			b.WriteString(x.Value)
		case *syntax.ParamExp:
			// $HOME at the start, or after "=" (--output=$HOME/x).
			if b.Len() != 0 && !strings.HasSuffix(b.String(), "=") || x.Param == nil || x.Param.Value != "HOME" || x.Exp != nil || x.Repl != nil || x.Index != nil || x.Length || x.Excl {
				return "", false
			}
			b.WriteString("~")
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				switch y := q.(type) {
				case *syntax.Lit:
					b.WriteString(unescape(y.Value, "$`\"\\\n"))
				case *syntax.ParamExp:
					if b.Len() != 0 || y.Param == nil || y.Param.Value != "HOME" || y.Exp != nil || y.Repl != nil || y.Index != nil || y.Length || y.Excl {
						return "", false
					}
					b.WriteString("~")
				default:
					return "", false
				}
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// criticalTarget says why changing the file p names (a path view) puts the
// machine's access, boot or logins at stake, "" when it does not: the
// root or a home directory itself, and the paths file.write treats as
// critical.
func criticalTarget(p string) string {
	switch strings.TrimRight(p, "/") {
	case "", "~":
		if p != "" {
			return "it names the root or a home directory itself"
		}
		return ""
	}
	if strings.HasPrefix(p, "~") {
		// Judged as if under a home directory: ~/.ssh/authorized_keys,
		// ~/.bashrc.
		p = "/home/~" + p[1:]
	}
	return criticalPath(p)
}

// criticalArgs marks a command that changes something critical when one
// of its arguments names a critical target.
func (j *shellJudge) criticalArgs(prog string, args []arg) {
	for _, a := range args {
		if a.w == nil {
			continue
		}
		v, ok := pathView(a.w)
		if !ok {
			continue
		}
		if i := strings.IndexByte(v, '='); i > 0 && (strings.HasPrefix(v, "--") || strings.HasPrefix(v, "of=")) {
			v = v[i+1:] // --output=FILE, dd's of=FILE
		}
		if why := criticalTarget(v); why != "" {
			j.crit("%s changes %s: %s", prog, v, why)
			return
		}
	}
}

// pureReader names the programs that write nothing whatever their
// arguments: naming a critical file, they only read it.
func pureReader(prog string) bool {
	switch prog {
	case "cat", "head", "tail", "grep", "egrep", "fgrep", "wc", "stat", "ls", "less", "more", "nl", "tac",
		"md5sum", "sha1sum", "sha256sum", "sha512sum", "cmp", "diff", "cut", "readlink", "realpath",
		"basename", "dirname", "du", "df", "findmnt", "getent", "test", "[", "echo", "printf", "which", "type":
		return true
	}
	return false
}

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
	case "", "~", "~/*":
		if p != "" {
			return "it names the root or a home directory itself"
		}
		return ""
	}
	if homeDir(p) {
		return "it names a home directory itself"
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

// mentions looks through the written-out arguments of a command the gate
// cannot read (a script in perl -e, find -exec, awk's system(), flock,
// strace …) for what would make it critical had it been a command of its
// own: a denied command's program, or a stopping verb with a protected
// unit. A program that runs others can hide either; naming one makes the
// whole command critical, so neither --yes nor a remembered rule covers
// it.
func (j *shellJudge) mentions(prog string, args []arg) {
	var words []string
	for _, a := range args {
		if !a.static {
			continue
		}
		words = append(words, strings.FieldsFunc(a.s, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@._:-\\/", r))
		})...)
	}
	stop := false
	for _, w := range words {
		switch strings.ToLower(w) {
		case "stopunit", "restartunit", "killunit", "tryrestartunit", "reloadorrestartunit", "disableunitfiles", "maskunitfiles":
			stop = true // the same, through D-Bus (busctl, dbus-send, gdbus)
		}
		stop = stop || stoppingVerb(w)
	}
	for _, w := range words {
		base := w[strings.LastIndexByte(w, '/')+1:]
		for _, d := range j.p.DeniedCommands {
			if f := strings.Fields(d); len(f) > 0 && strings.EqualFold(base, f[0]) {
				j.crit("%s runs what it is given, and it names the denied command %q", prog, f[0])
				return
			}
		}
		if !stop || strings.HasPrefix(w, "-") {
			continue
		}
		if _, prot, err := unitCheck(w, j.p); err == nil && prot != "" {
			j.protected = prot
			j.crit("%s runs what it is given, and it names a stop of the protected unit %q", prog, prot)
			return
		}
	}
}

// accountProgram names the programs that change who may log in, with
// what rights, or what runs on a schedule: critical whatever their
// arguments (crontab -l only lists).
func accountProgram(prog string, args []arg) bool {
	switch prog {
	case "passwd", "usermod", "useradd", "userdel", "adduser", "deluser", "addgroup", "delgroup", "groupadd", "groupmod",
		"groupdel", "gpasswd", "chpasswd", "chage", "chsh", "chfn", "newusers", "visudo", "vipw", "vigr", "pwconv", "grpconv", "sudoedit",
		"at", "batch":
		return true
	case "crontab":
		return !(len(args) == 1 && args[0].static && args[0].s == "-l")
	}
	return false
}

// homeDir says whether p (a path view) is a home directory itself, or
// every entry of one: /root, /home, /home/alice, /home/alice/*.
func homeDir(p string) bool {
	p = strings.TrimSuffix(strings.TrimRight(p, "/"), "/*")
	p = strings.TrimRight(p, "/")
	if p == "/root" || p == "/home" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "/home/")
	return ok && rest != "" && !strings.Contains(rest, "/")
}

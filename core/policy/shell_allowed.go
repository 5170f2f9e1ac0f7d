package policy

import (
	"path"
	"strings"
)

// allowedByPolicy matches a command against the configured allowed
// commands ([policy] allow_commands): such a command counts as low risk.
// An entry allows exactly its words plus further arguments that are
// written out and are not options: "find /srv" allows "find /srv/www"
// but not "find /srv -exec rm {} +", "sort" not "sort
// --compress-program=sh". It is asked only after every denial was looked
// for, and never covers what a shell, systemctl or a wrapper would run:
// those are judged before a program gets here.
func (j *shellJudge) allowedByPolicy(prog string, args []arg) bool {
	for _, a := range j.p.AllowedCommands {
		if !matchesPrefix(a, prog, args) {
			continue
		}
		rest := args[len(strings.Fields(a))-1:]
		plain := true
		for _, r := range rest {
			if !r.static || strings.HasPrefix(r.s, "-") || strings.HasPrefix(r.s, "+") || r.s == "{}" || r.s == ";" {
				plain = false
				break
			}
		}
		if plain {
			return true
		}
	}
	return false
}

// matchesPrefix reports whether a command (its program's base name and
// arguments) starts with the words of prefix, every one of them written
// out (static) in the command.
func matchesPrefix(prefix, prog string, args []arg) bool {
	words := strings.Fields(prefix)
	if len(words) == 0 || path.Base(words[0]) != prog || len(words)-1 > len(args) {
		return false
	}
	for i, w := range words[1:] {
		if !args[i].static || args[i].s != w {
			return false
		}
	}
	return true
}

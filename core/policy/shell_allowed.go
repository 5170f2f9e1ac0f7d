package policy

import (
	"path"
	"strings"
)

// allowedByPolicy matches a command against the configured allowed command
// prefixes ([policy] allow_commands): such a command counts as read-only,
// low risk. It is asked only after every denial was looked for, and never
// covers what a shell, systemctl or a wrapper would run: those are judged
// before a program gets here.
func (j *shellJudge) allowedByPolicy(prog string, args []arg) bool {
	for _, a := range j.p.AllowedCommands {
		words := strings.Fields(a)
		if len(words) == 0 || path.Base(words[0]) != prog || len(words)-1 > len(args) {
			continue
		}
		match := true
		for i, w := range words[1:] {
			if !args[i].static || args[i].s != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

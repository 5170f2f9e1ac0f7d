package policy

import (
	"strings"
)

// stoppingVerb says whether a systemctl verb stops a unit, keeps it from
// starting or replaces what runs.
func stoppingVerb(v string) bool {
	switch v {
	case "stop", "restart", "try-restart", "reload-or-restart", "try-reload-or-restart", "condrestart", "force-reload",
		"kill", "disable", "mask", "freeze", "isolate", "clean", "revert", "set-property", "condstop":
		return true
	}
	return false
}

func readOnlyVerb(v string) bool {
	switch v {
	case "status", "show", "cat", "is-active", "is-enabled", "is-failed", "is-system-running", "list-units", "list-unit-files",
		"list-sockets", "list-timers", "list-jobs", "list-dependencies", "list-machines", "list-paths", "list-automounts",
		"show-environment", "get-default", "help":
		return true
	}
	return false
}

func powerVerb(v string) bool {
	switch v {
	case "reboot", "poweroff", "halt", "kexec", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate",
		"emergency", "rescue", "default", "exit", "soft-reboot", "switch-root", "sleep":
		return true
	}
	return false
}

// systemctlWithValue are systemctl's options that take the next argument.
func systemctlWithValue(o string) bool {
	switch o {
	case "-H", "--host", "-M", "--machine", "-t", "--type", "-p", "--property", "-P", "-s", "--signal", "--state",
		"-n", "--lines", "-o", "--output", "--job-mode", "--root", "--kill-whom", "--kill-value", "--what",
		"--boot-loader-entry", "--boot-loader-menu", "--when", "--timestamp", "--drop-in", "--message", "--image",
		"--image-policy", "--reboot-argument", "--preset-mode", "--check-inhibitors":
		return true
	}
	return false
}

// computedVerb stands for a systemctl command computed at run time.
const computedVerb = "\x00computed"

// systemctl judges one systemctl command line.
func (j *shellJudge) systemctl(args []arg, dynamicTail bool) {
	verb := ""
	var units []arg
	dynamic := dynamicTail
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !a.static {
			if verb == "" {
				verb = computedVerb
				continue
			}
			dynamic = true
			units = append(units, a)
			continue
		}
		if a.s == "--" {
			for _, b := range args[i+1:] {
				if verb == "" && b.static {
					verb = b.s
					continue
				}
				units = append(units, b)
			}
			break
		}
		if strings.HasPrefix(a.s, "-") {
			if systemctlWithValue(a.s) {
				i++
			}
			if a.s == "--failed" && verb == "" {
				verb = "list-units"
			}
			continue
		}
		if verb == "" {
			verb = a.s
			continue
		}
		units = append(units, a)
	}
	if verb == "" && !dynamic {
		return // plain "systemctl" lists units
	}
	if verb == computedVerb {
		// The command itself is computed: assume the worst of it.
		j.stopUnits("systemctl with a command computed at run time", units, true)
		return
	}
	switch {
	case readOnlyVerb(verb):
		if dynamic {
			j.ask("systemctl %s names a unit computed at run time", verb)
		}
		return
	case powerVerb(verb):
		j.deny("systemctl %s shuts down, reboots, suspends or isolates the machine", verb)
		return
	case verb == "isolate":
		j.deny("systemctl isolate stops every unit the target does not want")
		return
	case stoppingVerb(verb):
		j.stopUnits("systemctl "+verb, units, dynamic)
		return
	case verb == "start" || verb == "enable" || verb == "reenable" || verb == "unmask" || verb == "reload" || verb == "link" || verb == "preset" || verb == "thaw":
		j.ask("systemctl %s changes what runs", verb)
		for _, u := range units {
			if !u.static || strings.HasPrefix(u.s, "-") {
				continue
			}
			cu, prot, err := unitCheck(u.s, j.p)
			if err != nil {
				continue
			}
			if verb == "start" && powerUnit(cu) {
				j.deny("systemctl start %s shuts down, reboots or suspends the machine", u.s)
			} else if prot != "" {
				j.protected = prot
				j.crit("systemctl %s %s touches the protected unit %q", verb, u.s, prot)
			}
		}
		return
	}
	j.ask("systemctl %s changes the system", verb)
	if dynamic {
		j.scanProtected(units)
	}
}

// stopUnits judges units a command would stop: a protected one, or a
// pattern that could match one, denies; one computed at run time is
// critical and asks.
func (j *shellJudge) stopUnits(what string, units []arg, dynamic bool) {
	j.ask("%s changes what runs", what)
	if dynamic {
		j.crit("%s names a unit computed at run time, which may be protected", what)
	}
	for _, u := range units {
		if !u.static {
			continue
		}
		if strings.HasPrefix(u.s, "-") {
			continue
		}
		if strings.ContainsAny(u.s, "*?[") {
			j.deny("%s %s: the pattern may match a protected unit", what, u.s)
			continue
		}
		_, prot, err := unitCheck(u.s, j.p)
		if err != nil {
			j.ask("%s %q is not a valid unit name", what, u.s)
			continue
		}
		if prot != "" {
			j.protected = prot
			j.deny("%s %s: %q is a protected unit", what, u.s, prot)
		}
	}
}

// sysv judges "service NAME VERB" and "invoke-rc.d NAME VERB".
func (j *shellJudge) sysv(args []arg) {
	rest := args[1:]
	if len(rest) == 0 {
		j.ask("%s without a service", args[0].s)
		return
	}
	if rest[0].static && strings.HasPrefix(rest[0].s, "--") {
		if rest[0].s == "--status-all" {
			return
		}
		j.ask("%s %s", args[0].s, rest[0].s)
		return
	}
	if len(rest) < 2 {
		j.ask("%s without a command", args[0].s)
		return
	}
	name, verb := rest[0], rest[1]
	if !verb.static {
		j.scanProtected([]arg{{s: "stop", static: true}, name})
		j.crit("%s with a command computed at run time may stop a unit", args[0].s)
		return
	}
	switch {
	case verb.s == "status":
		if !name.static {
			j.ask("%s status of a unit computed at run time", args[0].s)
		}
	case stoppingVerb(verb.s) || verb.s == "reload":
		j.stopUnits(args[0].s+" "+verb.s, []arg{name}, !name.static)
	default:
		j.ask("%s %s changes what runs", args[0].s, verb.s)
		if name.static {
			if _, prot, err := unitCheck(name.s, j.p); err == nil && prot != "" {
				j.protected = prot
				j.crit("%s %s touches the protected unit %q", args[0].s, verb.s, prot)
			}
		}
	}
}

// upstart judges "stop JOB", "restart JOB" and "initctl stop JOB".
func (j *shellJudge) upstart(prog string, args []arg) {
	if prog == "initctl" {
		if len(args) == 0 || !args[0].static {
			j.ask("initctl with a command computed at run time")
			return
		}
		switch args[0].s {
		case "status", "list", "show-config", "version":
			return
		}
		prog, args = args[0].s, args[1:]
	}
	if prog == "stop" || prog == "restart" {
		j.stopUnits(prog, args, false)
		return
	}
	j.ask("initctl %s changes what runs", prog)
}

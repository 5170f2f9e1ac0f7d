package policy

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// deniedByPolicy matches a command against the configured denied command
// prefixes.
func (j *shellJudge) deniedByPolicy(prog string, args []arg) bool {
	for _, d := range j.p.DeniedCommands {
		if matchesPrefix(d, prog, args) {
			j.deny("%q is a denied command", d)
			return true
		}
	}
	return false
}

// systemDir says whether p is the root or a directory directly under it,
// or a glob at the root: the places a recursive change wrecks the system.
func systemDir(p string) bool {
	if i := strings.IndexAny(p, "*?["); i >= 0 {
		return path.Dir(path.Clean(p[:i]+"x")) == "/"
	}
	if !strings.HasPrefix(p, "/") {
		return false
	}
	c := path.Clean(p)
	return c == "/" || path.Dir(c) == "/" && c != "/tmp"
}

// denied judges the commands that are refused outright; it reports
// whether it decided.
func (j *shellJudge) denied(prog string, args []arg) bool {
	switch {
	case prog == "rm":
		return j.recursiveOnRoot(prog, args, "rR", "--recursive")
	case prog == "chmod" || prog == "chown" || prog == "chgrp" || prog == "setfacl" || prog == "chattr":
		return j.recursiveOnRoot(prog, args, "R", "--recursive")
	case strings.HasPrefix(prog, "mkfs") || strings.HasPrefix(prog, "mke2fs") || prog == "mkswap" || prog == "wipefs" ||
		prog == "blkdiscard" || prog == "fdisk" || prog == "sfdisk" || prog == "cfdisk" || prog == "parted" || prog == "sgdisk" || prog == "gdisk":
		j.deny("%s formats or repartitions a disk", prog)
		return true
	case prog == "dd":
		for _, a := range args {
			if a.static && strings.HasPrefix(a.s, "of=") && isDisk(strings.TrimPrefix(a.s, "of=")) {
				j.deny("dd writes over the disk %s", strings.TrimPrefix(a.s, "of="))
				return true
			}
		}
		j.ask("dd writes data")
		return true
	case prog == "shred":
		for _, a := range args {
			if a.static && isDisk(a.s) {
				j.deny("shred wipes the disk %s", a.s)
				return true
			}
		}
		j.ask("shred destroys files")
		return true
	case prog == "shutdown" || prog == "reboot" || prog == "poweroff" || prog == "halt" || prog == "kexec" || prog == "telinit":
		j.deny("%s shuts down or reboots the machine", prog)
		return true
	case prog == "init":
		j.deny("init changes the run level")
		return true
	case prog == "kill":
		for _, a := range args {
			if a.static && (a.s == "1" || a.s == "-1") {
				j.deny("kill %s signals init or every process", a.s)
				return true
			}
			if !a.static && mentionsProtected(a.w, j.p) {
				j.crit("kill of processes found at run time among them a protected one")
			}
		}
		j.ask("kill signals processes")
		return true
	case prog == "pkill" || prog == "killall":
		return j.killByName(prog, args)
	case prog == "find":
		del := false
		for _, a := range args {
			if a.static && (a.s == "-delete" || a.s == "-exec" || a.s == "-execdir") {
				del = true
			}
		}
		if del {
			for _, a := range args {
				if a.static && !strings.HasPrefix(a.s, "-") && systemDir(a.s) {
					j.deny("find deletes or runs commands across %s", a.s)
					return true
				}
			}
		}
		return false
	}
	return false
}

func (j *shellJudge) recursiveOnRoot(prog string, args []arg, short, long string) bool {
	recursive, noPreserve := false, false
	var targets []arg
	opts := true
	for _, a := range args {
		switch {
		case !a.static:
			targets = append(targets, a)
		case opts && a.s == "--":
			opts = false
		case opts && strings.HasPrefix(a.s, "--"):
			if a.s == long {
				recursive = true
			}
			if a.s == "--no-preserve-root" {
				noPreserve = true
			}
		case opts && strings.HasPrefix(a.s, "-") && len(a.s) > 1 && !(prog != "rm" && strings.ContainsAny(a.s[1:], "0123456789")):
			if strings.ContainsAny(a.s[1:], short) {
				recursive = true
			}
		default:
			targets = append(targets, a)
		}
	}
	if noPreserve {
		j.deny("%s --no-preserve-root", prog)
		return true
	}
	for _, t := range targets {
		if t.static && systemDir(t.s) && (recursive || t.s == "/" && prog != "rm") {
			j.deny("%s on %s wrecks the system", prog, t.s)
			return true
		}
	}
	if recursive {
		for _, t := range targets {
			if !t.static {
				j.ask("%s -r on a path computed at run time", prog)
				return true
			}
		}
	}
	j.ask("%s changes files", prog)
	return true
}

// protectedProcesses are the process names of the built-in protected
// units, for pkill and killall patterns.
func protectedProcesses() []string {
	return []string{"sshd", "ssh", "systemd", "systemd-logind", "systemd-networkd", "systemd-resolved", "systemd-journald",
		"NetworkManager", "dbus-daemon", "dbus-broker", "init", "macroa", "agetty", "wpa_supplicant"}
}

func (j *shellJudge) killByName(prog string, args []arg) bool {
	j.ask("%s signals processes", prog)
	for _, a := range args {
		if !a.static {
			j.crit("%s with a pattern computed at run time may end a protected process", prog)
			continue
		}
		if strings.HasPrefix(a.s, "-") {
			continue
		}
		re, err := regexp.Compile("(?i)" + a.s)
		if err != nil {
			j.ask("%s pattern %q cannot be read", prog, a.s)
			continue
		}
		for _, name := range append(protectedProcesses(), j.p.ProtectedUnits...) {
			if re.MatchString(name) || strings.Contains(strings.ToLower(a.s), strings.ToLower(name)) {
				j.deny("%s %s may end the protected process %s", prog, a.s, name)
				return true
			}
		}
	}
	return true
}

// mentionsProtected says whether any literal in a word (a command
// substitution's arguments included) names a protected unit or process.
func mentionsProtected(w syntax.Node, p Policy) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		text := ""
		switch x := n.(type) {
		case *syntax.Lit:
			text = x.Value
		case *syntax.SglQuoted:
			text = x.Value
		}
		if text != "" {
			for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ';' || r == '\n' || r == '\t' || r == '&' || r == '|' }) {
				if _, prot, err := unitCheck(f, p); err == nil && prot != "" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

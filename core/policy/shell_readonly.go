package policy

import (
	"strings"

	"github.com/macroa/macroa/secretpath"
)

// readOnly returns "" when prog with args only reads the system state and
// reveals no credential, or why it is not known to.
func readOnly(prog string, args []arg) string {
	for _, a := range args {
		if !a.static {
			return prog + " has an argument computed at run time"
		}
		if looksLikePath(a.s) {
			if why := secretpath.Why(a.s); why != "" {
				return prog + " reads " + a.s + ": " + why
			}
		}
	}
	switch prog {
	case "df", "free", "uptime", "w", "who", "whoami", "id", "uname", "nproc", "lscpu", "lsblk", "lsmem", "lspci", "lsusb",
		"findmnt", "du", "ls", "stat", "wc", "head", "tail", "cat", "grep", "egrep", "fgrep", "cut", "tr", "column",
		"echo", "true", "false", "test", "[", "vmstat", "iostat", "mpstat", "lsof", "sensors", "pgrep", "sleep",
		"basename", "dirname", "realpath", "readlink", "md5sum", "sha1sum", "sha256sum", "file", "which", "type",
		"ps", "pidof", "last", "netstat", "getent", "nl", "tac", "diff", "cmp", "less", "more", "uniq", "sort", "printf", "ss",
		"journalctl", "ip", "top", "date", "hostname", "dmesg", "timedatectl", "hostnamectl", "mount", "find":
	default:
		return prog + " is not on the read-only list"
	}
	has := func(opts ...string) string {
		for _, a := range args {
			for _, o := range opts {
				if a.s == o || strings.HasPrefix(o, "--") && strings.HasPrefix(a.s, o+"=") ||
					len(o) == 2 && o[0] == '-' && len(a.s) > 1 && a.s[0] == '-' && a.s[1] != '-' && strings.IndexByte(a.s[1:], o[1]) >= 0 {
					return a.s
				}
			}
		}
		return ""
	}
	positional := 0
	for _, a := range args {
		if !strings.HasPrefix(a.s, "-") {
			positional++
		}
	}
	bad := ""
	switch prog {
	case "sort":
		bad = has("-o", "--output")
	case "uniq":
		if positional > 1 {
			bad = "a second file (uniq writes to it)"
		}
	case "printf":
		bad = has("-v")
	case "ss":
		bad = has("-K", "--kill")
	case "less", "more":
		bad = "an interactive pager"
	case "top":
		if has("-b") == "" {
			bad = "no -b (interactive)"
		}
	case "journalctl":
		bad = has("--vacuum-size", "--vacuum-time", "--vacuum-files", "--rotate", "--flush", "--sync", "--relinquish-var",
			"--smart-relinquish-var", "--setup-keys", "--update-catalog", "-f", "--follow")
	case "date":
		bad = has("-s", "--set")
		for _, a := range args {
			if !strings.HasPrefix(a.s, "-") && !strings.HasPrefix(a.s, "+") {
				bad = a.s
			}
		}
	case "hostname":
		if positional > 0 {
			bad = "a new name"
		}
		if b := has("-F", "--file", "-b", "--boot"); b != "" {
			bad = b
		}
	case "dmesg":
		bad = has("-c", "-C", "-D", "-E", "-n", "--clear", "--read-clear", "--console-off", "--console-on", "--console-level", "-w", "--follow")
	case "timedatectl", "hostnamectl":
		if positional > 0 && args[0].s != "status" && args[0].s != "show" && args[0].s != "list-timezones" {
			bad = args[0].s
		}
	case "mount":
		if len(args) > 0 {
			bad = "arguments (mount would mount)"
		}
	case "tail":
		bad = has("-f", "-F", "--follow")
	case "ip":
		for _, a := range args {
			switch a.s {
			case "add", "del", "delete", "set", "flush", "change", "replace", "append", "restore", "exec", "-batch", "-b", "save", "up", "down":
				bad = a.s
			}
		}
	case "find":
		bad = has("-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls")
	}
	if bad != "" {
		return prog + " with " + bad + " is not read-only"
	}
	return ""
}

func looksLikePath(s string) bool {
	return strings.ContainsAny(s, "/") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~")
}

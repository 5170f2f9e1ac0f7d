package agent

import (
	"fmt"
	"strings"

	"github.com/macroa/macroa/lazy"
)

// argRule checks the arguments of an allowed program and says why they do
// not keep it read-only, or "". Rules only ever see arguments that are
// fixed text: a rule-checked program whose arguments are computed at run
// time is refused before its rule runs.
type argRule func(args []string) string

// refusedPrograms never run unasked, with the reason the person is shown.
var refusedPrograms = lazy.New(func() map[string]string {
	return map[string]string{
		"sudo":     "runs a command as root",
		"doas":     "runs a command as root",
		"su":       "runs a command as another user",
		"pkexec":   "runs a command as root",
		"eval":     "runs text as shell code",
		"exec":     "replaces the shell with another program",
		"source":   "runs a file as shell code",
		".":        "runs a file as shell code",
		"xargs":    "runs other programs with arguments it reads",
		"env":      "runs other programs and prints the environment, which may hold secrets",
		"printenv": "prints the environment, which may hold secrets",
		"export":   "changes the environment of the commands after it",
		"sh":       "runs shell code it is given",
		"bash":     "runs shell code it is given",
		"dash":     "runs shell code it is given",
		"zsh":      "runs shell code it is given",
		"ksh":      "runs shell code it is given",
		"fish":     "runs shell code it is given",
		"busybox":  "runs other programs",
		"builtin":  "runs another command",
		"nohup":    "runs another program",
		"timeout":  "runs another program",
		"nice":     "runs another program",
		"ionice":   "runs another program",
		"setsid":   "runs another program",
		"stdbuf":   "runs another program",
		"watch":    "runs another program",
		"chroot":   "runs another program",
		"nsenter":  "runs another program",
		"unshare":  "runs another program",
		"runuser":  "runs another program",
	}
})

// networkPrograms reach the network or another host; none of them is
// read-only, whatever it is asked.
var networkPrograms = lazy.New(func() map[string]string {
	return map[string]string{
		"getent": "looks names up through NSS, which may ask DNS, LDAP or another host",
		"dig":    "queries DNS servers", "host": "queries DNS servers", "nslookup": "queries DNS servers",
		"drill": "queries DNS servers", "resolvectl": "queries DNS servers", "whois": "queries whois servers",
		"ping": "sends packets to another host", "ping6": "sends packets to another host", "arping": "sends packets to another host",
		"traceroute": "sends packets to another host", "tracepath": "sends packets to another host", "mtr": "sends packets to another host",
		"ssh": "connects to another host", "scp": "copies files to or from another host", "sftp": "connects to another host",
		"rsync": "copies files, possibly to another host", "curl": "fetches or sends data over the network",
		"wget": "fetches data over the network", "nc": "opens network connections", "ncat": "opens network connections",
		"netcat": "opens network connections", "socat": "opens network connections", "telnet": "connects to another host",
		"ftp": "connects to another host", "nmap": "scans other hosts", "openssl": "can connect to other hosts and read keys",
		"mosh": "connects to another host", "http": "fetches or sends data over the network",
	}
})

// readOnly is the allow-list: programs that only read, each with the rule
// its arguments must pass (nil: any arguments, since none of them can make
// the program write, run another program or reveal the environment).
var readOnly = lazy.New(func() map[string]argRule {
	return map[string]argRule{
		"ls": nil, "cat": nil, "head": nil, "tail": tailRule, "wc": nil, "grep": nil, "egrep": nil, "fgrep": nil,
		"df": nil, "du": nil, "free": nil, "uptime": nil, "uname": nil, "whoami": nil, "id": nil,
		"stat": nil, "which": nil, "echo": nil, "pwd": nil, "cd": nil, "pgrep": nil, "nproc": nil,
		"lscpu": nil, "lsblk": nil, "lsmod": nil, "vmstat": nil, "tty": nil, "groups": nil, "w": nil,
		"basename": nil, "dirname": nil, "realpath": nil, "readlink": nil, "cut": nil, "tr": nil, "nl": nil,
		"md5sum": nil, "sha1sum": nil, "sha256sum": nil, "sha512sum": nil, "cmp": nil, "diff": nil,
		"test": nil, "[": nil, "true": nil, "false": nil, "type": nil,

		"find":       findRule,
		"git":        gitRule,
		"systemctl":  systemctlRule,
		"journalctl": journalctlRule,
		"ip":         ipRule,
		"ss":         ssRule,
		"who":        whoRule,
		"date":       dateRule,
		"hostname":   hostnameRule,
		"ps":         psRule,
		"printf":     printfRule,
		"rg":         rgRule,
		"sort":       sortRule,
		"uniq":       uniqRule,
		"tree":       treeRule,
		"file":       fileRule,
		"dmesg":      dmesgRule,
		"command":    commandRule,
	}
})

// shortFlags reports whether a is a cluster of single-letter options
// ("-tulpn") holding any of letters.
func shortFlags(a, letters string) bool {
	return len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a[1:], letters)
}

func findRule(args []string) string {
	for _, a := range args {
		switch {
		case a == "-delete", a == "-exec", a == "-execdir", a == "-ok", a == "-okdir", a == "-fls",
			strings.HasPrefix(a, "-fprint"):
			return fmt.Sprintf("find %s deletes or writes files or runs commands", a)
		}
	}
	return ""
}

func printfRule(args []string) string {
	if len(args) > 0 && strings.HasPrefix(args[0], "-v") {
		return "printf -v assigns a shell variable"
	}
	return ""
}

func rgRule(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "--pre") || strings.HasPrefix(a, "--hostname-bin") {
			return fmt.Sprintf("rg %s runs another program", a)
		}
	}
	return ""
}

// tailRule: following a file never ends by itself; the command would hold
// its time limit for nothing.
func tailRule(args []string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "--follow") || a == "--retry" || shortFlags(a, "f") || shortFlags(a, "F") {
			return fmt.Sprintf("tail %s follows the file until it is stopped", a)
		}
	}
	return ""
}

func sortRule(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "--output") || strings.HasPrefix(a, "--compress-program") || shortFlags(a, "o") {
			return fmt.Sprintf("sort %s writes a file or runs a program", a)
		}
	}
	return ""
}

func uniqRule(args []string) string {
	files := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-f", a == "-s", a == "-w":
			i++ // their value
		case strings.HasPrefix(a, "-") && a != "-":
		default:
			files++
		}
	}
	if files > 1 {
		return "uniq with two file names writes the second"
	}
	return ""
}

func treeRule(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-o") || strings.HasPrefix(a, "--output") || a == "-R" {
			return fmt.Sprintf("tree %s writes files", a)
		}
	}
	return ""
}

func fileRule(args []string) string {
	for _, a := range args {
		if a == "--compile" || shortFlags(a, "C") {
			return fmt.Sprintf("file %s writes a compiled magic file", a)
		}
	}
	return ""
}

func commandRule(args []string) string {
	if len(args) >= 2 && (args[0] == "-v" || args[0] == "-V") {
		for _, a := range args[1:] {
			if strings.HasPrefix(a, "-") {
				return "command " + strings.Join(args, " ") + " runs another program"
			}
		}
		return ""
	}
	return "command runs another program"
}

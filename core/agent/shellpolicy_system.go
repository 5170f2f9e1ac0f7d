package agent

import (
	"fmt"
	"strings"

	"github.com/macroa/macroa/lazy"
)

var systemctlVerbs = lazy.New(func() map[string]bool {
	return map[string]bool{
		"status": true, "is-active": true, "is-enabled": true, "is-failed": true, "is-system-running": true,
		"list-units": true, "list-unit-files": true, "list-timers": true, "list-sockets": true,
		"list-dependencies": true, "list-jobs": true, "show": true, "cat": true, "get-default": true,
	}
})

func systemctlRule(args []string) string {
	// systemctl reads options anywhere on the line (getopt permutes), so
	// every argument before "--" is looked at, not only those before the
	// verb: "status -H root@host nginx" talks to another host too.
	verb := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if verb == "" && i+1 < len(args) {
				verb = args[i+1]
			}
			i = len(args)
		case a == "-H", a == "-M", strings.HasPrefix(a, "--host"), strings.HasPrefix(a, "--machine"),
			shortFlags(a, "HM"):
			return fmt.Sprintf("systemctl %s talks to another host or container", a)
		case a == "-t", a == "-p", a == "-P", a == "-n", a == "-o",
			a == "--type", a == "--property", a == "--lines", a == "--output", a == "--state", a == "--root":
			i++ // their value
		case strings.HasPrefix(a, "-"):
		case verb == "":
			verb = a
		}
	}
	if verb == "" {
		return "" // no verb: list-units
	}
	return systemctlVerb(verb)
}

func systemctlVerb(v string) string {
	if systemctlVerbs.Get()[v] {
		return ""
	}
	return fmt.Sprintf("systemctl %s is not a read-only systemctl command", v)
}

func journalctlRule(args []string) string {
	for _, a := range args {
		for _, bad := range []string{"--vacuum", "--rotate", "--flush", "--sync", "--relinquish-var",
			"--smart-relinquish-var", "--setup-keys", "--update-catalog", "--cursor-file"} {
			if strings.HasPrefix(a, bad) {
				return fmt.Sprintf("journalctl %s changes the journal or writes a file", a)
			}
		}
		if a == "-M" || strings.HasPrefix(a, "--machine") || strings.HasPrefix(a, "-M") {
			return fmt.Sprintf("journalctl %s reads another machine's or container's journal", a)
		}
	}
	return ""
}

var ipObjects = lazy.New(func() map[string]bool {
	return map[string]bool{
		"a": true, "addr": true, "address": true, "l": true, "link": true, "r": true, "ro": true, "route": true,
		"n": true, "neigh": true, "neighbor": true, "neighbour": true, "ru": true, "rule": true,
		"m": true, "maddr": true, "maddress": true, "netconf": true,
	}
})

var ipActions = lazy.New(func() map[string]bool {
	return map[string]bool{"show": true, "sh": true, "list": true, "ls": true, "lst": true, "get": true}
})

func ipRule(args []string) string {
	i := 0
	for ; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		opt := args[i]
		if strings.HasPrefix(opt, "--") {
			opt = opt[1:] // ip reads --x as -x
		}
		switch {
		case strings.HasPrefix("-batch", opt) && len(opt) >= 2:
			return "ip -batch runs ip commands from a file"
		case strings.HasPrefix("-resolve", opt) && len(opt) >= 2:
			return fmt.Sprintf("ip %s looks addresses up through the resolver, which sends DNS queries out", args[i])
		case strings.HasPrefix("-netns", opt) && len(opt) >= 2, strings.HasPrefix("-all", opt) && len(opt) >= 3:
			return fmt.Sprintf("ip %s works in another network namespace", args[i])
		case strings.HasPrefix("-family", opt) && len(opt) >= 2,
			strings.HasPrefix("-loops", opt) && len(opt) >= 2, strings.HasPrefix("-rcvbuf", opt) && len(opt) >= 3:
			i++ // their value
		}
	}
	if i >= len(args) {
		return ""
	}
	obj, rest := args[i], args[i+1:]
	if !ipObjects.Get()[obj] {
		return fmt.Sprintf("ip %s is not on the read-only list", obj)
	}
	if len(rest) == 0 || ipActions.Get()[rest[0]] {
		return ""
	}
	return fmt.Sprintf("ip %s %s is not a read-only ip command", obj, rest[0])
}

func ssRule(args []string) string {
	for _, a := range args {
		if a == "--resolve" || shortFlags(a, "r") {
			return fmt.Sprintf("ss %s looks addresses up through the resolver, which sends DNS queries out", a)
		}
		if a == "--kill" || strings.HasPrefix(a, "--diag") || strings.HasPrefix(a, "--net") || shortFlags(a, "KDN") {
			return fmt.Sprintf("ss %s kills sockets, writes a file or enters another network namespace", a)
		}
	}
	return ""
}

// whoRule: --lookup resolves every login's host name, which sends DNS
// queries out.
func whoRule(args []string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--lookup" {
			return "who --lookup looks host names up through the resolver, which sends DNS queries out"
		}
	}
	return ""
}

func dateRule(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-d", a == "--date", a == "-r", a == "--reference", a == "-f", a == "--file":
			i++ // their value
		case strings.HasPrefix(a, "--set"), a == "-s", shortFlags(a, "s") &&
			!strings.HasPrefix(a, "-d") && !strings.HasPrefix(a, "-r") && !strings.HasPrefix(a, "-f") && !strings.HasPrefix(a, "-I"):
			return "date -s sets the system clock"
		case strings.HasPrefix(a, "-"), strings.HasPrefix(a, "+"):
		default:
			return fmt.Sprintf("date %s sets the system clock", a)
		}
	}
	return ""
}

// hostnameFlags print the name or addresses without asking a resolver;
// -f, -d, -i, -A, -a and -y look names up, which may reach the network.
var hostnameFlags = lazy.New(func() map[string]bool {
	return map[string]bool{
		"-s": true, "--short": true, "-I": true, "--all-ip-addresses": true,
		"-V": true, "--version": true, "-h": true, "--help": true,
	}
})

func hostnameRule(args []string) string {
	for _, a := range args {
		if !hostnameFlags.Get()[a] {
			if strings.HasPrefix(a, "-") {
				return fmt.Sprintf("hostname %s looks names up through the resolver, which may reach the network", a)
			}
			return fmt.Sprintf("hostname %s can change the host name", a)
		}
	}
	return ""
}

func psRule(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--format", a == "o", a == "O",
			len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a, "oO"):
			// A format list: attached (-eopid,env) or the next argument.
			format := ""
			if j := strings.IndexAny(a, "oO"); a[0] == '-' && j+1 < len(a) {
				format = a[j+1:]
			} else if i+1 < len(args) {
				i++
				format = args[i]
			}
			if strings.Contains(strings.ToLower(format), "env") {
				return fmt.Sprintf("ps %s %s shows processes' environments, which may hold secrets", a, format)
			}
		case strings.HasPrefix(a, "--format="):
			if strings.Contains(strings.ToLower(a), "env") {
				return fmt.Sprintf("ps %s shows processes' environments, which may hold secrets", a)
			}
		case a == "-p", a == "-u", a == "-U", a == "-g", a == "-G", a == "-C",
			a == "-t", a == "-q", a == "--sort", a == "--pid", a == "--ppid", a == "--user":
			i++ // their value
		case !strings.HasPrefix(a, "-") && strings.Contains(a, "e"):
			return fmt.Sprintf("ps %s shows processes' environments, which may hold secrets", a)
		}
	}
	return ""
}

func dmesgRule(args []string) string {
	for _, a := range args {
		if a == "--clear" || a == "--read-clear" || strings.HasPrefix(a, "--console") || shortFlags(a, "cCDEn") {
			return fmt.Sprintf("dmesg %s changes the kernel log or console", a)
		}
	}
	return ""
}

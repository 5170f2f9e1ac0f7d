package agent

import (
	"strings"

	"github.com/macroa/macroa/lazy"
)

// GNU programs accept any unambiguous prefix of a long option: `sort
// --compress-p=sh` is `--compress-program=sh`, `date --se=…` is `--set=…`.
// The rules name options in full, so every argument is first read back to
// the full name of a watched option it could abbreviate. An argument that
// abbreviates several is read as the first: each of them is checked by a
// rule, so the fail-closed reading is any of them.
var watchedLong = lazy.New(func() map[string][]string {
	return map[string][]string{
		"":           {"files0-from"}, // every program: du, wc, sort, head …
		"sort":       {"output", "compress-program", "random-source", "temporary-directory"},
		"date":       {"set", "file", "reference"},
		"dmesg":      {"clear", "read-clear", "console-off", "console-on", "console-level", "follow", "follow-new"},
		"journalctl": {"rotate", "vacuum-size", "vacuum-time", "vacuum-files", "flush", "sync", "relinquish-var", "smart-relinquish-var", "cursor-file", "machine", "directory", "file", "root", "image", "namespace", "setup-keys", "update-catalog", "follow"},
		"systemctl":  {"host", "machine", "root", "image", "runtime", "force", "now"},
		"ss":         {"kill", "net", "diag", "filter", "resolve"},
		"grep":       {"recursive", "dereference-recursive", "directories", "devices", "file", "exclude-from"},
		"egrep":      {"recursive", "dereference-recursive", "directories", "devices", "file", "exclude-from"},
		"fgrep":      {"recursive", "dereference-recursive", "directories", "devices", "file", "exclude-from"},
		"diff":       {"recursive", "new-file", "unidirectional-new-file", "to-file", "from-file", "exclude-from"},
		"who":        {"lookup"},
		"file":       {"compile", "magic-file", "files-from"},
		"hostname":   {"file", "boot"},
		"uniq":       {"output"},
		"tail":       {"follow", "retry", "pid"},
	}
})

// fullLongOption returns a with a watched long option it abbreviates
// written out, or a unchanged.
func fullLongOption(prog, a string) string {
	if !strings.HasPrefix(a, "--") || len(a) < 3 {
		return a
	}
	name, value, hasValue := strings.Cut(a[2:], "=")
	for _, list := range [][]string{watchedLong.Get()[prog], watchedLong.Get()[""]} {
		for _, full := range list {
			if name != full && strings.HasPrefix(full, name) {
				if hasValue {
					return "--" + full + "=" + value
				}
				return "--" + full
			}
		}
	}
	return a
}

// clusterTails are the texts a cluster of short options may hand to its
// last option as a value: `-uf.netrc` is -u then -f with ".netrc". Each is
// checked as a path, since which letter takes a value is the program's.
func clusterTails(a string) []string {
	if len(a) < 3 || a[0] != '-' || a[1] == '-' {
		return nil
	}
	var out []string
	for i := 2; i < len(a); i++ {
		out = append(out, a[i:])
	}
	return out
}

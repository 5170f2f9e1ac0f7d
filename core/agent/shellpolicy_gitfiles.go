package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/macroa/macroa/lazy"
)

// gitFileOptions are the long options of git subcommands on the read-only
// list that open the file their value names: blame --contents prints it,
// --ignore-revs-file quotes it in errors, --output (which the revision
// parser of log, show, diff, shortlog and blame takes) writes it, ls-files
// reads exclude files, rev-parse --resolve-git-dir opens a gitfile. The
// file is named relative to wherever git ends up and may be a link to a
// credential, so these ask. git takes any unambiguous prefix of a long
// option, so a prefix asks too.
var gitFileOptions = []string{
	"contents", "ignore-revs-file", "output", "output-directory", "orderfile",
	"exclude-from", "exclude-per-directory", "pathspec-from-file", "resolve-git-dir", "mailmap-file",
}

// gitExactOptions are real options whose names are prefixes of a file
// option; git takes an exact name before any abbreviation.
var gitExactOptions = lazy.New(func() map[string]bool { return map[string]bool{"exclude": true, "ignore-rev": true, "mailmap": true} })

// gitShortFiles are, per subcommand, the short options that open a file
// (blame -S reads a grafts file, the diff options' -O an order file,
// ls-files -X an exclude file), and the short options whose value may be
// written in the same argument (-L1,5, -Gregex), after which the letters
// are no options.
var gitShortFiles = lazy.New(func() map[string]struct{ files, values string } {
	return map[string]struct{ files, values string }{
		"blame":    {"SO", "LMCGUBlnIX"},
		"log":      {"O", "SGLUMCBlnIX"},
		"show":     {"O", "SGLUMCBlnIX"},
		"diff":     {"O", "SGLUMCBlnIX"},
		"shortlog": {"O", "SGLUMCBlnIXw"},
		"ls-files": {"X", "x"},
		"status":   {"", "uM"},
	}
})

// gitFileOptionWhy says why one of args, the arguments of git subcommand
// sub, opens a file its value names, or "".
func gitFileOptionWhy(sub string, args []string) string {
	short := gitShortFiles.Get()[sub]
	for _, a := range args {
		if a == "--" || a == "--end-of-options" {
			return ""
		}
		if strings.HasPrefix(a, "--") {
			name, _, _ := strings.Cut(a[2:], "=")
			if gitExactOptions.Get()[name] {
				continue
			}
			for _, o := range gitFileOptions {
				if strings.HasPrefix(o, name) {
					return fmt.Sprintf("git %s %s reads or writes a file that option names, which may be a credential or a link to one", sub, a)
				}
			}
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		for _, l := range a[1:] {
			if strings.ContainsRune(short.files, l) {
				return fmt.Sprintf("git %s %s reads or writes a file that option names, which may be a credential or a link to one", sub, a)
			}
			if strings.ContainsRune(short.values, l) {
				break
			}
		}
	}
	return ""
}

// gitStartDirs are the directories a git command may start in: the
// command's own, and every one its cd's may lead to but a name that holds
// no directory (a cd there fails, and git never runs there). A directory
// that cannot be looked at stays, so it asks.
func (c *checker) gitStartDirs() []string {
	dirs := []string{c.dirs[0]}
	for _, d := range c.dirs[1:] {
		fi, err := os.Stat(d)
		if err == nil && !fi.IsDir() || err != nil && os.IsNotExist(err) {
			continue
		}
		dirs = append(dirs, d)
	}
	return dirs
}

// gitPaths judges every argument of git subcommand sub as a path taken
// from each directory git may run in (dirs, with -C applied), not from
// the shell's: option values and pathspecs alike, symlinks followed. A
// pathspec with the top magic (":/name", ":(top)name") is taken from the
// repository's top, which may be any directory above.
func (c *checker) gitPaths(dirs []string, sub string, args []string) {
	for _, a := range args {
		if why, p := c.pathWhyIn(a, dirs); why != "" {
			c.deny("git %s %s reads %s (%s)", sub, quoteArg(a), why, p)
			return
		}
		rest, top, ok := pathspecMagic(a)
		if !ok || rest == "" {
			continue
		}
		from := dirs
		if top {
			from = ancestors(dirs)
		}
		if why, p := c.pathWhyIn(rest, from); why != "" {
			c.deny("git %s %s reads %s (%s)", sub, quoteArg(a), why, p)
			return
		}
	}
}

// pathspecMagic splits a pathspec with magic (":(top,glob)name", ":/!name")
// into its path and whether that path starts at the repository's top.
func pathspecMagic(a string) (rest string, top, ok bool) {
	if !strings.HasPrefix(a, ":") {
		return "", false, false
	}
	if strings.HasPrefix(a, ":(") {
		end := strings.IndexByte(a, ')')
		if end < 0 {
			return a[2:], true, true // unsure where it starts: from anywhere above
		}
		for _, m := range strings.Split(a[2:end], ",") {
			top = top || strings.TrimSpace(m) == "top"
		}
		return a[end+1:], top, true
	}
	i := 1
	for ; i < len(a) && strings.IndexByte("/!^", a[i]) >= 0; i++ {
		top = top || a[i] == '/'
	}
	if i < len(a) && a[i] == ':' {
		i++
	}
	return a[i:], top, true
}

// ancestors lists every directory in dirs and every directory above one.
func ancestors(dirs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dirs {
		for a := d; ; a = filepath.Dir(a) {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
			if a == filepath.Dir(a) {
				break
			}
		}
	}
	return out
}

package agent

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/macroa/macroa/secretpath"

	"mvdan.cc/sh/v3/syntax"
)

// maxDirs bounds the working directories a command's cd's may lead to;
// beyond it relative paths are not resolved and they ask.
const maxDirs = 32

// findDirs collects every directory the command's cd's may lead to before
// the main walk, so a relative path is judged from each of them
// ("cd ~/.aws && cat credentials"). A cd that changes the shell's directory
// runs at most once (loops and functions ask) and after the cd's written
// before it, so the directories are the chains of cd's in source order,
// each one free to fail or to sit in a subshell: an over-count, never an
// under-count.
func (c *checker) findDirs(f *syntax.File) {
	var targets []string
	unknown := false
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 || unknown {
			return !unknown
		}
		prog := c.resolve(call.Args[0])
		if name, ok := programName(prog.value); prog.fixed() && ok && name == "cd" {
			c.cd = true
			args := make([]word, 0, len(call.Args)-1)
			for _, a := range call.Args[1:] {
				args = append(args, c.resolve(a))
			}
			target, ok := c.cdTarget(args)
			if !ok {
				unknown = true
			} else if target != "" {
				targets = append(targets, target)
			}
		}
		return true
	})
	if unknown {
		c.dirs = nil
		return
	}
	type step struct {
		dir  string
		next int // the first cd that may still run from dir
	}
	queue := make([]step, 0, len(c.dirs))
	for _, d := range c.dirs {
		queue = append(queue, step{d, 0})
	}
	seen := map[step]bool{}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for i := s.next; i < len(targets); i++ {
			for _, d := range cdDests(s.dir, targets[i]) {
				c.addDir(d)
				if len(c.dirs) > maxDirs {
					c.dirs = nil
					return
				}
				if n := (step{d, i + 1}); !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
	}
}

// cdDests is where cd target may go from dir: target itself, or, for a
// relative name that does not start with ".", any directory on CDPATH.
func cdDests(dir, target string) []string {
	dests := []string{join(dir, target)}
	if !filepath.IsAbs(target) && !strings.HasPrefix(target, ".") {
		for _, d := range filepath.SplitList(os.Getenv("CDPATH")) {
			if d != "" {
				dests = append(dests, join(d, target))
			}
		}
	}
	return dests
}

// cdTarget is where one cd goes: "" for nowhere new, false when it cannot
// be known (cd -, a computed directory).
func (c *checker) cdTarget(args []word) (string, bool) {
	for i, a := range args {
		if !a.fixed() {
			return "", false
		}
		switch {
		case a.value == "-":
			return "", false
		case a.value == "--":
			if i+1 < len(args) && args[i+1].fixed() {
				return args[i+1].value, true
			}
			return c.home, c.home != ""
		case strings.HasPrefix(a.value, "-"):
		default:
			return a.value, true
		}
	}
	return c.home, c.home != "" // cd alone goes home
}

func (c *checker) addDir(d string) {
	if c.dirs == nil {
		return
	}
	for _, have := range c.dirs {
		if have == d {
			return
		}
	}
	c.dirs = append(c.dirs, d)
}

func join(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// pathWhy says why an argument's text may name a credential, and the path
// that does, or "". An argument is read as a path however a program might
// take it: whole, after "=" (--file=PATH), after ":" (HEAD:PATH) and after
// a one-letter option (-fPATH), as written, with ~ expanded, from every
// directory the command may be in, and with symlinks followed.
func (c *checker) pathWhy(v string) (string, string) { return c.pathWhyIn(v, c.dirs) }

// pathWhyIn is pathWhy with relative paths taken from each of dirs (nil:
// unknown, so a relative path asks).
func (c *checker) pathWhyIn(v string, dirs []string) (string, string) {
	if v == pipePath {
		return "", ""
	}
	texts := []string{v}
	if i := strings.IndexAny(v, "=:"); i >= 0 {
		texts = append(texts, v[i+1:])
	}
	if len(v) > 2 && v[0] == '-' && v[1] != '-' {
		texts = append(texts, v[2:])
	}
	for _, t := range texts {
		if t == "" {
			continue
		}
		cands := []string{t}
		if c.home != "" && (t == "~" || strings.HasPrefix(t, "~/")) {
			cands = append(cands, c.home+t[1:])
		}
		for _, p := range cands {
			if strings.HasPrefix(p, "/dev/tcp/") || strings.HasPrefix(p, "/dev/udp/") {
				return "a network connection", p
			}
			if why := secretpath.Why(p); why != "" {
				return why, p
			}
			if c.remote {
				if c.cd && !filepath.IsAbs(p) {
					return "a relative path on another host after a cd, from a directory that cannot be checked", p
				}
				continue // another host's file: its name is all there is to judge
			}
			if filepath.IsAbs(p) {
				if why := secretpath.WhyResolved(p); why != "" {
					return why, p
				}
				continue
			}
			if dirs == nil {
				return "a relative path from a directory that cannot be known before it runs", p
			}
			for _, d := range dirs {
				// Joined as written, not cleaned: ".." climbs from where
				// a link before it leads (cd /dev/fd; cat ../cmdline).
				full := strings.TrimSuffix(d, "/") + "/" + p
				if why := secretpath.WhyResolved(full); why != "" {
					if !strings.Contains(p, "..") {
						full = filepath.Clean(full)
					}
					return why, full
				}
			}
		}
	}
	return "", ""
}

package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/secretpath"
)

// maxTreeEntries bounds the walk that checks what a recursive read would
// open; a larger tree asks rather than be read unchecked.
const maxTreeEntries = 20000

var errTreeTooLarge = errors.New("tree too large")

// recursive refuses a program that reads the content of every file under a
// directory (grep -r, rg, diff -r) when one of those files may hold a
// credential: "/", a directory holding the home directory, the home
// directory itself, /proc and the like ask at once; any other tree is
// walked, and asks when a credential is in it (or, when links are
// followed, behind a link).
func (c *checker) recursive(name string, args []string) {
	var roots []string
	var follow bool
	switch name {
	case "rg":
		if slices.Contains(args, "--files") || slices.Contains(args, "--type-list") {
			return // names only
		}
		roots, follow = rgRoots(args)
	case "diff":
		var whole bool
		roots, whole = diffRoots(args)
		if !whole {
			roots = c.dirOperands(roots)
			if len(roots) == 0 {
				return
			}
		}
		follow = true
	default:
		var rec bool
		if roots, rec, follow = grepRoots(args); !rec {
			return
		}
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	for _, r := range roots {
		if r == "-" || r == pipePath {
			continue
		}
		if c.remote {
			c.deny("%s reads every file under %s on another host, whose files cannot be checked from here", name, r)
			continue
		}
		expanded := r
		if c.home != "" && (r == "~" || strings.HasPrefix(r, "~/")) {
			expanded = c.home + r[1:]
		}
		var bases []string
		switch {
		case filepath.IsAbs(expanded):
			bases = []string{expanded}
		case c.dirs == nil:
			c.deny("%s reads every file under %s, a directory that cannot be known before it runs", name, r)
			continue
		default:
			for _, d := range c.dirs {
				bases = append(bases, filepath.Join(d, expanded))
			}
		}
		for _, b := range bases {
			if why := c.treeWhy(b, follow); why != "" {
				c.deny("%s reads every file under %s, and %s", name, r, why)
			}
		}
	}
}

// treeWhy says why reading every file under root may reveal a secret, or "".
func (c *checker) treeWhy(root string, follow bool) string {
	root = filepath.Clean(root)
	real, err := secretpath.Resolve(root)
	if err != nil {
		real = root
	}
	for _, p := range []string{root, real} {
		if p == "/" {
			return "that is the whole file system, credentials included"
		}
		if c.home != "" && (p == c.home || strings.HasPrefix(c.home, p+"/")) {
			return "that includes the home directory, where credentials are kept"
		}
		for _, top := range []string{"/proc", "/sys", "/dev"} {
			if p == top || strings.HasPrefix(p, top+"/") {
				return fmt.Sprintf("%s holds processes' private data", top)
			}
		}
		if why := secretpath.Why(p); why != "" {
			return "it is " + why
		}
	}
	var found string
	n := 0
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: the command cannot read it either
		}
		if n++; n > maxTreeEntries {
			return errTreeTooLarge
		}
		if why := secretpath.Why(p); why != "" {
			found = fmt.Sprintf("%s holds %s", p, why)
			return fs.SkipAll
		}
		if d.Type()&fs.ModeSymlink != 0 && follow {
			target, err := secretpath.Resolve(p)
			if err != nil {
				return nil
			}
			if why := secretpath.Why(target); why != "" {
				found = fmt.Sprintf("%s leads to %s", p, why)
				return fs.SkipAll
			}
			if fi, err := os.Stat(target); err == nil && fi.IsDir() {
				found = fmt.Sprintf("it follows the link %s to the directory %s, which cannot be checked", p, target)
				return fs.SkipAll
			}
		}
		return nil
	})
	if errors.Is(err, errTreeTooLarge) {
		return fmt.Sprintf("there are more than %d files under it to check", maxTreeEntries)
	}
	return found
}

// grepRoots finds grep's file operands, whether it reads directories
// recursively (-r, -R, -d recurse) and whether it follows every link (-R).
func grepRoots(args []string) (roots []string, recursive, follow bool) {
	patternGiven := false
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			operands = append(operands, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a, "=")
			if !hasVal && grepLongValued.Get()[name] && i+1 < len(args) {
				i++
				val = args[i]
			}
			switch name {
			case "--recursive":
				recursive = true
			case "--dereference-recursive":
				recursive, follow = true, true
			case "--directories":
				recursive = recursive || val == "recurse"
			case "--regexp", "--file":
				patternGiven = true
			}
		case strings.HasPrefix(a, "-") && a != "-":
			for j := 1; j < len(a); j++ {
				switch ch := a[j]; {
				case ch == 'r':
					recursive = true
				case ch == 'R':
					recursive, follow = true, true
				case strings.IndexByte("efmABCdD", ch) >= 0:
					val := a[j+1:]
					if val == "" && i+1 < len(args) {
						i++
						val = args[i]
					}
					if ch == 'e' || ch == 'f' {
						patternGiven = true
					}
					if ch == 'd' && val == "recurse" {
						recursive = true
					}
					j = len(a)
				}
			}
		default:
			operands = append(operands, a)
		}
	}
	if !patternGiven && len(operands) > 0 {
		operands = operands[1:]
	}
	return operands, recursive, follow
}

var grepLongValued = lazy.New(func() map[string]bool {
	return map[string]bool{
		"--regexp": true, "--file": true, "--max-count": true, "--after-context": true, "--before-context": true,
		"--context": true, "--directories": true, "--devices": true, "--include": true, "--exclude": true,
		"--exclude-from": true, "--exclude-dir": true, "--label": true, "--binary-files": true, "--group-separator": true,
	}
})

// rgRoots finds ripgrep's path operands (it always recurses) and whether it
// follows links (-L).
func rgRoots(args []string) (roots []string, follow bool) {
	patternGiven := false
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			operands = append(operands, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--"):
			name, _, hasVal := strings.Cut(a, "=")
			if !hasVal && rgLongValued.Get()[name] {
				i++
			}
			switch name {
			case "--follow":
				follow = true
			case "--regexp", "--file", "--files", "--type-list":
				patternGiven = true
			}
		case strings.HasPrefix(a, "-") && a != "-":
			for j := 1; j < len(a); j++ {
				ch := a[j]
				if ch == 'L' {
					follow = true
				}
				if strings.IndexByte("efgtTmABCjMErd", ch) >= 0 {
					if ch == 'e' || ch == 'f' {
						patternGiven = true
					}
					if j+1 == len(a) {
						i++
					}
					break
				}
			}
		default:
			operands = append(operands, a)
		}
	}
	if !patternGiven && len(operands) > 0 {
		operands = operands[1:]
	}
	return operands, follow
}

var rgLongValued = lazy.New(func() map[string]bool {
	return map[string]bool{
		"--regexp": true, "--file": true, "--glob": true, "--iglob": true, "--type": true, "--type-not": true,
		"--max-count": true, "--after-context": true, "--before-context": true, "--context": true, "--threads": true,
		"--max-columns": true, "--encoding": true, "--type-add": true, "--type-clear": true, "--ignore-file": true,
		"--max-depth": true, "--maxdepth": true, "--max-filesize": true, "--path-separator": true, "--replace": true,
		"--sort": true, "--sortr": true, "--colors": true, "--color": true, "--context-separator": true,
		"--field-context-separator": true, "--field-match-separator": true, "--pre-glob": true,
		"--dfa-size-limit": true, "--regex-size-limit": true, "--engine": true,
	}
})

// diffRoots finds diff's operands, the values of --from-file and
// --to-file among them, and whether it reads whole directories: with -r,
// or with -N (--new-file) or --unidirectional-new-file (-P), which print
// every file of a directory that the other one lacks. Option values are
// read as operands too, which can only over-count.
func diffRoots(args []string) (roots []string, whole bool) {
	for i, a := range args {
		switch {
		case a == "--":
			roots = append(roots, args[i+1:]...)
			return roots, whole
		case a == "--recursive", a == "--new-file", a == "--unidirectional-new-file", shortFlags(a, "rNP"):
			whole = true
		case strings.HasPrefix(a, "--from-file"), strings.HasPrefix(a, "--to-file"):
			// Compared with every operand: a directory among them is
			// read file by file.
			if _, v, ok := strings.Cut(a, "="); ok {
				roots = append(roots, v)
			} else if i+1 < len(args) {
				roots = append(roots, args[i+1])
			}
		case strings.HasPrefix(a, "-") && a != "-":
		default:
			roots = append(roots, a)
		}
	}
	return roots, whole
}

// dirOperands are the operands that are directories (or cannot be known),
// which diff reads file by file even without -r: every file the two have
// in common is printed.
func (c *checker) dirOperands(ops []string) []string {
	var dirs []string
	for _, r := range ops {
		if r == "-" || r == pipePath {
			continue
		}
		expanded := r
		if c.home != "" && (r == "~" || strings.HasPrefix(r, "~/")) {
			expanded = c.home + r[1:]
		}
		if c.remote || !filepath.IsAbs(expanded) && c.dirs == nil {
			dirs = append(dirs, r) // asks in recursive
			continue
		}
		bases := []string{expanded}
		if !filepath.IsAbs(expanded) {
			bases = nil
			for _, d := range c.dirs {
				bases = append(bases, filepath.Join(d, expanded))
			}
		}
		for _, b := range bases {
			if fi, err := os.Stat(b); err == nil && fi.IsDir() {
				dirs = append(dirs, r)
				break
			}
		}
	}
	return dirs
}

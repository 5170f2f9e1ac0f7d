package agent

import (
	"fmt"
	"strings"
)

func gitRule(args []string) string {
	i := 0
global:
	for ; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-C":
			i++ // the directory
		case a == "--no-pager", a == "-P", a == "--no-optional-locks", a == "--version", a == "--help":
		case strings.HasPrefix(a, "-"):
			return fmt.Sprintf("git option %s can change what git runs", a)
		default:
			break global
		}
	}
	if i >= len(args) {
		return ""
	}
	sub, rest := args[i], args[i+1:]
	for _, a := range rest {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "--recurse-submodules") || strings.HasPrefix(a, "--submodule") ||
			strings.HasPrefix(a, "--ignore-submodules") {
			return fmt.Sprintf("git %s %s runs git inside submodules, whose configuration is not checked", sub, a)
		}
	}
	if why := gitFileOptionWhy(sub, rest); why != "" {
		return why
	}
	switch sub {
	case "describe":
		for _, a := range rest {
			if strings.HasPrefix(a, "--dirty") || strings.HasPrefix(a, "--broken") {
				return fmt.Sprintf("git describe %s runs further git commands over the working tree", a)
			}
		}
		return ""
	case "status", "rev-parse", "ls-files", "blame", "shortlog":
		return ""
	case "log", "diff", "show":
		for _, a := range rest {
			if a == "--" {
				break
			}
			if strings.HasPrefix(a, "--output") || a == "--ext-diff" || a == "--no-index" {
				return fmt.Sprintf("git %s %s writes a file or runs an external program", sub, a)
			}
		}
		return ""
	case "branch":
		return gitBranchRule(rest)
	case "remote":
		switch {
		case len(rest) == 0, len(rest) == 1 && (rest[0] == "-v" || rest[0] == "--verbose"):
			return ""
		case rest[0] == "get-url":
			return ""
		}
		return "git remote " + strings.Join(rest, " ") + " is not a read-only git command"
	}
	return fmt.Sprintf("git %s is not on the read-only list", sub)
}

func gitBranchRule(args []string) string {
	list, named := false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-l", a == "--list":
			list = true
		case a == "--contains", a == "--no-contains", a == "--merged", a == "--no-merged",
			a == "--points-at", a == "--sort", a == "--format":
			i++ // their value
		case a == "-a", a == "--all", a == "-r", a == "--remotes", a == "-v", a == "-vv", a == "--verbose",
			a == "--show-current", a == "--color", a == "--no-color", a == "--column", a == "--no-column",
			a == "-i", a == "--ignore-case", a == "--omit-empty", a == "--no-abbrev",
			strings.HasPrefix(a, "--sort="), strings.HasPrefix(a, "--format="), strings.HasPrefix(a, "--contains="),
			strings.HasPrefix(a, "--no-contains="), strings.HasPrefix(a, "--merged="), strings.HasPrefix(a, "--no-merged="),
			strings.HasPrefix(a, "--points-at="), strings.HasPrefix(a, "--color="), strings.HasPrefix(a, "--column="),
			strings.HasPrefix(a, "--abbrev="):
		case strings.HasPrefix(a, "-"):
			return fmt.Sprintf("git branch %s changes branches", a)
		default:
			named = true
		}
	}
	if named && !list {
		return "git branch with a name creates a branch"
	}
	return ""
}

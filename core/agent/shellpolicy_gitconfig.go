package agent

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/secretpath"
)

// gitOverrides are set at command scope (GIT_CONFIG_COUNT/KEY/VALUE, which
// outrank every configuration file, and reach submodules too) for every git
// command the policy allows: the fixed-name settings through which a
// configuration runs programs are switched off. Settings with free names
// (filter.<driver>.clean, diff.<driver>.textconv, pager.<command>) cannot be
// listed here; a repository that sets them asks instead (see gitConfigWhy).
var gitOverrides = [][2]string{
	{"core.fsmonitor", "false"},
	{"core.hooksPath", "/dev/null"},
	{"core.pager", "cat"},
	{"core.sshCommand", "false"},
	{"credential.helper", ""}, // an empty value clears every helper configured before it
	{"protocol.allow", "never"},
	{"diff.ignoreSubmodules", "all"}, // git never runs inside a submodule, whose configuration is unchecked
	{"status.submoduleSummary", "false"},
	{"submodule.recurse", "false"},
}

// gitEnv is the environment an allowed git command runs with.
func gitEnv() []string {
	base := 0
	if n, err := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT")); err == nil && n > 0 {
		base = n // keep the person's own overrides; later entries win
	}
	env := []string{
		"GIT_CONFIG_COUNT=" + strconv.Itoa(base+len(gitOverrides)),
		"GIT_OPTIONAL_LOCKS=0", // status does not rewrite the index
		"GIT_TERMINAL_PROMPT=0",
		"GIT_PAGER=cat",
		"GIT_NO_LAZY_FETCH=1", // a partial clone does not fetch missing objects
	}
	for i, kv := range gitOverrides {
		n := strconv.Itoa(base + i)
		env = append(env, "GIT_CONFIG_KEY_"+n+"="+kv[0], "GIT_CONFIG_VALUE_"+n+"="+kv[1])
	}
	return env
}

// gitRepo checks the repositories a git command may run in: its working
// directory (every one a cd may lead to) with each -C applied, and judges
// git's arguments as paths from there.
func (c *checker) gitRepo(args []string) {
	if c.dirs == nil {
		c.deny("git runs in a directory that cannot be known before it runs, so its repository's configuration cannot be checked")
		return
	}
	dirs := c.gitStartDirs()
	sub := ""
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-C" && i+1 < len(args) {
			i++
			for j, d := range dirs {
				dirs[j] = join(d, args[i])
				if why := secretpath.WhyResolved(dirs[j]); why != "" {
					c.deny("git -C %s runs in %s (%s)", args[i], why, dirs[j])
					return
				}
			}
			continue
		}
		if !strings.HasPrefix(args[i], "-") {
			sub, rest = args[i], args[i+1:]
			break
		}
	}
	c.gitPaths(dirs, sub, rest)
	if sub == "diff" {
		c.gitDiffPaths(dirs, rest)
	}
	for _, d := range dirs {
		if c.gitSeen[d+"\x00"+sub] {
			continue
		}
		c.gitSeen[d+"\x00"+sub] = true
		if why := gitConfigWhy(d, sub, c.withEnv); why != "" {
			c.deny("%s", why)
			return
		}
	}
	c.git = true
}

// gitDiffPaths: given paths, git diff also compares files outside any
// repository, whole trees included (the --no-index form, which it takes by
// itself for a path outside the working tree). Every operand that exists is
// judged as a recursive read, and one outside the directory git runs in
// asks.
func (c *checker) gitDiffPaths(dirs, args []string) {
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			continue
		}
		if c.home != "" && (a == "~" || strings.HasPrefix(a, "~/")) {
			a = c.home + a[1:]
		}
		for _, d := range dirs {
			p := join(d, a)
			if _, err := os.Lstat(p); err != nil {
				continue // a revision, or nothing
			}
			real, err := secretpath.Resolve(p)
			if err != nil {
				real = p
			}
			if rel, err := filepath.Rel(d, real); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
				c.deny("git diff %s compares files outside the directory git runs in, like a plain diff", a)
				return
			}
			if why := c.treeWhy(p, true); why != "" {
				c.deny("git diff reads every file under %s, and %s", a, why)
				return
			}
		}
	}
}

// gitConfigWhy reads the configuration git would use in dir, as git itself
// reads it (includes, conditional includes, worktree configuration), and
// says why a read-only git command there could run a program or reveal a
// secret, or "". System and global settings are the person's own; what a
// repository sets is trusted only for the keys in gitSafeKey and, when
// the runner applies gitEnv (withEnv) and this git honours it, the keys
// gitOverrides switch off.
func gitConfigWhy(dir, sub string, withEnv bool) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "config", "--list", "--show-scope", "-z")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv()...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Sprintf("git's configuration in %s could not be read (%s), so what git would run there cannot be checked", dir, firstLine(msg))
	}
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(fields) == 1 && fields[0] == "" {
		return ""
	}
	if len(fields)%2 != 0 {
		return fmt.Sprintf("git's configuration in %s could not be understood, so what git would run there cannot be checked", dir)
	}
	// Command-scope entries come last. Seeing every override there proves
	// this git honours GIT_CONFIG_COUNT, so a repository's fixed-name
	// settings that the overrides switch off need not ask.
	type entry struct{ scope, key string }
	var repo []entry
	applied := map[string]bool{}
	for i := 0; i < len(fields); i += 2 {
		scope := fields[i]
		key, value, _ := strings.Cut(fields[i+1], "\n")
		if sub == "remote" && isRemoteURL(key) && urlHasPassword(value) {
			return fmt.Sprintf("git remote would show %s, whose URL holds a password or token", key)
		}
		switch scope {
		case "command":
			for _, kv := range gitOverrides {
				if strings.EqualFold(kv[0], key) && value == kv[1] {
					applied[strings.ToLower(key)] = true
				}
			}
		case "system", "global":
		default:
			repo = append(repo, entry{scope, key})
		}
	}
	neutralised := withEnv && len(applied) == len(gitOverrides)
	for _, e := range repo {
		if gitSafeKey(e.key) || neutralised && applied[strings.ToLower(e.key)] {
			continue
		}
		return fmt.Sprintf("the git repository in %s sets %s in its own configuration (%s scope), which can make git run a program or reach the network", filepath.Clean(dir), e.key, e.scope)
	}
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func isRemoteURL(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "remote.") && (strings.HasSuffix(k, ".url") || strings.HasSuffix(k, ".pushurl"))
}

func urlHasPassword(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return false
	}
	_, set := u.User.Password()
	return set || (u.Scheme != "ssh" && u.User.Username() != "" && u.Scheme != "")
}

// gitSafeKeys are the settings a repository may hold that never make a
// read-only git command run a program, change which files it reads or reach
// the network. Everything else a repository sets asks: core.fsmonitor,
// core.pager, pager.*, diff.external, diff.*.textconv, filter.*,
// core.hooksPath, core.sshCommand, credential.*, include.*, includeIf.*,
// gpg.*, core.editor, core.worktree, extensions.partialClone, alias.* …
var gitSafeKeys = lazy.New(func() map[string]bool {
	return map[string]bool{
		"core.repositoryformatversion": true, "core.filemode": true, "core.bare": true, "core.logallrefupdates": true,
		"core.ignorecase": true, "core.precomposeunicode": true, "core.symlinks": true, "core.autocrlf": true,
		"core.safecrlf": true, "core.eol": true, "core.quotepath": true, "core.sparsecheckout": true,
		"core.sparsecheckoutcone": true, "core.untrackedcache": true, "core.checkstat": true, "core.trustctime": true,
		"core.abbrev": true, "core.commitgraph": true, "core.multipackindex": true, "core.splitindex": true,
		"core.preloadindex": true, "core.longpaths": true, "core.compression": true, "core.loosecompression": true,
		"core.protecthfs": true, "core.protectntfs": true, "core.warnambiguousrefs": true,
		"user.name": true, "user.email": true, "user.signingkey": true, "init.defaultbranch": true,
		"pull.rebase": true, "pull.ff": true, "push.default": true, "push.autosetupremote": true, "fetch.prune": true,
		"gc.auto": true, "gc.autodetach": true, "index.version": true, "extensions.objectformat": true,
		"extensions.worktreeconfig": true, "branch.autosetupmerge": true, "branch.autosetuprebase": true,
		"commit.gpgsign": true, "tag.gpgsign": true, "merge.ff": true, "rebase.autostash": true, "rerere.enabled": true,
		"status.showuntrackedfiles": true, "status.short": true, "status.branch": true, "status.relativepaths": true,
		"log.decorate": true, "log.abbrevcommit": true, "log.date": true, "diff.renames": true, "diff.algorithm": true,
		"diff.mnemonicprefix": true, "diff.colormoved": true, "lfs.repositoryformatversion": true,
		"maintenance.auto": true, "maintenance.strategy": true, "gui.wmstate": true, "gui.geometry": true,
	}
})

// gitSafeSubKeys are per-name settings (section.<name>.key) that are safe
// whatever the name.
var gitSafeSubKeys = lazy.New(func() map[string]map[string]bool {
	return map[string]map[string]bool{
		"remote":    {"url": true, "fetch": true, "pushurl": true, "tagopt": true, "prune": true, "mirror": true, "push": true, "skipdefaultupdate": true},
		"branch":    {"remote": true, "merge": true, "rebase": true, "pushremote": true, "description": true},
		"submodule": {"url": true, "active": true, "branch": true},
	}
})

func gitSafeKey(key string) bool {
	k := strings.ToLower(key)
	if gitSafeKeys.Get()[k] {
		return true
	}
	section, rest, ok := strings.Cut(k, ".")
	if !ok {
		return false
	}
	if section == "color" {
		return true
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return false
	}
	return gitSafeSubKeys.Get()[section][rest[i+1:]]
}

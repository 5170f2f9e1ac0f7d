package agent

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
)

// gitTrap is a home with a git repository whose settings point at a
// script that leaves a canary file when anything runs it.
type gitTrap struct {
	home, repo, canaries, script string
}

func newGitTrap(t *testing.T) *gitTrap {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("CDPATH", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	g := &gitTrap{home: home, repo: filepath.Join(home, "repo"), canaries: filepath.Join(home, "canaries"),
		script: filepath.Join(home, "evil.sh")}
	if err := os.Mkdir(g.canaries, 0o700); err != nil {
		t.Fatal(err)
	}
	// The script records its name, passes input through (a filter or pager
	// that breaks nothing is the stealthy kind) and succeeds.
	script := fmt.Sprintf("#!/bin/sh\ntouch %q/\"$1\"\ncat >/dev/null 2>&1 || true\nexit 0\n", g.canaries)
	if err := os.WriteFile(g.script, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	gitInit(t, g.repo)
	g.git(t, "config", "user.email", "t@example.com")
	g.git(t, "config", "user.name", "t")
	g.write(t, ".gitattributes", "*.txt filter=evil diff=evil\n")
	g.write(t, "a.txt", "one\n")
	g.git(t, "add", ".")
	g.git(t, "commit", "-q", "-m", "first")
	g.write(t, "a.txt", "one\ntwo\n")
	return g
}

func (g *gitTrap) write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(g.repo, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (g *gitTrap) git(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = g.repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// tripped lists the canaries left so far.
func (g *gitTrap) tripped(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(g.canaries)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func (g *gitTrap) clear(t *testing.T) {
	t.Helper()
	for _, n := range g.tripped(t) {
		if err := os.Remove(filepath.Join(g.canaries, n)); err != nil {
			t.Fatal(err)
		}
	}
}

// hook installs a post-index-change hook (git status runs it when it
// refreshes the index) in dir.
func (g *gitTrap) hook(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("#!/bin/sh\n%q hook\n", g.script)
	if err := os.WriteFile(filepath.Join(dir, "post-index-change"), []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
}

// agent is an agent in the repository whose proposals go to a real
// approval queue, where the person rejects each one; asked gets every
// command that waited and why it asks.
func (g *gitTrap) agent(t *testing.T, asked *[]string) *Agent {
	return &Agent{
		Shell: skills.ShellSkill{Shell: "/bin/sh", Timeout: 20 * time.Second, Dir: g.repo},
		Ask:   queueFor(t, nil).Asker(rejectRecording(t, asked)),
	}
}

// rejectRecording is a person who rejects every command, recording the
// shell text asked about and the reason it asks.
func rejectRecording(t *testing.T, asked *[]string) approvalstest.Person {
	return func(e store.Approval) (bool, string) {
		p, _ := params(t, e).(actions.Command)
		*asked = append(*asked, p.Shell+" — "+e.Why)
		return false, ""
	}
}

// touchAll makes every tracked file look changed to git, so the next
// status re-reads (and filters) it.
func (g *gitTrap) touchAll(t *testing.T) {
	t.Helper()
	later := time.Now().Add(time.Duration(len(g.tripped(t))+2) * time.Second)
	for _, n := range []string{"a.txt", ".gitattributes"} {
		if err := os.Chtimes(filepath.Join(g.repo, n), later, later); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGitRepositoryConfigCannotRunPrograms plants, in a real repository's
// .git/config, every kind of setting through which git runs a program,
// shows that plain git really runs it, and then sends read-only git
// commands through the agent's run_command path. A setting with a fixed
// name is switched off by the overrides the Decision carries, so the
// command runs; one with a free name (filters, textconv, pager.<cmd>) or
// one that pulls in more configuration asks (and is refused here). Either
// way no canary may appear.
func TestGitRepositoryConfigCannotRunPrograms(t *testing.T) {
	settings := []struct {
		key, value string
		commands   []string
		trips      bool // plain git runs the program without a terminal (a pager needs one)
		runs       bool // neutralised by the overrides: runs unasked
	}{
		{"core.fsmonitor", "%s fsmonitor", []string{"git status", "git diff"}, true, true},
		{"core.hooksPath", "HOOKS", []string{"git status"}, true, true},
		{"core.pager", "%s pager", []string{"git log", "git --no-pager log -1"}, false, true},
		{"pager.log", "%s pagerlog", []string{"git log --oneline"}, false, false},
		{"diff.external", "%s external", []string{"git diff", "git show"}, true, false},
		{"filter.evil.clean", "%s clean", []string{"git diff --stat", "git status"}, true, false},
		{"diff.evil.textconv", "%s textconv", []string{"git diff", "git log -p -1", "git blame a.txt"}, true, false},
		{"include.path", "INCLUDE", []string{"git status"}, true, false},
		{"core.worktree", "HOME", []string{"git status"}, false, false},
	}
	for _, s := range settings {
		t.Run(s.key, func(t *testing.T) {
			g := newGitTrap(t)
			value := strings.ReplaceAll(s.value, "%s", g.script)
			switch value {
			case "HOOKS":
				g.hook(t, filepath.Join(g.home, "hooks"))
				value = filepath.Join(g.home, "hooks")
			case "HOME":
				value = g.home
			case "INCLUDE":
				inc := filepath.Join(g.home, "included")
				if err := os.WriteFile(inc, []byte(fmt.Sprintf("[core]\n\tfsmonitor = %s included\n", g.script)), 0o600); err != nil {
					t.Fatal(err)
				}
				value = inc
			}
			g.git(t, "config", s.key, value)

			var asked []string
			a := g.agent(t, &asked)
			for _, cmd := range s.commands {
				g.touchAll(t)
				o := a.runCommand(context.Background(), cmd)
				if s.runs && (o.refused || !o.ok) {
					t.Errorf("%s did not run with the overrides: %+v", cmd, o)
				}
				if !s.runs && !o.refused {
					t.Errorf("%s ran unasked: %q", cmd, o.output)
				}
				if got := g.tripped(t); len(got) != 0 {
					t.Fatalf("%s ran the planted program: %q", cmd, got)
				}
			}
			if s.runs {
				if len(asked) != 0 {
					t.Errorf("asked %q", asked)
				}
			} else if len(asked) != len(s.commands) {
				t.Fatalf("asked %d times, want %d: %q", len(asked), len(s.commands), asked)
			}
			for _, q := range asked {
				if !strings.Contains(q, "its own configuration") || !strings.Contains(q, s.key) {
					t.Errorf("question %q does not name the repository's %s", q, s.key)
				}
			}
			if !s.trips {
				return
			}
			// The same command run by plain git does run the program: the
			// trap is real.
			g.touchAll(t)
			plain := exec.Command("sh", "-c", s.commands[0])
			plain.Dir = g.repo
			_ = plain.Run() // an external diff that prints nothing may fail; the canary is what counts
			if len(g.tripped(t)) == 0 {
				t.Errorf("plain %s ran nothing; the trap tests nothing", s.commands[0])
			}
		})
	}
}

// TestGitRunsWithOverrides: settings from the person's own (global)
// configuration do not make a read-only git command ask, but the
// fixed-name ones that run programs are switched off by the environment
// the Decision carries, which the runner applies.
func TestGitRunsWithOverrides(t *testing.T) {
	g := newGitTrap(t)
	g.hook(t, filepath.Join(g.home, "hooks"))
	global := fmt.Sprintf("[core]\n\tfsmonitor = %s fsmonitor\n\thooksPath = %s\n", g.script, filepath.Join(g.home, "hooks"))
	if err := os.WriteFile(filepath.Join(g.home, ".gitconfig"), []byte(global), 0o600); err != nil {
		t.Fatal(err)
	}

	// Plain git runs the planted program: the trap works.
	g.touchAll(t)
	plain := exec.Command("git", "status")
	plain.Dir = g.repo
	if out, err := plain.CombinedOutput(); err != nil {
		t.Fatalf("git status: %v: %s", err, out)
	}
	if len(g.tripped(t)) == 0 {
		t.Fatal("plain git status ran nothing; the trap does not test anything")
	}
	g.clear(t)

	d := CheckShellIn("git status", ShellContext{Dir: g.repo, AppliesEnv: true})
	if !d.Allowed || len(d.Env) == 0 {
		t.Fatalf("git status: %+v", d)
	}
	var asked []string
	a := g.agent(t, &asked)
	for _, cmd := range []string{"git status", "git diff", "git status --short && git log --oneline -1"} {
		g.touchAll(t)
		o := a.runCommand(context.Background(), cmd)
		if o.refused || !o.ok {
			t.Fatalf("%s: %+v (asked %q)", cmd, o, asked)
		}
		if got := g.tripped(t); len(got) != 0 {
			t.Fatalf("%s ran the configured program despite the overrides: %q", cmd, got)
		}
	}
	if !strings.Contains(func() string { o := a.runCommand(context.Background(), "git status --short"); return o.output }(), "a.txt") {
		t.Error("git status under the overrides no longer reports the change")
	}
}

// TestGitNeutralisedSettingsAskWithoutEnv: a runner that does not promise
// to apply Decision.Env (CheckShell) gets a question for a repository's
// core.fsmonitor, which the overrides would otherwise have switched off.
func TestGitNeutralisedSettingsAskWithoutEnv(t *testing.T) {
	g := newGitTrap(t)
	g.git(t, "config", "core.fsmonitor", g.script+" fsmonitor")
	if d := CheckShellIn("git status", ShellContext{Dir: g.repo}); d.Allowed || !strings.Contains(d.Reason, "core.fsmonitor") {
		t.Errorf("without the environment: %+v", d)
	}
	if d := CheckShellIn("git status", ShellContext{Dir: g.repo, AppliesEnv: true}); !d.Allowed || len(d.Env) == 0 {
		t.Errorf("with the environment: %+v", d)
	}
	if got := g.tripped(t); len(got) != 0 {
		t.Errorf("checking ran the planted program: %q", got)
	}
}

func TestGitRemoteWithPasswordAsks(t *testing.T) {
	g := newGitTrap(t)
	g.git(t, "remote", "add", "origin", "https://user:s3cret@git.example.com/r.git")
	d := CheckShellIn("git remote -v", ShellContext{Dir: g.repo})
	if d.Allowed || !strings.Contains(d.Reason, "password or token") {
		t.Fatalf("git remote -v with a password in the URL: %+v", d)
	}
	if d := CheckShellIn("git status", ShellContext{Dir: g.repo}); !d.Allowed {
		t.Fatalf("git status in a repository with a remote: %+v", d)
	}
}

func TestGitEnvKeepsThePersonsOverrides(t *testing.T) {
	t.Setenv("GIT_CONFIG_COUNT", "2")
	env := gitEnv()
	want := fmt.Sprintf("GIT_CONFIG_COUNT=%d", 2+len(gitOverrides))
	if env[0] != want {
		t.Errorf("env[0] = %q, want %q", env[0], want)
	}
	joined := strings.Join(env, "\n")
	for _, kv := range []string{"GIT_CONFIG_KEY_2=core.fsmonitor", "GIT_CONFIG_VALUE_2=false", "GIT_CONFIG_KEY_3=core.hooksPath"} {
		if !strings.Contains(joined, kv) {
			t.Errorf("env lacks %s: %q", kv, env)
		}
	}
}

// TestGitPathsJudgedWhereGitRuns: from the home directory, a repository at
// ~/proj carries a committed link docs.md -> ../.ssh/id_rsa, and
// ~/notes.txt links to the key too. Plain git run through -C prints the
// key (or quotes it in an error); through the agent each such command
// asks, is refused, and no key reaches the output, while ordinary
// read-only git, with or without a cd into the repository, runs unasked.
func TestGitPathsJudgedWhereGitRuns(t *testing.T) {
	const key = "PRIVATE-KEY-CANARY"
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("CDPATH", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	proj := filepath.Join(home, "proj")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ssh", "id_rsa"), []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(home, ".ssh", "id_rsa"), filepath.Join(home, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	g := &gitTrap{home: home, repo: proj}
	gitInit(t, proj)
	g.git(t, "config", "user.email", "t@example.com")
	g.git(t, "config", "user.name", "t")
	g.write(t, "f.txt", "hello\n")
	if err := os.Symlink("../.ssh/id_rsa", filepath.Join(proj, "docs.md")); err != nil {
		t.Fatal(err)
	}
	g.git(t, "add", ".")
	g.git(t, "commit", "-q", "-m", "first")

	tests := []struct {
		cmd   string
		allow bool
		leaks bool // plain git prints the key: the case tests something real
	}{
		{cmd: "git -C proj blame --contents docs.md f.txt", leaks: true},
		{cmd: "git -C proj blame --contents=docs.md f.txt", leaks: true},
		{cmd: "git -C proj blame --cont=docs.md f.txt", leaks: true},
		{cmd: "git -C proj blame --contents ../notes.txt f.txt", leaks: true},
		{cmd: "git -C proj blame --ignore-revs-file=../notes.txt f.txt", leaks: true},
		{cmd: "git -C proj blame -S ../notes.txt f.txt", leaks: true},
		{cmd: "git -C proj blame -wS../notes.txt f.txt", leaks: true},
		{cmd: "cd proj && git blame --contents docs.md f.txt", leaks: true},
		{cmd: "cd proj && git -C . blame --contents=../notes.txt f.txt", leaks: true},
		{cmd: "git -C proj blame docs.md"},
		{cmd: "git -C proj log -p -- ../notes.txt"},
		{cmd: "git -C proj status", allow: true},
		{cmd: "git -C proj log -1 -- f.txt", allow: true},
		{cmd: "git -C proj log --oneline -5", allow: true},
		{cmd: "git -C proj blame f.txt", allow: true},
		{cmd: "cd proj && git status", allow: true},
		{cmd: "cd proj && git log -1", allow: true},
		{cmd: "cd proj && git blame f.txt", allow: true},
		{cmd: "cd proj; git status --short", allow: true},
	}
	var asked []string
	a := &Agent{
		Shell: skills.ShellSkill{Shell: "/bin/sh", Timeout: 20 * time.Second, Dir: home},
		Ask:   queueFor(t, nil).Asker(rejectRecording(t, &asked)),
	}
	refused := 0
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			if tt.leaks {
				plain := exec.Command("sh", "-c", tt.cmd)
				plain.Dir = home
				out, _ := plain.CombinedOutput()
				if !strings.Contains(string(out), key) {
					t.Fatalf("plain %s did not print the key (%q); the case tests nothing", tt.cmd, out)
				}
			}
			o := a.runCommand(context.Background(), tt.cmd)
			if strings.Contains(o.output, key) {
				t.Fatalf("the key reached the output: %q", o.output)
			}
			if tt.allow && (o.refused || !o.ok) {
				t.Fatalf("ordinary command did not run: %+v (asked %q)", o, asked)
			}
			if !tt.allow {
				if !o.refused {
					t.Fatalf("ran unasked: %q", o.output)
				}
				refused++
			}
		})
	}
	t.Logf("%d cases, %d asked", len(tests), refused)
}

// TestGitConfigCheckedWhereCdLeads: after a cd, git's configuration is read
// in the directory the cd leads to (not the cd applied twice), so a clean
// repository runs unasked and one that sets a program still asks.
func TestGitConfigCheckedWhereCdLeads(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("CDPATH", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	proj := filepath.Join(home, "proj")
	gitInit(t, proj)
	sc := ShellContext{Dir: home, Home: home}
	for _, cmd := range []string{"cd proj && git status", "cd proj && git log -1", "cd proj; cd proj; git status", "cd ~/proj && git -C . status"} {
		if d := CheckShellIn(cmd, sc); !d.Allowed {
			t.Errorf("%s asked: %s", cmd, d.Reason)
		}
	}
	g := &gitTrap{home: home, repo: proj}
	g.git(t, "config", "core.fsmonitor", "/bin/false")
	for _, cmd := range []string{"cd proj && git status", "cd proj; git status", "cd proj && git -C . log -1"} {
		d := CheckShellIn(cmd, sc)
		if d.Allowed || !strings.Contains(d.Reason, "core.fsmonitor") || !strings.Contains(d.Reason, proj+" sets") {
			t.Errorf("%s in a repository that sets core.fsmonitor: %+v", cmd, d)
		}
	}
}

package agent

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/macroa/macroa/lazy"
)

// Decision is the shell policy's verdict on one command text from a model.
type Decision struct {
	Allowed  bool     // it may run without asking the person
	Reason   string   // why it may not, in words for the person; "" when allowed
	Commands []string // every simple command found, in source order, nested ones included
	// Env holds KEY=value pairs an allowed command must run with, added to
	// the inherited environment: for git, configuration overrides that keep
	// settings such as core.fsmonitor, hooks and pagers from running
	// programs. Nil when there is nothing to add or the command is refused.
	Env []string
}

// ShellContext is where a command will run, which the policy needs to
// resolve relative paths, ~ and $HOME, and to find a git repository.
type ShellContext struct {
	Dir  string // the working directory the command starts in; "" means this process's
	Home string // what ~ and $HOME expand to; "" means $HOME of this process
	// AppliesEnv promises that the runner adds Decision.Env to the
	// command's environment. Only then may a repository's git settings
	// that the overrides switch off (core.fsmonitor, core.hooksPath,
	// core.pager …) run unasked; without it they ask.
	AppliesEnv bool
	// Remote: the command runs on another host, where nothing of this
	// machine (its working directory, $HOME, files and links) says what
	// a path names. Paths are judged by their text alone (Home, when
	// given, is the other host's); what needs a look at the files there
	// asks: git (its repository's configuration), reads of a whole tree,
	// relative paths after a cd. That host's sandbox hides its
	// credentials from what a link could reach (hosts.SandboxCommand).
	Remote bool
}

// CheckShell is CheckShellIn for a command run in this process's working
// directory with its $HOME, by a runner that does not promise to apply
// Decision.Env.
func CheckShell(command string) Decision { return CheckShellIn(command, ShellContext{}) }

// CheckShellIn parses command as shell text (bash grammar, which also
// covers POSIX sh) and decides whether it may run without asking. It is
// allowed only when it parses and every simple command in it, however
// nested (pipelines, lists, subshells, command and process substitutions,
// heredoc bodies), runs a program on the read-only allow-list with
// arguments that keep it read-only and local, every argument and
// redirection is text the policy can resolve (only ~ and $HOME are
// expanded; variables, globs, braces and substitutions are not) and names
// no credential, even through a symlink, nothing is written, no assignment
// changes how programs are found or loaded, no recursive read covers a
// credential, and git would run no program from the repository's
// configuration. Anything else, and anything that does not parse, needs the
// person's approval. The check is deliberately strict: a false "needs
// approval" costs a question, a false "allowed" could cost the machine or
// leak a key.
func CheckShellIn(command string, sc ShellContext) Decision {
	if strings.TrimSpace(command) == "" {
		return Decision{Reason: "there is no command to run"}
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(command), "")
	if err != nil {
		return Decision{Reason: fmt.Sprintf("the command could not be parsed as shell (%v), so what it would run cannot be checked", err)}
	}
	if forcedOpen.Load() {
		return Decision{Allowed: true}
	}
	c := newChecker(command, sc)
	c.findDirs(f)
	c.stmts(f.Stmts)
	if len(c.commands) == 0 && len(c.reasons) == 0 {
		c.deny("there is no command to run")
	}
	d := Decision{Allowed: len(c.reasons) == 0, Reason: strings.Join(c.reasons, "; "), Commands: c.commands}
	if d.Allowed && policyBash() == "" {
		d.Allowed, d.Reason = false, "there is no bash on this machine, and the policy reads commands as bash does"
	}
	if d.Allowed && c.git {
		d.Env = gitEnv()
	}
	return d
}

// checker walks one parsed command text, collecting the simple commands it
// finds and every reason it may not run unasked.
type checker struct {
	src      string
	home     string   // what ~ and $HOME expand to; "" when unknown
	dirs     []string // every directory a relative path may start from; nil when unknown
	commands []string
	reasons  []string
	git      bool            // a git command was allowed: it needs gitEnv
	withEnv  bool            // the runner applies Decision.Env
	gitSeen  map[string]bool // repositories whose configuration was checked
	remote   bool            // ShellContext.Remote
	cd       bool            // the command has a cd
}

func newChecker(src string, sc ShellContext) *checker {
	c := &checker{src: src, home: sc.Home, gitSeen: map[string]bool{}, withEnv: sc.AppliesEnv, remote: sc.Remote}
	if c.home == "" && !c.remote {
		c.home = os.Getenv("HOME")
	}
	if c.home != "" {
		c.home = filepath.Clean(c.home)
		if !filepath.IsAbs(c.home) {
			c.home = ""
		}
	}
	if c.remote {
		return c // no directory known: see ShellContext.Remote
	}
	dir := sc.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	} else if !filepath.IsAbs(dir) {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		} else {
			dir = ""
		}
	}
	if dir != "" {
		c.dirs = []string{filepath.Clean(dir)}
	}
	return c
}

func (c *checker) deny(format string, args ...any) {
	r := fmt.Sprintf(format, args...)
	for _, have := range c.reasons {
		if have == r {
			return
		}
	}
	c.reasons = append(c.reasons, r)
}

// text is the source text of a node, for messages and Decision.Commands.
func (c *checker) text(n syntax.Node) string {
	start, end := int(n.Pos().Offset()), int(n.End().Offset())
	if start < 0 || end > len(c.src) || start > end {
		return ""
	}
	return c.src[start:end]
}

func (c *checker) stmts(list []*syntax.Stmt) {
	for _, s := range list {
		c.stmt(s)
	}
}

func (c *checker) stmt(s *syntax.Stmt) {
	if s == nil {
		return
	}
	if s.Background || s.Coprocess || s.Disown {
		c.deny("it starts a command in the background")
	}
	for _, r := range s.Redirs {
		c.redirect(r)
	}
	switch x := s.Cmd.(type) {
	case nil:
		// Only redirections ("> file"); checked above.
	case *syntax.CallExpr:
		c.call(x)
	case *syntax.BinaryCmd:
		c.stmt(x.X)
		c.stmt(x.Y)
	case *syntax.Subshell:
		c.stmts(x.Stmts)
	case *syntax.Block:
		c.stmts(x.Stmts)
	default:
		c.deny("it uses a shell construct (%s) that is not on the read-only list", construct(x))
		c.collect(x)
	}
}

// construct names a compound command for a reason.
func construct(cmd syntax.Command) string {
	switch cmd.(type) {
	case *syntax.IfClause:
		return "if"
	case *syntax.WhileClause:
		return "while/until loop"
	case *syntax.ForClause:
		return "for loop"
	case *syntax.CaseClause:
		return "case"
	case *syntax.FuncDecl:
		return "function definition"
	case *syntax.ArithmCmd, *syntax.LetClause:
		return "arithmetic"
	case *syntax.TestClause:
		return "[[ test ]]"
	case *syntax.DeclClause:
		return "declare/export/local/readonly"
	case *syntax.TimeClause:
		return "time"
	case *syntax.CoprocClause:
		return "coproc"
	}
	return fmt.Sprintf("%T", cmd)
}

// collect lists the simple commands inside a construct that is refused
// anyway, so the person sees everything it would run.
func (c *checker) collect(n syntax.Node) {
	syntax.Walk(n, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			c.commands = append(c.commands, c.text(call))
		}
		return true
	})
}

func (c *checker) call(x *syntax.CallExpr) {
	c.commands = append(c.commands, c.text(x))
	for _, a := range x.Assigns {
		c.assign(a)
	}
	words := make([]word, len(x.Args))
	for i, w := range x.Args {
		c.word(w)
		words[i] = c.resolve(w)
	}
	if len(words) == 0 {
		return // assignments only
	}
	prog := words[0]
	if !prog.fixed() {
		c.deny("the program in %q is computed when the command runs, so what it runs cannot be checked", c.text(x.Args[0]))
		return
	}
	name, ok := programName(prog.value)
	if !ok {
		c.deny("%q is run by path; only programs found on the system's PATH or in /bin, /usr/bin, /sbin or /usr/sbin may run unasked", prog.value)
		return
	}
	args := words[1:]
	computed := false
	for i, a := range args {
		src := c.text(x.Args[i+1])
		switch {
		case !a.static:
			computed = true
			if name != "echo" {
				c.deny("the arguments to %s are computed when it runs (%s), so what it reads cannot be checked", name, src)
			}
		case a.pattern:
			computed = true
			if !patternPrograms.Get()[name] {
				c.deny("%s %s uses a pattern the shell expands when it runs, so which files it reads cannot be checked", name, src)
			}
		}
		if !a.static {
			continue
		}
		// A pattern's fixed text may already name a credential.
		if why, p := c.pathWhy(a.value); why != "" {
			c.deny("%s %s reads %s (%s)", name, quoteArg(a.value), why, p)
		}
		for _, tail := range clusterTails(a.value) {
			if why, p := c.pathWhy(tail); why != "" {
				c.deny("%s %s may read %s (%s)", name, quoteArg(a.value), why, p)
				break
			}
		}
		args[i].value = fullLongOption(name, a.value)
		if strings.HasPrefix(args[i].value, "--files0-from") {
			c.deny("%s %s reads the names of the files to open from a file, so they cannot be checked", name, a.value)
		}
	}
	if why, refused := refusedPrograms.Get()[name]; refused {
		c.deny("%s %s", name, why)
		return
	}
	if why, net := networkPrograms.Get()[name]; net {
		c.deny("%s %s, so it is not a read-only local command", name, why)
		return
	}
	rule, ok := readOnly.Get()[name]
	if !ok {
		c.deny("%s is not on the read-only list", name)
		return
	}
	values := make([]string, len(args))
	for i, a := range args {
		values[i] = a.value
	}
	if computed {
		return // refused above unless the program only prints or lists names
	}
	if rule != nil {
		if why := rule(values); why != "" {
			c.deny("%s", why)
			return
		}
	}
	switch name {
	case "git":
		c.gitRepo(values)
	case "grep", "egrep", "fgrep", "rg", "diff":
		c.recursive(name, values)
	}
}

// patternPrograms may be given glob or brace patterns unasked: they print
// or list names and sizes, never what files hold.
var patternPrograms = lazy.New(func() map[string]bool { return map[string]bool{"echo": true, "ls": true, "du": true} })

// quoteArg shows an argument in a reason.
func quoteArg(s string) string { return fmt.Sprintf("%q", s) }

// programName returns the name a program is looked up by: a bare name, or
// the base name of a path in a system directory.
func programName(p string) (string, bool) {
	if !strings.Contains(p, "/") {
		return p, p != ""
	}
	clean := path.Clean(p)
	switch path.Dir(clean) {
	case "/bin", "/usr/bin", "/sbin", "/usr/sbin":
		return path.Base(clean), true
	}
	return "", false
}

func (c *checker) redirect(r *syntax.Redirect) {
	c.word(r.Word)
	c.word(r.Hdoc)
	target := c.resolve(r.Word)
	switch r.Op {
	case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		return
	case syntax.RdrIn:
		if !target.fixed() {
			c.deny("it reads from %s, a file named when the command runs, so it cannot be checked", strings.TrimSpace(c.text(r)))
			return
		}
		if why, p := c.pathWhy(target.value); why != "" {
			c.deny("it reads %s from %q (%s)", why, target.value, p)
		}
		return
	case syntax.DplIn, syntax.DplOut:
		if target.fixed() && (target.value == "-" || isDigits(target.value)) {
			return // duplicate or close a file descriptor
		}
		if r.Op == syntax.DplIn {
			c.deny("it redirects input from %q, which is not a file descriptor", c.text(r))
			return
		}
	}
	// Every other operator writes (or creates) its target.
	if target.fixed() && harmlessSink(target.value) {
		return
	}
	c.deny("it redirects output into a file (%s)", strings.TrimSpace(c.text(r)))
}

func harmlessSink(p string) bool {
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr":
		return true
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

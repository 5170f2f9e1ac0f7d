package agent

import (
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Decision is the shell policy's verdict on one command text from a model.
type Decision struct {
	Allowed  bool     // it may run without asking the person
	Reason   string   // why it may not, in words for the person; "" when allowed
	Commands []string // every simple command found, in source order, nested ones included
}

// CheckShell parses command as shell text (bash grammar, which also covers
// POSIX sh) and decides whether it may run without asking. It is allowed
// only when it parses and every simple command in it, however nested
// (pipelines, lists, subshells, command and process substitutions,
// heredoc bodies), runs a program on the read-only allow-list with
// arguments that keep it read-only, nothing is redirected into a file, no
// assignment changes how programs are found or loaded, and every program
// name is fixed text. Anything else, and anything that does not parse, needs
// the person's approval. The check is deliberately strict: a false "needs
// approval" costs a question, a false "allowed" could cost the machine.
func CheckShell(command string) Decision {
	if strings.TrimSpace(command) == "" {
		return Decision{Reason: "there is no command to run"}
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(command), "")
	if err != nil {
		return Decision{Reason: fmt.Sprintf("the command could not be parsed as shell (%v), so what it would run cannot be checked", err)}
	}
	c := &checker{src: command}
	c.stmts(f.Stmts)
	if len(c.commands) == 0 && len(c.reasons) == 0 {
		c.deny("there is no command to run")
	}
	return Decision{Allowed: len(c.reasons) == 0, Reason: strings.Join(c.reasons, "; "), Commands: c.commands}
}

// checker walks one parsed command text, collecting the simple commands it
// finds and every reason it may not run unasked.
type checker struct {
	src      string
	commands []string
	reasons  []string
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
		words[i] = resolve(w)
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
	for _, a := range args {
		if a.static {
			if why := secretPath(a.value); why != "" {
				c.deny("%s %q reads %s", name, a.value, why)
			}
		}
	}
	if why, refused := refusedPrograms[name]; refused {
		c.deny("%s %s", name, why)
		return
	}
	rule, ok := readOnly[name]
	if !ok {
		c.deny("%s is not on the read-only list", name)
		return
	}
	if rule == nil {
		return
	}
	values := make([]string, len(args))
	for i, a := range args {
		if !a.fixed() {
			c.deny("the arguments to %s are computed when it runs (%s), so they cannot be checked", name, c.text(x.Args[i+1]))
			return
		}
		values[i] = a.value
	}
	if why := rule(values); why != "" {
		c.deny("%s", why)
	}
}

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
	target := resolve(r.Word)
	switch r.Op {
	case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
		return
	case syntax.RdrIn:
		if !target.static {
			return // walked above; reading an unknown file is still reading
		}
		if strings.HasPrefix(target.value, "/dev/tcp/") || strings.HasPrefix(target.value, "/dev/udp/") {
			c.deny("it opens a network connection (%s)", target.value)
		} else if why := secretPath(target.value); why != "" {
			c.deny("it reads %s from %q", why, target.value)
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

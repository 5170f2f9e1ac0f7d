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

// dangerousVars change which program runs, what a program loads, or how
// the shell reads the rest of the line.
var dangerousVars = map[string]bool{
	"PATH": true, "IFS": true, "ENV": true, "BASH_ENV": true, "CDPATH": true,
	"SHELLOPTS": true, "BASHOPTS": true, "PS4": true, "PROMPT_COMMAND": true,
	"GCONV_PATH": true, "BROWSER": true, "LESSOPEN": true, "LESSCLOSE": true,
	"NODE_OPTIONS": true, "PYTHONPATH": true, "PYTHONSTARTUP": true, "PERL5LIB": true,
	"PERL5OPT": true, "RUBYOPT": true, "HOME": true, "TMPDIR": true,
	"RIPGREP_CONFIG_PATH": true,
}

// dangerousVarPrefixes: the dynamic loader, git's configuration (pagers,
// fsmonitor, ssh commands), exported shell functions, systemd's pagers,
// and XDG_CONFIG_HOME (where git finds a config that can run programs).
var dangerousVarPrefixes = []string{"LD_", "DYLD_", "GIT_", "BASH_FUNC_", "SYSTEMD_", "XDG_"}

func (c *checker) assign(a *syntax.Assign) {
	if a.Value != nil {
		c.word(a.Value)
	}
	if a.Array != nil || a.Index != nil {
		c.deny("it assigns to an array")
		syntax.Walk(a.Array, func(n syntax.Node) bool {
			if w, ok := n.(*syntax.Word); ok {
				c.word(w)
				return false
			}
			return true
		})
		return
	}
	if a.Name == nil {
		c.deny("it has an assignment that cannot be checked")
		return
	}
	name := a.Name.Value
	bad := dangerousVars[name] || strings.Contains(name, "PAGER") || strings.Contains(name, "EDITOR")
	for _, p := range dangerousVarPrefixes {
		bad = bad || strings.HasPrefix(name, p)
	}
	if bad {
		c.deny("it sets %s, which changes which programs run or what they load", name)
	}
}

// safeVars may be expanded in arguments: they hold no secrets and the
// commands allowed here cannot be turned against the machine with them.
var safeVars = map[string]bool{
	"HOME": true, "USER": true, "LOGNAME": true, "PWD": true, "OLDPWD": true,
	"SHELL": true, "HOSTNAME": true, "LANG": true, "TERM": true, "PATH": true,
	"TMPDIR": true, "UID": true, "EUID": true,
	// Special parameters; in `sh -c` most of them are empty.
	"?": true, "#": true, "$": true, "!": true, "-": true, "0": true, "@": true, "*": true,
}

// word checks everything a word expands: nested commands are walked like
// any other, and anything that could hide a secret or a command is refused.
func (c *checker) word(w *syntax.Word) {
	if w == nil {
		return
	}
	c.parts(w.Parts)
}

func (c *checker) parts(parts []syntax.WordPart) {
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
		case *syntax.DblQuoted:
			c.parts(x.Parts)
		case *syntax.CmdSubst:
			c.stmts(x.Stmts)
		case *syntax.ProcSubst:
			if x.Op == syntax.CmdOut {
				c.deny("it passes output to a command through >(…)")
			}
			c.stmts(x.Stmts)
		case *syntax.ParamExp:
			c.param(x)
		case *syntax.ArithmExp:
			c.deny("it uses arithmetic expansion $((…)), which can assign variables and run commands")
			c.collect(x)
		case *syntax.ExtGlob:
			c.deny("it uses an extended glob %s", c.text(x))
		default:
			c.deny("it uses an expansion that cannot be checked (%s)", c.text(p))
		}
	}
}

func (c *checker) param(p *syntax.ParamExp) {
	simple := p.Param != nil && p.Flags == nil && !p.Excl && !p.Width && !p.IsSet &&
		p.NestedParam == nil && p.Index == nil && len(p.Modifiers) == 0 &&
		p.Slice == nil && p.Repl == nil && p.Names == 0 && p.Exp == nil &&
		p.Split == syntax.OptUnset && p.GlobSubst == syntax.OptUnset && p.RcExpand == syntax.OptUnset
	if !simple {
		c.deny("it uses a parameter expansion with operators (%s), which can assign variables or run commands", c.text(p))
		c.collect(p)
		return
	}
	if !safeVars[p.Param.Value] {
		c.deny("it expands $%s, which may hold a secret", p.Param.Value)
	}
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

// word is what a shell word resolves to before running.
type word struct {
	value   string // the text after quote removal, when static
	static  bool   // no parameter, command, arithmetic or process expansion
	pattern bool   // unquoted glob or brace characters the shell may expand
}

// fixed reports whether the word is exactly value when the command runs.
func (w word) fixed() bool { return w.static && !w.pattern }

// resolve removes quotes from a word without expanding anything; a word
// with any expansion is not static.
func resolve(w *syntax.Word) word {
	if w == nil {
		return word{}
	}
	var b strings.Builder
	res := word{static: true}
	for _, p := range w.Parts {
		switch x := p.(type) {
		case *syntax.Lit:
			v, pat := unquoted(x.Value)
			b.WriteString(v)
			res.pattern = res.pattern || pat
		case *syntax.SglQuoted:
			if x.Dollar {
				res.static = false // $'…' escapes; not worth decoding here
			}
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			if x.Dollar {
				res.static = false
			}
			for _, q := range x.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok {
					res.static = false
					continue
				}
				b.WriteString(doubleQuoted(lit.Value))
			}
		default:
			res.static = false
		}
	}
	res.value = b.String()
	return res
}

// unquoted removes backslash escapes from an unquoted literal and reports
// unescaped characters that make it a pattern (glob or brace expansion).
func unquoted(s string) (string, bool) {
	var b strings.Builder
	pattern := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(s[i])
			continue
		}
		switch {
		case ch == '*', ch == '?', ch == '[':
			pattern = true
		case ch == '{' && !strings.HasPrefix(s[i:], "{}"):
			pattern = true // brace expansion; a bare {} (find's placeholder) is literal
		}
		b.WriteByte(ch)
	}
	return b.String(), pattern
}

// doubleQuoted removes the escapes a double-quoted literal may hold.
func doubleQuoted(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// secretPath says why reading p may reveal a secret, or "".
func secretPath(p string) string {
	l := strings.ToLower(p)
	base := path.Base(l)
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return "an environment file, which may hold secrets"
	case strings.Contains(l, ".ssh/") || base == ".ssh" || strings.HasPrefix(base, "id_rsa") ||
		strings.HasPrefix(base, "id_ed25519") || strings.HasPrefix(base, "id_ecdsa") || strings.HasPrefix(base, "id_dsa"):
		return "SSH keys or settings"
	case strings.Contains(l, "/etc/shadow") || strings.Contains(l, "/etc/gshadow") || strings.Contains(l, "/etc/sudoers"):
		return "a system credential file"
	case strings.HasSuffix(l, "/environ") || base == "environ":
		return "a process's environment, which may hold secrets"
	case strings.Contains(l, ".macroa"):
		return "Macroa's own data, which holds its keys and memory"
	case base == ".netrc" || base == ".pgpass" || base == ".git-credentials" || base == ".npmrc" || base == ".pypirc" ||
		strings.Contains(l, ".aws/") || strings.Contains(l, ".gnupg") || strings.Contains(l, ".docker/config.json") ||
		strings.Contains(l, ".kube/config") || strings.HasSuffix(l, ".pem") || strings.HasSuffix(l, ".key"):
		return "a credentials file"
	}
	return ""
}

// argRule checks the arguments of an allowed program and says why they do
// not keep it read-only, or "". Rules only ever see arguments that are
// fixed text: a rule-checked program whose arguments are computed at run
// time is refused before its rule runs.
type argRule func(args []string) string

// refusedPrograms never run unasked, with the reason the person is shown.
var refusedPrograms = map[string]string{
	"sudo":     "runs a command as root",
	"doas":     "runs a command as root",
	"su":       "runs a command as another user",
	"pkexec":   "runs a command as root",
	"eval":     "runs text as shell code",
	"exec":     "replaces the shell with another program",
	"source":   "runs a file as shell code",
	".":        "runs a file as shell code",
	"xargs":    "runs other programs with arguments it reads",
	"env":      "runs other programs and prints the environment, which may hold secrets",
	"printenv": "prints the environment, which may hold secrets",
	"export":   "changes the environment of the commands after it",
	"sh":       "runs shell code it is given",
	"bash":     "runs shell code it is given",
	"dash":     "runs shell code it is given",
	"zsh":      "runs shell code it is given",
	"ksh":      "runs shell code it is given",
	"fish":     "runs shell code it is given",
	"busybox":  "runs other programs",
	"builtin":  "runs another command",
	"nohup":    "runs another program",
	"timeout":  "runs another program",
	"nice":     "runs another program",
	"ionice":   "runs another program",
	"setsid":   "runs another program",
	"stdbuf":   "runs another program",
	"watch":    "runs another program",
	"chroot":   "runs another program",
	"nsenter":  "runs another program",
	"unshare":  "runs another program",
	"runuser":  "runs another program",
}

// readOnly is the allow-list: programs that only read, each with the rule
// its arguments must pass (nil: any arguments, since none of them can make
// the program write, run another program or reveal the environment).
var readOnly = map[string]argRule{
	"ls": nil, "cat": nil, "head": nil, "tail": nil, "wc": nil, "grep": nil, "egrep": nil, "fgrep": nil,
	"df": nil, "du": nil, "free": nil, "uptime": nil, "uname": nil, "whoami": nil, "id": nil,
	"stat": nil, "which": nil, "echo": nil, "pwd": nil, "cd": nil, "pgrep": nil, "nproc": nil,
	"lscpu": nil, "lsblk": nil, "lsmod": nil, "vmstat": nil, "tty": nil, "groups": nil, "who": nil, "w": nil,
	"basename": nil, "dirname": nil, "realpath": nil, "readlink": nil, "cut": nil, "tr": nil, "nl": nil,
	"md5sum": nil, "sha1sum": nil, "sha256sum": nil, "sha512sum": nil, "cmp": nil, "diff": nil,
	"test": nil, "[": nil, "true": nil, "false": nil, "getent": nil, "type": nil,

	"find":       findRule,
	"git":        gitRule,
	"systemctl":  systemctlRule,
	"journalctl": journalctlRule,
	"ip":         ipRule,
	"ss":         ssRule,
	"date":       dateRule,
	"hostname":   hostnameRule,
	"ps":         psRule,
	"printf":     printfRule,
	"rg":         rgRule,
	"sort":       sortRule,
	"uniq":       uniqRule,
	"tree":       treeRule,
	"file":       fileRule,
	"dmesg":      dmesgRule,
	"command":    commandRule,
}

// shortFlags reports whether a is a cluster of single-letter options
// ("-tulpn") holding any of letters.
func shortFlags(a, letters string) bool {
	return len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a[1:], letters)
}

func findRule(args []string) string {
	for _, a := range args {
		switch {
		case a == "-delete", a == "-exec", a == "-execdir", a == "-ok", a == "-okdir", a == "-fls",
			strings.HasPrefix(a, "-fprint"):
			return fmt.Sprintf("find %s deletes or writes files or runs commands", a)
		}
	}
	return ""
}

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
	switch sub {
	case "status", "rev-parse", "ls-files", "blame", "shortlog", "describe":
		return ""
	case "log", "diff", "show":
		for _, a := range rest {
			if a == "--" {
				break
			}
			if strings.HasPrefix(a, "--output") || a == "--ext-diff" {
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

var systemctlVerbs = map[string]bool{
	"status": true, "is-active": true, "is-enabled": true, "is-failed": true, "is-system-running": true,
	"list-units": true, "list-unit-files": true, "list-timers": true, "list-sockets": true,
	"list-dependencies": true, "list-jobs": true, "show": true, "cat": true, "get-default": true, "help": true,
}

func systemctlRule(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return systemctlVerb(args[i+1])
			}
			return ""
		case a == "-t", a == "-p", a == "-P", a == "-n", a == "-o", a == "-H", a == "-M",
			a == "--type", a == "--property", a == "--lines", a == "--output", a == "--host",
			a == "--machine", a == "--state", a == "--root":
			i++ // their value
		case strings.HasPrefix(a, "-"):
		default:
			return systemctlVerb(a)
		}
	}
	return "" // no verb: list-units
}

func systemctlVerb(v string) string {
	if systemctlVerbs[v] {
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
	}
	return ""
}

var ipObjects = map[string]bool{
	"a": true, "addr": true, "address": true, "l": true, "link": true, "r": true, "ro": true, "route": true,
	"n": true, "neigh": true, "neighbor": true, "neighbour": true, "ru": true, "rule": true,
	"m": true, "maddr": true, "maddress": true, "netconf": true,
}

var ipActions = map[string]bool{"show": true, "sh": true, "list": true, "ls": true, "lst": true, "get": true}

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
		case strings.HasPrefix("-family", opt) && len(opt) >= 2, strings.HasPrefix("-netns", opt) && len(opt) >= 2,
			strings.HasPrefix("-loops", opt) && len(opt) >= 2, strings.HasPrefix("-rcvbuf", opt) && len(opt) >= 3:
			i++ // their value
		}
	}
	if i >= len(args) {
		return ""
	}
	obj, rest := args[i], args[i+1:]
	if !ipObjects[obj] {
		return fmt.Sprintf("ip %s is not on the read-only list", obj)
	}
	if len(rest) == 0 || ipActions[rest[0]] {
		return ""
	}
	return fmt.Sprintf("ip %s %s is not a read-only ip command", obj, rest[0])
}

func ssRule(args []string) string {
	for _, a := range args {
		if a == "--kill" || strings.HasPrefix(a, "--diag") || shortFlags(a, "KD") {
			return fmt.Sprintf("ss %s kills sockets or writes a file", a)
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

var hostnameFlags = map[string]bool{
	"-f": true, "--fqdn": true, "--long": true, "-s": true, "--short": true, "-i": true, "--ip-address": true,
	"-I": true, "--all-ip-addresses": true, "-d": true, "--domain": true, "-A": true, "--all-fqdns": true,
	"-a": true, "--alias": true, "-y": true, "--yp": true, "--nis": true, "-V": true, "--version": true,
	"-h": true, "--help": true,
}

func hostnameRule(args []string) string {
	for _, a := range args {
		if !hostnameFlags[a] {
			return fmt.Sprintf("hostname %s can change the host name", a)
		}
	}
	return ""
}

func psRule(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o", a == "-O", a == "-p", a == "-u", a == "-U", a == "-g", a == "-G", a == "-C",
			a == "-t", a == "-q", a == "--sort", a == "--format", a == "--pid", a == "--ppid", a == "--user":
			i++ // their value
		case !strings.HasPrefix(a, "-") && strings.Contains(a, "e"):
			return fmt.Sprintf("ps %s shows processes' environments, which may hold secrets", a)
		}
	}
	return ""
}

func printfRule(args []string) string {
	if len(args) > 0 && strings.HasPrefix(args[0], "-v") {
		return "printf -v assigns a shell variable"
	}
	return ""
}

func rgRule(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "--pre") {
			return fmt.Sprintf("rg %s runs another program on each file", a)
		}
	}
	return ""
}

func sortRule(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "--output") || strings.HasPrefix(a, "--compress-program") || shortFlags(a, "o") {
			return fmt.Sprintf("sort %s writes a file or runs a program", a)
		}
	}
	return ""
}

func uniqRule(args []string) string {
	files := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-f", a == "-s", a == "-w":
			i++ // their value
		case strings.HasPrefix(a, "-") && a != "-":
		default:
			files++
		}
	}
	if files > 1 {
		return "uniq with two file names writes the second"
	}
	return ""
}

func treeRule(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-o") || strings.HasPrefix(a, "--output") || a == "-R" {
			return fmt.Sprintf("tree %s writes files", a)
		}
	}
	return ""
}

func fileRule(args []string) string {
	for _, a := range args {
		if a == "--compile" || shortFlags(a, "C") {
			return fmt.Sprintf("file %s writes a compiled magic file", a)
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

func commandRule(args []string) string {
	if len(args) >= 2 && (args[0] == "-v" || args[0] == "-V") {
		for _, a := range args[1:] {
			if strings.HasPrefix(a, "-") {
				return "command " + strings.Join(args, " ") + " runs another program"
			}
		}
		return ""
	}
	return "command runs another program"
}

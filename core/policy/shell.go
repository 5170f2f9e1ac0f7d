package policy

import (
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// maxDepth bounds how deep shell text inside shell text (bash -c, eval,
// su -c, ssh, watch, env -S) is followed before the gate gives up and
// asks.
const maxDepth = 4

// shellJudge collects what one command.run text does.
type shellJudge struct {
	p         Policy
	denies    []string // reasons it never runs by itself
	critical  []string // reasons it asks as critical (a stop whose unit is computed at run time …)
	asks      []string // reasons it is not read-only
	protected string
	commands  int
	allowed   int // commands a person listed in allow_commands
}

// judgeShell parses text as bash and judges every simple command in it,
// however nested. A command that stops or restarts a protected unit or
// matches a denied command denies the whole text. Shell text always asks
// a person, at every level, unless every command in it is one the person
// listed in allow_commands: a parser can be fooled (an abbreviated long
// option, a program that runs a helper), so what reads only as far as
// the gate can tell is medium risk and asks; the agent's own read-only
// check, which runs first, is where reading runs unasked. Text that
// writes, or whose program is computed, is high; text that touches what
// the machine's access or boot depends on is critical.
func judgeShell(text string, p Policy) assessment {
	j := &shellJudge{p: p}
	j.text(text, 0)
	switch {
	case len(j.denies) > 0:
		return assessment{risk: Critical, deny: true, ask: true, protected: j.protected, reason: strings.Join(j.denies, "; ")}
	case len(j.critical) > 0:
		return assessment{risk: Critical, ask: true, protected: j.protected, reason: strings.Join(j.critical, "; ")}
	case len(j.asks) > 0:
		return assessment{risk: High, ask: true, reason: strings.Join(j.asks, "; ")}
	case j.commands == 0:
		return assessment{risk: High, ask: true, reason: "there is no command to run"}
	case j.allowed == j.commands:
		return assessment{risk: Low, reason: "every command is in allow_commands"}
	}
	return assessment{risk: Medium, ask: true, reason: "shell text always asks a person; as far as the gate can parse it, it only reads"}
}

func (j *shellJudge) deny(format string, args ...any) {
	j.denies = appendOnce(j.denies, fmt.Sprintf(format, args...))
}

func (j *shellJudge) crit(format string, args ...any) {
	j.critical = appendOnce(j.critical, fmt.Sprintf(format, args...))
}

func (j *shellJudge) ask(format string, args ...any) {
	j.asks = appendOnce(j.asks, fmt.Sprintf(format, args...))
}

func appendOnce(list []string, s string) []string {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}

// text parses and walks one shell text.
func (j *shellJudge) text(src string, depth int) {
	if depth > maxDepth {
		j.ask("shell text nested more than %d deep", maxDepth)
		return
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		j.ask("the command could not be parsed as shell (%v), so what it would run cannot be checked", err)
		return
	}
	j.walk(f, depth)
}

func (j *shellJudge) walk(root syntax.Node, depth int) {
	funcs := map[string]bool{}
	syntax.Walk(root, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CallExpr:
			j.call(x, depth)
		case *syntax.FuncDecl:
			j.ask("it defines the function %s, which can stand in for any program", x.Name.Value)
			funcs[x.Name.Value] = true
			if callsItself(x) {
				j.deny("the function %s calls itself (a fork bomb)", x.Name.Value)
			}
		case *syntax.Stmt:
			j.fedScript(x, depth)
		case *syntax.Redirect:
			j.redirect(x)
		case *syntax.BinaryCmd:
			if x.Op == syntax.Pipe || x.Op == syntax.PipeAll {
				if hasDownloader(x.X) && hasInterpreter(x.Y) {
					j.deny("it pipes a download into an interpreter")
				} else if hasInterpreter(x.Y) {
					j.pipedScript(x.X, depth)
				}
			}
		case *syntax.DeclClause:
			j.ask("it declares variables (%s)", x.Variant.Value)
		case *syntax.LetClause, *syntax.ArithmCmd:
			j.ask("it assigns in arithmetic")
		case *syntax.CoprocClause:
			j.ask("it starts a coprocess")
		}
		return true
	})
}

func callsItself(fd *syntax.FuncDecl) bool {
	found := false
	syntax.Walk(fd.Body, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			if s, ok := staticWord(c.Args[0]); ok && s == fd.Name.Value {
				found = true
			}
		}
		return !found
	})
	return found
}

// staticWord returns the value a word has for bash when nothing in it is
// expanded at run time: literals, single quotes, $'…' and double quotes
// holding only literals. Braces and a leading ~ count as run-time
// expansion.
func staticWord(w *syntax.Word) (string, bool) {
	for _, part := range w.Parts {
		switch x := part.(type) {
		case *syntax.Lit:
			if braces(x.Value) {
				return "", false
			}
		case *syntax.SglQuoted:
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				if _, ok := q.(*syntax.Lit); !ok {
					return "", false
				}
			}
		default:
			return "", false
		}
	}
	if lit, ok := w.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "~") {
		return "", false
	}
	var b strings.Builder
	for _, part := range w.Parts {
		switch x := part.(type) {
		case *syntax.Lit:
			b.WriteString(unescape(x.Value, ""))
		case *syntax.SglQuoted:
			if !x.Dollar {
				b.WriteString(x.Value)
				continue
			}
			s, err := expand.Literal(nil, &syntax.Word{Parts: []syntax.WordPart{x}})
			if err != nil {
				return "", false
			}
			b.WriteString(s)
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				b.WriteString(unescape(q.(*syntax.Lit).Value, "$`\"\\\n"))
			}
		}
	}
	return b.String(), true
}

// unescape removes the backslashes bash removes: before any character
// outside quotes (only), before the characters in only inside double
// quotes; a backslash before a newline joins the lines.
func unescape(s, only string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (only == "" || strings.IndexByte(only, s[i+1]) >= 0) {
			i++
			if s[i] != '\n' {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// braces says whether bash may brace-expand a literal: a "{" followed by
// a comma or "..". (A bare "{}" stays as it is.)
func braces(s string) bool {
	i := strings.IndexByte(s, '{')
	return i >= 0 && (strings.Contains(s[i:], ",") || strings.Contains(s[i:], ".."))
}

// arg is one argument of a call: its value when static.
type arg struct {
	s      string
	static bool
	w      *syntax.Word
}

func (j *shellJudge) call(x *syntax.CallExpr, depth int) {
	if len(x.Assigns) > 0 {
		j.ask("it sets variables, which can change what a program does")
	}
	if len(x.Args) == 0 {
		return
	}
	j.commands++
	args := make([]arg, len(x.Args))
	for i, w := range x.Args {
		s, ok := staticWord(w)
		args[i] = arg{s: s, static: ok, w: w}
	}
	j.command(args, depth, false)
}

// command judges one command's arguments; dynamicTail says more
// arguments come at run time (xargs).
func (j *shellJudge) command(args []arg, depth int, dynamicTail bool) {
	for len(args) > 0 {
		if !args[0].static {
			// Neither deny_commands nor the read-only list can be
			// checked against a program named at run time ("x=curl;
			// $x"): critical, never run by itself or by --yes.
			j.crit("the program to run is computed at run time, so the gate cannot tell what runs")
			j.scanProtected(args[1:])
			return
		}
		prog := path.Base(args[0].s)
		if strings.HasPrefix(args[0].s, "/etc/init.d/") || strings.HasPrefix(args[0].s, "/etc/rc.d/init.d/") {
			j.sysv(append([]arg{{s: "service", static: true}, {s: prog, static: true}}, args[1:]...))
			return
		}
		rest, next, ok := j.unwrap(prog, args[1:], depth)
		if !ok {
			return
		}
		if next {
			if prog == "xargs" {
				dynamicTail = true
			}
			args = rest
			continue
		}
		j.program(prog, args[1:], depth, dynamicTail)
		return
	}
}

// scanProtected looks through the static arguments of a command it cannot
// otherwise read for a stopping verb and a protected unit.
func (j *shellJudge) scanProtected(args []arg) {
	stop := false
	for _, a := range args {
		if a.static && stoppingVerb(a.s) {
			stop = true
		}
	}
	for _, a := range args {
		if !a.static || strings.HasPrefix(a.s, "-") {
			continue
		}
		if _, prot, err := unitCheck(a.s, j.p); err == nil && prot != "" {
			j.protected = prot
			if stop {
				j.crit("a computed program is given %q and the protected unit %q", a.s, prot)
			}
		}
	}
}

// program judges a command after its wrappers are taken off.
func (j *shellJudge) program(prog string, args []arg, depth int, dynamicTail bool) {
	if j.deniedByPolicy(prog, args) {
		return
	}
	if macroaChange(prog, args) {
		j.crit("macroa %s is a person's own decision (approvals, schedules, autonomy), never a proposal's", firstWord(args))
		return
	}
	if accountProgram(prog, args) {
		j.crit("%s changes who may log in, with what rights, or what runs on a schedule", prog)
		return
	}
	if !pureReader(prog) {
		// A program that can write (sort --outp=, uniq's second file,
		// cp, sed -i …) naming what logins, access or boot depend on is
		// critical, however the rest of it reads.
		j.criticalArgs(prog, args)
	}
	switch prog {
	case "systemctl":
		j.systemctl(args, dynamicTail)
		return
	case "service", "invoke-rc.d":
		j.sysv(append([]arg{{s: prog, static: true}}, args...))
		return
	case "stop", "restart", "initctl":
		j.upstart(prog, args)
		return
	case "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "source", ".":
		j.shellC(prog, args, depth)
		return
	case "eval":
		j.joined(prog, args, depth)
		return
	}
	if dynamicTail {
		j.ask("%s takes more arguments from its input at run time", prog)
	}
	if j.denied(prog, args) {
		return
	}
	if j.allowedByPolicy(prog, args) {
		j.allowed++
		return
	}
	why := readOnly(prog, args)
	if why == "" {
		return
	}
	j.ask("%s", why)
	j.mentions(prog, args)
	// A program the gate does not know may run its arguments as a
	// command (chroot, flock, nsenter, systemd-run, strace …): judge
	// the rest of the line from the first argument naming a program
	// that can do harm.
	for i, a := range args {
		if a.static && harmful(path.Base(a.s)) {
			j.command(args[i:], depth+1, dynamicTail)
			return
		}
	}
}

// harmful names the programs worth judging when they appear as an
// argument of a program the gate does not know.
func harmful(p string) bool {
	switch p {
	case "systemctl", "service", "invoke-rc.d", "initctl", "rm", "dd", "shred", "shutdown", "reboot", "poweroff", "halt",
		"kexec", "telinit", "init", "kill", "pkill", "killall", "chmod", "chown", "chgrp", "wipefs", "mkswap", "fdisk",
		"sfdisk", "parted", "blkdiscard", "eval", "su", "sudo", "doas", "env":
		return true
	}
	return interpreter(p) || strings.HasPrefix(p, "mkfs") || strings.HasPrefix(p, "mke2fs")
}

// unwrap takes a wrapper (sudo, env, nice …) off: it returns the wrapped
// command and next=true, or ok=false when it judged the whole command
// itself.
func (j *shellJudge) unwrap(prog string, args []arg, depth int) (rest []arg, next, ok bool) {
	switch prog {
	case "sudo", "doas":
		j.ask("%s runs the command as another user", prog)
		rest, ok := skipOptions(args, "ugpCDhrtUTc")
		if !ok {
			j.ask("%s's options could not be read", prog)
			return nil, false, false
		}
		for _, a := range args {
			if a.static && (a.s == "-s" || a.s == "-i" || a.s == "--shell" || a.s == "--login") && len(rest) == 0 {
				j.ask("%s opens a shell", prog)
			}
		}
		return rest, len(rest) > 0, true
	case "env":
		for i := 0; i < len(args); i++ {
			a := args[i]
			if !a.static {
				j.ask("env's arguments are computed at run time")
				j.scanProtected(args[i:])
				return nil, false, false
			}
			switch {
			case a.s == "--":
				return args[i+1:], i+1 < len(args), true
			case a.s == "-S" || a.s == "--split-string":
				if i+1 < len(args) && args[i+1].static {
					j.text(args[i+1].s+" "+joinStatic(args[i+2:]), depth+1)
					return nil, false, false
				}
				j.ask("env -S with text computed at run time")
				return nil, false, false
			case strings.HasPrefix(a.s, "--split-string=") || strings.HasPrefix(a.s, "-S"):
				s := strings.TrimPrefix(strings.TrimPrefix(a.s, "--split-string="), "-S")
				j.text(s+" "+joinStatic(args[i+1:]), depth+1)
				return nil, false, false
			case a.s == "-u" || a.s == "--unset" || a.s == "-C" || a.s == "--chdir":
				i++
			case strings.HasPrefix(a.s, "-"):
			case strings.Contains(a.s, "="):
				j.ask("env sets variables, which can change what a program does")
			default:
				return args[i:], true, true
			}
		}
		j.ask("env without a command prints the environment, which may hold secrets")
		return nil, false, false
	case "nice":
		rest, ok := skipOptions(args, "n")
		return rest, ok && len(rest) > 0, ok
	case "nohup", "builtin", "time", "setsid", "unbuffer", "exec", "command":
		if prog == "command" || prog == "exec" || prog == "time" || prog == "setsid" {
			for _, a := range args {
				if a.static && (a.s == "-v" || a.s == "-V") && prog == "command" {
					return nil, false, true // only looks a name up
				}
				if !a.static || !strings.HasPrefix(a.s, "-") {
					break
				}
			}
			rest, ok := skipOptions(args, "a")
			return rest, ok && len(rest) > 0, ok
		}
		return args, len(args) > 0, true
	case "timeout":
		rest, ok := skipOptions(args, "sk")
		if !ok || len(rest) < 2 {
			return nil, false, ok
		}
		return rest[1:], true, true
	case "stdbuf", "ionice":
		rest, ok := skipOptions(args, "ioecn")
		return rest, ok && len(rest) > 0, ok
	case "chrt", "taskset":
		rest, ok := skipOptions(args, "")
		if !ok || len(rest) < 2 {
			return nil, false, ok
		}
		return rest[1:], true, true
	case "busybox", "toybox":
		if len(args) == 0 {
			return nil, false, true
		}
		return args, true, true
	case "xargs":
		j.ask("xargs builds commands from its input")
		rest, ok := skipOptions(args, "IdEeLnPsa")
		return rest, ok && len(rest) > 0, ok
	case "su", "runuser":
		j.ask("%s runs the command as another user", prog)
		for i, a := range args {
			if !a.static {
				j.ask("%s's arguments are computed at run time", prog)
				j.scanProtected(args)
				return nil, false, false
			}
			if (a.s == "-c" || a.s == "--command") && i+1 < len(args) {
				if args[i+1].static {
					j.text(args[i+1].s, depth+1)
				} else {
					j.crit("%s runs shell text computed at run time", prog)
				}
				return nil, false, false
			}
			if a.s == "--" && prog == "runuser" {
				return args[i+1:], i+1 < len(args), true
			}
		}
		return nil, false, false
	case "ssh":
		j.ask("ssh runs the command on another machine")
		rest, ok := skipOptions(args, "BbcDEeFIiJLlmOopQRSWw")
		if !ok {
			return nil, false, false
		}
		if len(rest) > 1 {
			j.joined("ssh", rest[1:], depth)
		}
		return nil, false, false
	case "watch":
		rest, ok := skipOptions(args, "nqd")
		if ok && len(rest) > 0 {
			j.joined("watch", rest, depth)
		}
		return nil, false, false
	}
	return nil, false, true
}

// skipOptions drops leading options; withValue lists the short options
// that take the next argument. It stops at "--" (dropped) or the first
// argument that is not an option.
func skipOptions(args []arg, withValue string) ([]arg, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !a.static {
			return args[i:], true
		}
		if a.s == "--" {
			return args[i+1:], true
		}
		if !strings.HasPrefix(a.s, "-") || a.s == "-" {
			return args[i:], true
		}
		if strings.HasPrefix(a.s, "--") {
			if !strings.Contains(a.s, "=") && longWithValue(a.s) {
				i++
			}
			continue
		}
		if len(a.s) == 2 && strings.IndexByte(withValue, a.s[1]) >= 0 {
			i++
		}
	}
	return nil, true
}

func longWithValue(s string) bool {
	switch s {
	case "--user", "--group", "--prompt", "--close-from", "--chdir", "--host", "--role", "--type", "--other-user",
		"--signal", "--kill-after", "--adjustment", "--input", "--output", "--error", "--class", "--classdata",
		"--max-args", "--max-procs", "--delimiter", "--replace", "--arg-file", "--interval",
		"--unit", "--property", "--setenv", "--description", "--slice", "--uid", "--gid", "--nice", "--working-directory", "--machine":
		return true
	}
	return false
}

func joinStatic(args []arg) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, a.s)
	}
	return strings.Join(parts, " ")
}

// joined judges arguments that a program joins with spaces and runs as
// shell text (eval, ssh, watch).
func (j *shellJudge) joined(prog string, args []arg, depth int) {
	for _, a := range args {
		if !a.static {
			j.ask("%s runs shell text computed at run time", prog)
			j.scanProtected(args)
			if hasStopVerb(args) {
				j.crit("%s runs a stop or restart whose target is computed at run time", prog)
			}
			return
		}
	}
	if prog == "eval" {
		j.ask("eval runs text as shell")
	}
	j.text(joinStatic(args), depth+1)
}

func hasStopVerb(args []arg) bool {
	for _, a := range args {
		if a.static && stoppingVerb(a.s) {
			return true
		}
	}
	return false
}

// shellC judges sh -c TEXT; a shell reading a script or its input asks.
func (j *shellJudge) shellC(prog string, args []arg, depth int) {
	for i, a := range args {
		if !a.static {
			break
		}
		if !strings.HasPrefix(a.s, "-") || a.s == "--" {
			break
		}
		if !strings.HasPrefix(a.s, "--") && strings.Contains(a.s, "c") {
			if i+1 < len(args) && args[i+1].static {
				j.text(args[i+1].s, depth+1)
				return
			}
			if i+1 < len(args) && wordFetches(args[i+1].w) {
				j.deny("%s runs text that is downloaded", prog)
				return
			}
			j.crit("%s runs shell text computed at run time", prog)
			return
		}
	}
	for _, a := range args {
		if !a.static && wordFetches(a.w) {
			j.deny("%s runs a script that is downloaded", prog)
			return
		}
	}
	j.ask("%s runs a script or its input, which the gate cannot read", prog)
}

// redirect judges a redirection: writing anywhere but /dev/null and the
// standard streams is not read-only, and writing to a disk is denied.
func (j *shellJudge) redirect(r *syntax.Redirect) {
	switch r.Op {
	case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.ClbOut, syntax.RdrInOut:
	default:
		return
	}
	if r.Word == nil {
		return
	}
	s, ok := pathView(r.Word)
	if !ok {
		j.ask("it writes to a file named at run time")
		return
	}
	if isDisk(s) { // before criticalTarget, which also names disks (as secret)
		j.deny("it writes over the disk %s", s)
		return
	}
	if why := criticalTarget(s); why != "" {
		j.crit("it writes to %s: %s", s, why)
		return
	}
	switch s {
	case "/dev/null", "/dev/stdout", "/dev/stderr":
		return
	}
	if (r.Op == syntax.RdrOut || r.Op == syntax.AppOut) && isDigits(s) {
		return // 2>&1 style duplications are parsed as DplOut, but a bare fd is harmless too
	}
	j.ask("it writes to %s", s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDisk says whether p names a block device.
func isDisk(p string) bool {
	p = path.Clean(p)
	for _, pre := range []string{"/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd", "/dev/nvme", "/dev/mmcblk", "/dev/dm-", "/dev/mapper/", "/dev/disk/", "/dev/md", "/dev/loop", "/dev/root", "/dev/mem", "/dev/kmem", "/dev/port"} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

func progsIn(n syntax.Node) []string {
	var out []string
	syntax.Walk(n, func(m syntax.Node) bool {
		if c, ok := m.(*syntax.CallExpr); ok {
			for _, w := range c.Args {
				s, ok := staticWord(w)
				if !ok {
					break
				}
				b := path.Base(s)
				out = append(out, b)
				if !isWrapper(b) {
					break
				}
			}
		}
		return true
	})
	return out
}

func isWrapper(p string) bool {
	switch p {
	case "sudo", "doas", "env", "nice", "nohup", "exec", "command", "builtin", "time", "timeout", "stdbuf", "setsid", "busybox", "toybox", "xargs", "ionice":
		return true
	}
	return false
}

func hasDownloader(n syntax.Node) bool {
	for _, p := range progsIn(n) {
		switch p {
		case "curl", "wget", "fetch", "nc", "ncat", "netcat", "socat", "aria2c", "lynx", "links", "ftp", "tftp", "scp", "rsync":
			return true
		}
	}
	return false
}

func interpreter(p string) bool {
	switch p {
	case "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "python", "python2", "python3", "perl", "ruby", "php", "node", "lua", "source", ".":
		return true
	}
	return strings.HasPrefix(p, "python3.")
}

func hasInterpreter(n syntax.Node) bool {
	for _, p := range progsIn(n) {
		if interpreter(p) {
			return true
		}
	}
	return false
}

// wordFetches says whether a word's substitutions download something.
func wordFetches(w *syntax.Word) bool {
	return w != nil && hasDownloader(w)
}

// fedScript judges a heredoc or here-string fed to an interpreter
// ("bash <<EOF … EOF") as the shell text it is.
func (j *shellJudge) fedScript(st *syntax.Stmt, depth int) {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 {
		return
	}
	progs := progsIn(call)
	if len(progs) == 0 || !interpreter(progs[len(progs)-1]) {
		return
	}
	for _, r := range st.Redirs {
		var w *syntax.Word
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			w = r.Hdoc
		case syntax.WordHdoc:
			w = r.Word
		default:
			continue
		}
		if w == nil {
			continue
		}
		if text, ok := staticWord(w); ok {
			j.text(text, depth+1)
		} else if mentionsProtected(w, j.p) {
			j.crit("a script computed at run time names a protected unit")
		}
	}
}

// pipedScript judges what is piped into an interpreter: the text of an
// echo whose arguments are static is judged as the shell text it is;
// other text naming a protected unit is critical.
func (j *shellJudge) pipedScript(st *syntax.Stmt, depth int) {
	x := st.Cmd
	if call, ok := x.(*syntax.CallExpr); ok && len(call.Args) > 1 {
		if p, ok := staticWord(call.Args[0]); ok && path.Base(p) == "echo" {
			var parts []string
			all := true
			for _, w := range call.Args[1:] {
				s, ok := staticWord(w)
				if !ok {
					all = false
					break
				}
				parts = append(parts, s)
			}
			if all {
				j.text(strings.Join(parts, " "), depth+1)
				return
			}
		}
	}
	if mentionsProtected(st, j.p) {
		j.crit("text naming a protected unit is piped into an interpreter")
	}
}

// firstWord is a command's first written-out argument that is no option.
func firstWord(args []arg) string {
	for _, a := range args {
		if a.static && a.s != "" && a.s[0] != '-' {
			return a.s
		}
	}
	return ""
}

package hosts

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
)

// SandboxManager is the systemd instance a host's sandboxed commands are
// started through.
type SandboxManager string

const (
	// SandboxNone: the host offers nothing to confine a command with.
	SandboxNone SandboxManager = ""
	// SandboxSystem: the system manager, reached as root (a root login,
	// or sudo -n by the host's sudo policy); the unit runs as the login
	// user, never root.
	SandboxSystem SandboxManager = "system"
	// SandboxUser: the login user's own manager (systemd-run --user), its
	// namespaces built inside a user namespace (PrivateUsers=yes).
	SandboxUser SandboxManager = "user"
)

// MinSandboxSystemd is the oldest systemd whose systemd-run takes every
// property of the unit (ProtectKernelLogs= came in 244).
const MinSandboxSystemd = 244

// RemoteSandbox is what a host offers to confine a command a model chose
// (see SandboxCommand), as one probe found it. Manager is SandboxNone
// with Why saying what is missing when it offers nothing.
type RemoteSandbox struct {
	Manager SandboxManager
	Why     string // why nothing is offered, in words ("has no systemd-run")
	Sudo    bool   // the system manager is reached through sudo -n
	Root    bool   // the login is root: the unit runs as a throwaway user
	UID     uint32 // the login user's
	Home    string // the login user's home, checked (see safeUnitPath)
	Bash    string // bash's absolute path there
	Run     string // systemd-run's absolute path there
	Systemd int    // systemd's version
}

// Offered says whether the host can confine a command.
func (s RemoteSandbox) Offered() bool { return s.Manager != SandboxNone }

// sandboxProbeTimeout bounds the probe: a handful of tiny programs.
const sandboxProbeTimeout = 15 * time.Second

// maxProbeOutput bounds the probe's answer; a longer one is refused.
const maxProbeOutput = 4096

// sandboxProbeScript asks the host, in one POSIX sh run, what it offers:
// one KEY=value line each, "end=ok" last. Every value is checked by
// parseSandboxProbe; none is ever run or put into a command unchecked.
const sandboxProbeScript = `printf 'uid=%s\n' "$(id -u 2>/dev/null)"
printf 'home=%s\n' "$HOME"
printf 'bash=%s\n' "$(command -v bash 2>/dev/null)"
printf 'run=%s\n' "$(command -v systemd-run 2>/dev/null)"
printf 'version=%s\n' "$(systemd-run --version 2>/dev/null | head -n 1)"
printf 'system=%s\n' "$(systemctl is-system-running 2>/dev/null </dev/null)"
printf 'user=%s\n' "$(systemctl --user is-system-running 2>/dev/null </dev/null)"
printf 'userns=%s\n' "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)"
printf 'userns_clone=%s\n' "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null)"
printf 'apparmor_userns=%s\n' "$(cat /proc/sys/kernel/apparmor_restrict_unprivileged_userns 2>/dev/null)"
`

// sandboxSudoProbe is added when the host's sudo policy lets commands
// run as root: whether sudo -n works without a password. A host whose
// policy is never is not asked (a failed sudo is logged there).
const sandboxSudoProbe = `if sudo -n true </dev/null >/dev/null 2>&1; then echo sudo=yes; else echo sudo=no; fi
`

// sandboxProbeCommand is the probe as an argument list.
func sandboxProbeCommand(withSudo bool) Command {
	script := sandboxProbeScript
	if withSudo {
		script += sandboxSudoProbe
	}
	return Command{Argv: []string{"sh", "-c", script + "echo end=ok\n"}}
}

// probeFacts are the probe's answers, each one checked.
type probeFacts struct {
	uid            uint32
	home           string // "" when it is no path a unit may name
	bash, run      string
	version        int
	system, user   string // is-system-running's answer; "" none
	userns         int
	usernsClone    string // "", "0" or "1"
	apparmorUserns string // "", "0" or "1"
	sudo           bool
}

// managerState: what systemctl is-system-running may print.
func managerState(s string) bool {
	switch s {
	case "initializing", "starting", "running", "degraded", "maintenance", "stopping", "offline", "unknown":
		return true
	}
	return false
}

// parseSandboxProbe reads the probe's answer strictly: a known key on
// each line, once, every value of its expected shape, "end=ok" last, and
// nothing else. Anything else is an error: a hostile host may print
// anything, and nothing it prints may reach a command unchecked.
func parseSandboxProbe(out string, withSudo bool) (probeFacts, error) {
	var f probeFacts
	if len(out) > maxProbeOutput {
		return f, fmt.Errorf("the answer is longer than %d bytes", maxProbeOutput)
	}
	want := []string{"uid", "home", "bash", "run", "version", "system", "user", "userns", "userns_clone", "apparmor_userns"}
	if withSudo {
		want = append(want, "sudo")
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want)+1 || lines[len(lines)-1] != "end=ok" {
		return f, errors.New("the answer does not have the lines asked for")
	}
	for i, key := range want {
		k, v, ok := strings.Cut(lines[i], "=")
		if !ok || k != key {
			return f, fmt.Errorf("line %d is not %s=…", i+1, key)
		}
		if err := f.set(k, v); err != nil {
			return f, fmt.Errorf("%s: %w", k, err)
		}
	}
	return f, nil
}

func (f *probeFacts) set(k, v string) error {
	var err error
	switch k {
	case "uid":
		var n uint64
		if n, err = strconv.ParseUint(v, 10, 32); err != nil || !isDigits(v) {
			return errors.New("not a user id")
		}
		f.uid = uint32(n)
	case "home":
		if safeUnitPath(v) {
			f.home = v
		}
	case "bash", "run":
		if v != "" && !safeUnitPath(v) {
			return errors.New("not a plain absolute path")
		}
		if k == "bash" {
			f.bash = v
		} else {
			f.run = v
		}
	case "version":
		f.version, err = systemdVersion(v)
	case "system", "user":
		if v != "" && !managerState(v) {
			return errors.New("not a state systemctl prints")
		}
		if k == "system" {
			f.system = v
		} else {
			f.user = v
		}
	case "userns":
		if v != "" {
			if f.userns, err = strconv.Atoi(v); err != nil || !isDigits(v) || len(v) > 10 {
				return errors.New("not a count")
			}
		}
	case "userns_clone", "apparmor_userns":
		if v != "" && v != "0" && v != "1" {
			return errors.New("not 0 or 1")
		}
		if k == "userns_clone" {
			f.usernsClone = v
		} else {
			f.apparmorUserns = v
		}
	case "sudo":
		if v != "yes" && v != "no" {
			return errors.New("not yes or no")
		}
		f.sudo = v == "yes"
	}
	return err
}

// systemdVersion reads "systemd 252 (252.38-1~deb12u1)"; "" is 0.
func systemdVersion(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(v, "systemd ")
	if !ok || len(v) > 200 {
		return 0, errors.New("not systemd-run's version line")
	}
	num, _, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(num)
	if err != nil || !isDigits(num) || len(num) > 5 {
		return 0, errors.New("not a version number")
	}
	return n, nil
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

// safeUnitPath: an absolute, clean path of at most 255 bytes made only of
// letters, digits and . _ - + @ /, so it means the same to the shell, to
// systemd-run's word splitting and to systemd's specifier and variable
// expansion (no space, quote, backslash, % or $).
func safeUnitPath(p string) bool {
	if p == "" || len(p) > 255 || p[0] != '/' || path.Clean(p) != p {
		return false
	}
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("._-+@/", r):
		default:
			return false
		}
	}
	return true
}

// managerUp: a manager that answers and runs units.
func managerUp(state string) bool { return state == "running" || state == "degraded" }

// decideSandbox picks how the host confines a command from the probe's
// facts: the system manager as root (a root login, else sudo -n when the
// host's policy allows it and it works), else the login user's manager
// when unprivileged user namespaces let it build the sandbox; else
// nothing, saying what is missing.
func decideSandbox(f probeFacts) RemoteSandbox {
	s := RemoteSandbox{UID: f.uid, Home: f.home, Bash: f.bash, Run: f.run, Systemd: f.version}
	none := func(why string) RemoteSandbox {
		return RemoteSandbox{Why: why, UID: f.uid, Home: f.home, Bash: f.bash, Run: f.run, Systemd: f.version}
	}
	switch {
	case f.run == "":
		return none("has no systemd-run to confine it")
	case f.bash == "":
		return none("has no bash, the shell the command was checked in")
	case f.home == "":
		return none("gives a home directory a sandbox cannot name")
	case f.version < MinSandboxSystemd:
		return none(fmt.Sprintf("has systemd %d, older than the %d whose systemd-run applies every sandbox setting", f.version, MinSandboxSystemd))
	}
	userns := f.userns > 0 && f.usernsClone != "0" && f.apparmorUserns != "1"
	switch {
	case managerUp(f.system) && f.uid == 0:
		s.Manager, s.Root = SandboxSystem, true
	case managerUp(f.system) && f.sudo:
		s.Manager, s.Sudo = SandboxSystem, true
	case f.uid == 0 && managerUp(f.user):
		return none("logs in as root, and only root's own manager runs there, which would confine it as root")
	case managerUp(f.user) && userns:
		s.Manager = SandboxUser
	case managerUp(f.user):
		return none("lets no unprivileged user namespace be made, which its user manager needs to confine it")
	case managerUp(f.system):
		return none("runs systemd-run's system manager only as root, and the login is neither root nor allowed sudo")
	default:
		return none("has no running systemd manager to confine it")
	}
	return s
}

// sandboxCache keeps what a host offers for the life of its transport:
// asked once, on first need. A probe that could not reach the host is
// not kept; an answer is, whatever it said.
type sandboxCache struct {
	mu      sync.Mutex
	done    bool
	val     RemoteSandbox
	failed  error     // the last probe's error, kept until retryAt
	retryAt time.Time // when a host that could not be asked is asked again
}

// sandboxRetry is how long a host that could not be asked (a timeout, a
// lost connection) is not asked again: every command meanwhile asks the
// person at once instead of waiting for the probe's time limit.
const sandboxRetry = time.Minute

func (c *sandboxCache) get(ctx context.Context, t Transport, withSudo bool) (RemoteSandbox, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return c.val, nil
	}
	if c.failed != nil && time.Now().Before(c.retryAt) {
		return RemoteSandbox{}, c.failed
	}
	s, err := probeSandbox(ctx, t, withSudo)
	if err != nil {
		c.failed, c.retryAt = err, time.Now().Add(sandboxRetry)
		return s, err
	}
	c.val, c.done, c.failed = s, true, nil
	return s, nil
}

// probeSandbox asks t's host, in one round trip, what it offers. The
// error is for a host that could not be asked; a host that answered
// with something unreadable offers nothing.
func probeSandbox(ctx context.Context, t Transport, withSudo bool) (RemoteSandbox, error) {
	out, err := t.Run(ctx, sandboxProbeCommand(withSudo), sandboxProbeTimeout)
	if err != nil {
		return RemoteSandbox{}, fmt.Errorf("%s: ask what it offers to confine a command: %w", t.Name(), err)
	}
	if out.TimedOut || out.Canceled {
		return RemoteSandbox{}, fmt.Errorf("%s: asking what it offers to confine a command took too long", t.Name())
	}
	if out.ExitCode != 0 || out.Truncated {
		return RemoteSandbox{Why: "did not answer the sandbox probe"}, nil
	}
	f, err := parseSandboxProbe(out.Stdout, withSudo)
	if err != nil {
		return RemoteSandbox{Why: "gave an unreadable answer to the sandbox probe (" + err.Error() + ")"}, nil
	}
	return decideSandbox(f), nil
}

// Sandbox is what the host offers to confine a command a model chose,
// probed on first use and kept while the transport lives. sudo -n is
// tried only when the host's sudo policy lets commands run as root.
func (h *SSHHost) Sandbox(ctx context.Context) (RemoteSandbox, error) {
	return h.sandbox.get(ctx, h, h.Sudo == config.SudoAsk)
}

// ProbeSandbox is what t's host offers to confine a command: the kept
// answer of a transport that keeps one (SSHHost), else a probe now,
// without sudo.
func ProbeSandbox(ctx context.Context, t Transport) (RemoteSandbox, error) {
	if s, ok := t.(interface {
		Sandbox(context.Context) (RemoteSandbox, error)
	}); ok {
		return s.Sandbox(ctx)
	}
	return probeSandbox(ctx, t, false)
}

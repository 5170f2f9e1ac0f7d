package hosts

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// UnitProperty is one setting of the transient unit a sandboxed command
// runs in on another host (systemd.exec(5)).
type UnitProperty struct {
	Assignment string // as systemd-run -p takes it
	// UserManager: a user manager (systemd-run --user) applies it too,
	// inside the user namespace PrivateUsers=yes makes. The others are
	// for the system manager only.
	UserManager bool
	Why         string // what it keeps the command from, for the docs
}

// SandboxProperties are the unit's fixed settings, in the order they are
// passed; SandboxCommand adds the ones that depend on the host and the
// command (see SandboxComputed). The README lists both.
var SandboxProperties = []UnitProperty{
	{"ProtectSystem=strict", true, "the whole file system is read-only"},
	{"ProtectHome=read-only", true, "/home, /root and /run/user are read-only"},
	{"PrivateTmp=yes", true, "/tmp and /var/tmp are private, empty and thrown away"},
	{"PrivateDevices=yes", true, "no devices but the pseudo ones (null, zero, random, tty)"},
	{"PrivateNetwork=yes", true, "no network, DNS included: a loopback of its own only"},
	{"NoNewPrivileges=yes", true, "setuid programs (sudo, su) gain nothing"},
	{"RestrictAddressFamilies=AF_INET AF_INET6", true, "no Unix sockets to the host's daemons (D-Bus, Docker, an ssh-agent); with PrivateNetwork the internet ones reach nothing"},
	{"RestrictNamespaces=yes", true, "no new namespaces"},
	{"LockPersonality=yes", true, "no change of execution domain"},
	{"ProtectKernelTunables=yes", true, "/proc/sys and /sys are read-only"},
	{"ProtectKernelModules=yes", true, "no kernel modules loaded"},
	{"ProtectKernelLogs=yes", true, "no kernel log"},
	// A user manager refuses it (systemd.exec(5): system services only).
	{"ProtectControlGroups=yes", false, "the control groups are read-only"},
	{"SystemCallFilter=~@clock @debug @module @mount @obsolete @privileged @raw-io @reboot @swap", true,
		"no clock setting, ptrace, module loading, mounts, privileged or obsolete calls, raw I/O, reboot or swap"},
	// A temporary file system is a namespace setting systemd will not
	// skip: without it, a manager that cannot build the mount namespace
	// runs the unit unconfined, saying so only at debug level ("assuming
	// containerized execution"); with it, the unit fails instead.
	{"TemporaryFileSystem=/run/user:ro", true, "the login sessions' sockets are hidden, and a host that cannot build the mount namespace fails the command instead of running it unconfined"},
	{"WorkingDirectory=-~", true, "it starts in the home directory, as a command over SSH does"},
}

// SandboxComputed describes the settings SandboxCommand adds per host and
// command, for the docs.
var SandboxComputed = []UnitProperty{
	{"User=<the login user> (--uid)", false, "the command runs as the login user, never as root; a root login's runs as a throwaway user (DynamicUser=yes)"},
	{"PrivateUsers=yes", true, "a user manager builds the sandbox inside a user namespace (unprivileged user namespaces needed)"},
	{"InaccessiblePaths=-~/.ssh -~/.aws …", true, "the credentials in the login's home cannot be read, even through a link"},
	{"RuntimeMaxSec=<the command's time limit>", true, "the unit is stopped when its time is up, even if the SSH session went first"},
}

// SandboxCredentialPaths are the credential stores under the login
// user's home the unit cannot reach (each one secretpath knows as such);
// a missing one is skipped.
var SandboxCredentialPaths = []string{
	".ssh", ".aws", ".azure", ".config/gcloud", ".kube", ".docker", ".config/gh", ".gnupg", ".password-store",
	".netrc", ".git-credentials", ".pgpass", ".vault-token", ".macroa",
}

// sandboxGrace is how much longer than the unit's own limit the SSH
// session may take: systemd stops the command first and its output
// still comes back.
const sandboxGrace = 5 * time.Second

// SandboxTimeout is the time limit a transport gives a command built by
// SandboxCommand with limit: a little over the unit's own.
func SandboxTimeout(limit time.Duration) time.Duration { return limit + sandboxGrace }

// SandboxCommand wraps script (shell text, run by bash -c) in a transient
// systemd unit on a host that offers one (s, from ProbeSandbox):
//
//	systemd-run --pipe --wait --quiet --collect [--user | --uid=N] -p … -- BASH -c SCRIPT
//
// with SandboxProperties, the credential paths made inaccessible and the
// unit stopped after limit. The unit runs as the login user, never root:
// through the system manager with --uid (or, for a root login, as a
// throwaway DynamicUser), else through the user's own manager. Command.Root
// is set for the system manager, so the transport applies the host's sudo
// policy (ApplySudo) to systemd-run itself. Every word is still quoted by
// RemoteLine when the transport sends it.
func SandboxCommand(s RemoteSandbox, script string, limit time.Duration) (Command, error) {
	if !s.Offered() {
		return Command{}, errors.New("the host offers no sandbox")
	}
	if !safeUnitPath(s.Run) || !safeUnitPath(s.Bash) || !safeUnitPath(s.Home) {
		return Command{}, errors.New("the host's sandbox probe gave no usable paths")
	}
	if !utf8.ValidString(script) || strings.IndexByte(script, 0) >= 0 {
		return Command{}, errors.New("the command is not valid UTF-8 text, which systemd-run cannot carry")
	}
	if limit <= 0 {
		return Command{}, errors.New("a sandboxed command needs a time limit")
	}
	argv := []string{s.Run, "--pipe", "--wait", "--quiet", "--collect"}
	user := s.Manager == SandboxUser
	switch {
	case user:
		argv = append(argv, "--user", "-p", "PrivateUsers=yes")
	case s.Root:
		argv = append(argv, "-p", "DynamicUser=yes")
	case s.UID == 0:
		return Command{}, errors.New("a sandboxed command never runs as root")
	default:
		argv = append(argv, "--uid="+strconv.FormatUint(uint64(s.UID), 10))
	}
	for _, p := range SandboxProperties {
		if p.UserManager || !user {
			argv = append(argv, "-p", p.Assignment)
		}
	}
	hidden := make([]string, len(SandboxCredentialPaths))
	for i, c := range SandboxCredentialPaths {
		hidden[i] = "-" + strings.TrimSuffix(s.Home, "/") + "/" + c
	}
	secs := int64((limit + time.Second - 1) / time.Second)
	argv = append(argv, "-p", "InaccessiblePaths="+strings.Join(hidden, " "),
		"-p", fmt.Sprintf("RuntimeMaxSec=%d", secs),
		"--", s.Bash, "-c", unitArg(script))
	return Command{Argv: argv, Root: s.Manager == SandboxSystem}, nil
}

// unitArg keeps systemd from expanding variables in a command's argument:
// it reads "$NAME" and "${NAME}" in ExecStart as its own environment,
// "$$" as one "$". An argument that starts with "$" gets a leading space
// (bash ignores it), since older systemd reads such a whole argument as
// one variable's name.
func unitArg(s string) string {
	s = strings.ReplaceAll(s, "$", "$$")
	if strings.HasPrefix(s, "$") {
		s = " " + s
	}
	return s
}

package actions

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
)

// Action is one proposed action: its kind, the host it is for ("" is this
// machine) and its parameters, whose type must match the kind.
type Action struct {
	Kind   Kind
	Host   string
	Params Params
}

// Target is what an action touches, for the gate, the queue and the pane.
type Target struct {
	Host      string // "" for this machine
	Unit      string // the unit as written, with its suffix: "sshd.socket"
	Canonical string // the unit's canonical name without suffix: "ssh"; "" when there is no unit
	Path      string // the file, for file.write
}

// Check is how to verify that an action worked: run Argv; it worked when
// the command exits 0 and, if Want is set, its first line of output is
// Want.
type Check struct {
	Argv []string
	Want string
}

// Validate checks the kind, the host and every parameter: unit names by
// systemd's rules, paths absolute and clean, counts in range, no NUL or
// control characters.
func (a Action) Validate() error {
	if _, ok := Lookup(a.Kind); !ok {
		return fmt.Errorf("%q is not a known kind of action", a.Kind)
	}
	if err := checkHost(a.Host); err != nil {
		return err
	}
	if a.Params == nil {
		return fmt.Errorf("the %s action has no parameters", a.Kind)
	}
	if err := a.Params.validate(a.Kind); err != nil {
		return fmt.Errorf("%s: %w", a.Kind, err)
	}
	return nil
}

func checkHost(h string) error {
	if h == "" {
		return nil
	}
	if len(h) > 253 {
		return fmt.Errorf("the host name is longer than 253 bytes")
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-' && i > 0) {
			return fmt.Errorf("the host name %q holds %q", h, string(rune(c)))
		}
	}
	return nil
}

// Target returns what the action touches. Call it on a valid action; an
// invalid unit leaves Canonical empty.
func (a Action) Target() Target {
	t := Target{Host: a.Host}
	unit := ""
	switch p := a.Params.(type) {
	case Service:
		unit = p.Unit
	case Journal:
		unit = p.Unit
	case File:
		t.Path = p.Path
	case Read:
		t.Path = p.Path
	}
	if unit != "" {
		t.Unit = unit
		if u, err := CanonicalUnit(unit); err == nil {
			t.Unit, t.Canonical = u.String(), u.Name()
			if pu, err := ParseUnit(unit); err == nil {
				t.Unit = pu.String()
			}
		}
	}
	return t
}

// Stdin is what the run command reads on its standard input: a file's new
// content for file.write, "" for every other kind.
func (a Action) Stdin() string {
	if p, ok := a.Params.(File); ok {
		return p.Content
	}
	return ""
}

// Argv is the argument list that carries the action out, nil for an
// invalid action. It is never a shell string; command.run's text is the
// one argument of bash -c, judged by the gate before it may run.
func (a Action) Argv() []string {
	if a.Validate() != nil {
		return nil
	}
	switch p := a.Params.(type) {
	case Service:
		u := fullUnit(p.Unit)
		switch a.Kind {
		case ServiceStatus:
			return []string{"systemctl", "status", "--no-pager", "--", u}
		case ServiceStart:
			return []string{"systemctl", "start", "--", u}
		case ServiceRestart:
			return []string{"systemctl", "restart", "--", u}
		case ServiceStop:
			return []string{"systemctl", "stop", "--", u}
		}
	case Journal:
		argv := []string{"journalctl", "--no-pager", "-o", "short-iso", "-n", strconv.Itoa(p.Lines)}
		if p.Unit != "" {
			argv = append(argv, "-u", fullUnit(p.Unit))
		}
		return argv
	case Cleanup:
		switch p.Set {
		case PackageCache:
			if p.Manager == "dnf" {
				return []string{"dnf", "clean", "packages"}
			}
			return []string{"apt-get", "clean"}
		case OldJournals:
			return []string{"journalctl", "--vacuum-time=" + strconv.Itoa(p.Days) + "d"}
		case TempFiles:
			return []string{"find", "/tmp", "/var/tmp", "-xdev", "-mindepth", "1", "-type", "f", "-mtime", "+" + strconv.Itoa(p.Days), "-delete"}
		}
	case Diagnostic:
		return diagnosticArgv(p.Name)
	case File:
		// tee writes its input to the file; the executor discards what
		// it echoes. Mode is applied by the executor after the backup.
		return []string{"tee", "--", p.Path}
	case Package:
		if p.Manager == "dnf" {
			return append([]string{"dnf", "upgrade", "-y", "--"}, p.Packages...)
		}
		if len(p.Packages) == 0 {
			return []string{"apt-get", "upgrade", "-y"}
		}
		return append([]string{"apt-get", "install", "--only-upgrade", "-y", "--"}, p.Packages...)
	case Reboot:
		return []string{"systemctl", "reboot"}
	case Command:
		return []string{"bash", "--noprofile", "--norc", "-c", p.Shell}
	case Read:
		return []string{"cat", "--", p.Path}
	}
	return nil
}

// Check says how to verify the action worked; a zero Check when there is
// nothing to verify (a read-only action, free shell text).
func (a Action) Check() Check {
	if a.Validate() != nil {
		return Check{}
	}
	switch p := a.Params.(type) {
	case Service:
		u := fullUnit(p.Unit)
		switch a.Kind {
		case ServiceStart, ServiceRestart:
			return Check{Argv: []string{"systemctl", "is-active", "--", u}, Want: "active"}
		case ServiceStop:
			return Check{Argv: []string{"systemctl", "is-active", "--", u}, Want: "inactive"}
		}
	case Cleanup:
		return Check{Argv: []string{"df", "-P", "--", "/"}}
	case File:
		sum := sha256.Sum256([]byte(p.Content))
		return Check{Argv: []string{"sha256sum", "--", p.Path}, Want: hex.EncodeToString(sum[:]) + "  " + p.Path}
	case Package:
		if p.Manager == "dnf" {
			return Check{Argv: []string{"dnf", "check"}}
		}
		return Check{Argv: []string{"dpkg", "--audit"}}
	case Reboot:
		// The executor compares the boot time before and after.
		return Check{Argv: []string{"uptime", "-s"}}
	}
	return Check{}
}

// UndoArgv is the argument list that reverses the action, nil where there
// is none: stopping a started unit, starting a stopped one, restoring a
// written file's backup (or removing a file that did not exist).
// Restarts, cleanups, upgrades, reboots and shell text have no undo.
func (a Action) UndoArgv() []string {
	if a.Validate() != nil {
		return nil
	}
	switch p := a.Params.(type) {
	case Service:
		switch a.Kind {
		case ServiceStart:
			return []string{"systemctl", "stop", "--", fullUnit(p.Unit)}
		case ServiceStop:
			return []string{"systemctl", "start", "--", fullUnit(p.Unit)}
		}
	case File:
		if p.Backup != "" {
			return []string{"cp", "-p", "--", p.Backup, p.Path}
		}
		if !p.Existed {
			return []string{"rm", "-f", "--", p.Path}
		}
	}
	return nil
}

func fullUnit(s string) string {
	u, err := ParseUnit(s)
	if err != nil {
		return s
	}
	return u.String()
}

// Diagnostics lists the names diagnostic.run accepts.
func Diagnostics() []string {
	return []string{"df", "free", "uptime", "listening", "failed-units", "boot-errors", "memory-top", "load"}
}

func diagnosticArgv(name string) []string {
	switch name {
	case "df":
		return []string{"df", "-hP"}
	case "free":
		return []string{"free", "-h"}
	case "uptime":
		return []string{"uptime"}
	case "listening":
		return []string{"ss", "-tlnp"}
	case "failed-units":
		return []string{"systemctl", "--failed", "--no-pager"}
	case "boot-errors":
		return []string{"journalctl", "-p", "err", "-b", "--no-pager", "-n", "500"}
	case "memory-top":
		return []string{"ps", "-eo", "pid,comm,%mem,rss", "--sort=-rss"}
	case "load":
		return []string{"cat", "/proc/loadavg"}
	}
	return nil
}

// Summary is the action in one line of words for a person: the unit, path
// or command it touches. Free text in it is the proposer's: front ends
// clean it before printing, like everything else.
func (a Action) Summary() string {
	where := ""
	if a.Host != "" {
		where = " on " + a.Host
	}
	switch p := a.Params.(type) {
	case Service:
		verb := map[Kind]string{ServiceStatus: "status of", ServiceStart: "start", ServiceRestart: "restart", ServiceStop: "stop"}[a.Kind]
		return verb + " " + fullUnit(p.Unit) + where
	case Journal:
		if p.Unit != "" {
			return fmt.Sprintf("last %d journal lines of %s%s", p.Lines, fullUnit(p.Unit), where)
		}
		return fmt.Sprintf("last %d journal lines%s", p.Lines, where)
	case Cleanup:
		if p.Set == PackageCache {
			return "clean the package cache" + where
		}
		return fmt.Sprintf("clean up %s older than %d days%s", p.Set, p.Days, where)
	case Diagnostic:
		return "diagnostic " + p.Name + where
	case File:
		return fmt.Sprintf("write %s (%d bytes)%s", p.Path, len(p.Content), where)
	case Package:
		if len(p.Packages) == 0 {
			return "upgrade every package (" + p.Manager + ")" + where
		}
		return fmt.Sprintf("upgrade %v (%s)%s", p.Packages, p.Manager, where)
	case Read:
		return "read " + p.Path + where
	case Reboot:
		return "reboot" + where
	case Command:
		return p.Shell + where
	case Memory:
		if a.Kind == MemoryForget {
			return "forget " + p.Key
		}
		return "remember " + p.Key + " = " + p.Value
	}
	return string(a.Kind) + where
}

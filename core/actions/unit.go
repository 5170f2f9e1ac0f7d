package actions

import (
	"errors"
	"fmt"
	"strings"
)

// Unit is a systemd unit name taken apart and put into canonical form.
//
// Unit names are case-sensitive, as systemd reads them: SSH.service and
// ssh.service are different units, and Canonical keeps the case it was
// given. The policy gate compares protected names without regard to case,
// so a look-alike in other letters is still treated as protected: that
// costs a question, never a lost machine.
type Unit struct {
	Prefix   string // the name before any "@": "ssh", "getty"
	Instance string // the instance of a template ("tty1"); "" for none
	Template bool   // the name has an "@" (a template or one of its instances)
	Type     string // the suffix without its dot: "service" when none was given
}

// unitTypes are the suffixes systemd knows.
func knownType(t string) bool {
	switch t {
	case "service", "socket", "target", "timer", "mount", "automount", "swap", "path", "slice", "scope", "device":
		return true
	}
	return false
}

// Name is the canonical name without its suffix: "ssh", "getty@tty1",
// "getty@" for a bare template.
func (u Unit) Name() string {
	if !u.Template {
		return u.Prefix
	}
	return u.Prefix + "@" + u.Instance
}

// String is the full unit name: "ssh.service", "getty@tty1.service".
func (u Unit) String() string { return u.Name() + "." + u.Type }

// unitMax is systemd's UNIT_NAME_MAX less its terminating NUL.
const unitMax = 255

// ParseUnit checks s against systemd's rules for unit names and takes it
// apart, without resolving aliases: at most 255 bytes of ASCII letters,
// digits and ":-_.\", at most one "@" (a template "name@.type" or an
// instance "name@inst.type"), a non-empty prefix, and a known suffix when
// one is given (none means .service, as systemctl assumes).
func ParseUnit(s string) (Unit, error) {
	if s == "" {
		return Unit{}, errors.New("the unit name is empty")
	}
	if len(s) > unitMax {
		return Unit{}, fmt.Errorf("the unit name is longer than %d bytes", unitMax)
	}
	if err := checkText("unit name", s); err != nil {
		return Unit{}, err
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":-_.\\@", c) >= 0) {
			return Unit{}, fmt.Errorf("the unit name %q holds %q, which systemd does not allow", s, string(rune(c)))
		}
	}
	u := Unit{Type: "service"}
	base := s
	if dot := strings.LastIndexByte(s, '.'); dot >= 0 && knownType(s[dot+1:]) {
		u.Type, base = s[dot+1:], s[:dot]
	}
	if strings.Count(base, "@") > 1 {
		return Unit{}, fmt.Errorf("the unit name %q has more than one @", s)
	}
	if at := strings.IndexByte(base, '@'); at >= 0 {
		u.Template, u.Prefix, u.Instance = true, base[:at], base[at+1:]
	} else {
		u.Prefix = base
	}
	if u.Prefix == "" {
		return Unit{}, fmt.Errorf("the unit name %q has nothing before its suffix", s)
	}
	if strings.HasPrefix(s, "-") && s != "-.mount" && s != "-.slice" {
		return Unit{}, fmt.Errorf("the unit name %q starts with a dash and would be read as an option", s)
	}
	return u, nil
}

// CanonicalUnit is ParseUnit with well-known aliases resolved, so that a
// protection check sees one name whatever a proposer wrote: sshd,
// openssh, openssh-server and openssh-daemon are "ssh" (Debian calls the
// unit ssh.service with sshd.service as its alias, Red Hat the other way
// round), network-manager is NetworkManager, messagebus and dbus-broker
// are dbus, and init is systemd. The suffix is kept (sshd.socket becomes
// ssh.socket): the gate protects a unit whatever its type.
func CanonicalUnit(s string) (Unit, error) {
	u, err := ParseUnit(s)
	if err != nil {
		return u, err
	}
	// A template's instances alias too: sshd@<connection>.service is
	// Red Hat's and Arch's per-connection unit, ssh@ Debian's.
	u.Prefix = canonicalPrefix(u.Prefix)
	return u, nil
}

func canonicalPrefix(p string) string {
	switch p {
	case "sshd", "openssh", "openssh-server", "openssh-daemon", "ssh-server":
		return "ssh"
	case "network-manager", "networkmanager":
		return "NetworkManager"
	case "messagebus", "dbus-broker", "dbus-daemon":
		return "dbus"
	case "init":
		return "systemd"
	}
	return p
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// unitName is the systemd unit's file name.
const unitName = "macroa.service"

// systemUnitDir is where a system unit goes.
const systemUnitDir = "/etc/systemd/system"

// The limits the unit sets: the daemon itself needs little; the tasks it
// runs share them, so a runaway one cannot take the machine.
const (
	unitMemoryMax = "1G"
	unitCPUQuota  = "100%"
)

// unitFile is an installed (or to be installed) unit: where, and for whom.
type unitFile struct {
	Path  string `json:"path"`
	Scope string `json:"scope"` // user or system
	// Live is whether systemd runs it: enabled or active (see serviceLive).
	Live bool `json:"live"`
}

func (u unitFile) systemctl() string {
	if u.Scope == "user" {
		return "systemctl --user"
	}
	return "sudo systemctl"
}

func (u unitFile) enableCommand() string {
	return u.systemctl() + " daemon-reload && " + u.systemctl() + " enable --now macroa"
}

func (u unitFile) disableCommand() string { return u.systemctl() + " disable --now macroa" }

// userUnitDir is where systemd reads a user's units: $XDG_CONFIG_HOME,
// else ~/.config.
func userUnitDir() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "systemd", "user"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home directory: %w", err)
	}
	return filepath.Join(home, ".config", "systemd", "user"), nil
}

// installedUnit is the unit file installed for this user, or for the
// system; the zero value when there is none.
func installedUnit() unitFile {
	if dir, err := userUnitDir(); err == nil {
		if p := filepath.Join(dir, unitName); fileExists(p) {
			return unitFile{Path: p, Scope: "user"}
		}
	}
	if p := filepath.Join(systemUnitDir, unitName); fileExists(p) {
		return unitFile{Path: p, Scope: "system"}
	}
	return unitFile{}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// unitSpec is what the unit says.
type unitSpec struct {
	User     bool     // a user unit, else a system one
	RunAs    string   // a system unit's User=
	Exe      string   // the binary, absolute
	DataHome string   // MACROA_HOME, written when set
	Writable []string // ReadWritePaths=: the data dir, the home, the log's dir
}

// renderUnit writes the unit. The daemon runs hardened: no new privileges
// (sudo in a task fails rather than asks), the system read-only but for
// the data dir and the home directory the tasks act on, its own /tmp, and
// bounded memory and CPU. ProtectHome is not set: the home directory is
// where the tasks and the file skill work, and a data dir there must stay
// writable.
func renderUnit(s unitSpec) (string, error) {
	for _, v := range append([]string{s.Exe, s.DataHome, s.RunAs}, s.Writable...) {
		if strings.ContainsAny(v, "\n\r") {
			return "", fmt.Errorf("%q holds a line break, which a unit file cannot hold", v)
		}
	}
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	edit := "sudo systemctl edit macroa"
	if s.User {
		edit = "systemctl --user edit macroa"
	}
	line("# Written by macroa daemon install. Change it with: %s", edit)
	if s.User {
		// systemd sandboxes a user's service through a user namespace.
		line("# The sandboxing below needs user namespaces; if the service fails with")
		line("# status=226/NAMESPACE, install the system unit instead: sudo macroa daemon install")
	}
	line("[Unit]")
	line("Description=Macroa daemon: runs scheduled tasks")
	line("Documentation=https://github.com/macroa/macroa")
	if !s.User {
		line("Wants=network-online.target")
		line("After=network-online.target")
	}
	line("")
	line("[Service]")
	line("Type=exec")
	line("ExecStart=%s daemon", unitQuote(s.Exe, true))
	if !s.User && s.RunAs != "" {
		line("User=%s", s.RunAs)
	}
	if s.DataHome != "" {
		line("Environment=%s", unitQuote("MACROA_HOME="+s.DataHome, false))
	}
	line("WorkingDirectory=~")
	line("Restart=on-failure")
	line("RestartSec=5s")
	// Runs get the daemon's grace, then the store its time to save them.
	line("TimeoutStopSec=%ds", int((3 * daemonGrace).Seconds()))
	line("UMask=0077")
	line("NoNewPrivileges=yes")
	line("ProtectSystem=strict")
	if len(s.Writable) > 0 {
		quoted := make([]string, len(s.Writable))
		for i, p := range s.Writable {
			quoted[i] = unitQuote("-"+p, false) // "-": a path missing at start is no failure
		}
		line("ReadWritePaths=%s", strings.Join(quoted, " "))
	}
	line("PrivateTmp=yes")
	line("ProtectKernelTunables=yes")
	line("ProtectKernelModules=yes")
	line("ProtectControlGroups=yes")
	line("RestrictSUIDSGID=yes")
	line("LockPersonality=yes")
	line("MemoryMax=%s", unitMemoryMax)
	line("CPUQuota=%s", unitCPUQuota)
	line("")
	line("[Install]")
	if s.User {
		line("WantedBy=default.target")
	} else {
		line("WantedBy=multi-user.target")
	}
	return b.String(), nil
}

// unitQuote quotes a value for a unit file when it needs it: specifiers
// (%) are doubled, a value with spaces, quotes or backslashes is
// double-quoted with C escapes, and in a command line (exec) "$", which
// systemd expands there, is doubled.
func unitQuote(v string, exec bool) string {
	v = strings.ReplaceAll(v, "%", "%%")
	if exec {
		v = strings.ReplaceAll(v, "$", "$$")
	}
	if !strings.ContainsAny(v, " \t\"'\\;") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}

// writablePaths are the directories the daemon writes: the data dir, the
// home directory, the log's directory, each once and none inside another.
func writablePaths(paths ...string) []string {
	var out []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		p = filepath.Clean(p)
		inside := false
		for _, q := range paths {
			if q != "" && filepath.Clean(q) != p && within(p, filepath.Clean(q)) {
				inside = true
			}
		}
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !inside && !dup {
			out = append(out, p)
		}
	}
	return out
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

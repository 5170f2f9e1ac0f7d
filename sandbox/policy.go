package sandbox

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/macroa/macroa/secretpath"
)

// Paths is the allow-list of one sandboxed command, built at spawn time:
// Landlock grants rights on the files that exist when the rules are made.
type Paths struct {
	// RODirs are read (and executed) with everything beneath them.
	RODirs []string
	// ROFiles are single files that may be read and executed.
	ROFiles []string
	// ListDirs may be listed, not read: a directory holding both allowed
	// and secret entries, so `ls ~` works while ~/.ssh/id_rsa stays shut.
	ListDirs []string
	// RWDirs are written: the private temporary directory only.
	RWDirs []string
	// RWFiles are the device files every shell writes to (/dev/null).
	RWFiles []string

	// stamps are the walked directories as they were just before their
	// entries were read (see rulesCache).
	stamps []stamp
}

// systemDirs hold programs and libraries, no secrets. /tmp, /var/tmp and
// /run are left out on purpose: other processes' sockets, Kerberos caches
// and agent sockets live there.
var systemDirs = []string{
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/nix/store",
	"/usr/local", "/snap",
}

// walkedSystem are read entry by entry, minus what secretpath knows.
var walkedSystem = []string{"/etc", "/var/log"}

var readDevices = []string{"/dev/zero", "/dev/urandom", "/dev/random"}
var writeDevices = []string{"/dev/null", "/dev/full"}

// descendHome are directories under $HOME whose entries are judged one by
// one because some of them are credentials (gh, browsers, keyrings), as
// well as every dot-directory directly in $HOME.
var descendHome = []string{".config", ".local", ".local/share", ".var", ".var/app"}

// descendSystem are system directories that mix secret and public files.
var descendSystem = []string{
	"/etc/security", "/etc/ssh", "/etc/ssl", "/etc/pki", "/etc/mysql", "/etc/samba",
	"/etc/ipsec.d", "/etc/NetworkManager",
}

// maxDepth bounds the walk so spawning stays cheap in a large home.
const maxDepth = 4

// AllowList builds the allow-list for a command run as home's owner, with
// tmp its private writable directory, extra the paths config.toml adds to
// the credentials secretpath already knows, and read further directories
// the command may read (its working directory when outside $HOME), each
// judged by secretpath too.
func AllowList(home, tmp string, extra, read []string) Paths {
	w := walker{extra: cleanAll(extra)}
	for _, d := range systemDirs {
		if exists(d) {
			w.p.RODirs = append(w.p.RODirs, d)
		}
	}
	for _, d := range walkedSystem {
		w.walk(d, maxDepth, func(p string) bool { return contains(descendSystem, p) })
	}
	for _, f := range readDevices {
		if exists(f) {
			w.p.ROFiles = append(w.p.ROFiles, f)
		}
	}
	for _, f := range writeDevices {
		if exists(f) {
			w.p.RWFiles = append(w.p.RWFiles, f)
		}
	}
	w.proc()
	if home != "" {
		home = filepath.Clean(home)
		homeDescend := make([]string, len(descendHome))
		for i, d := range descendHome {
			homeDescend[i] = filepath.Join(home, d)
		}
		// Dot-directories are programs' settings, where credential files
		// sit beside ordinary ones (~/.cargo/credentials.toml): their
		// entries are judged one by one too.
		w.walk(home, maxDepth, func(p string) bool {
			return contains(homeDescend, p) || filepath.Dir(p) == home && strings.HasPrefix(filepath.Base(p), ".")
		})
	}
	for _, r := range read {
		r = filepath.Clean(r)
		if r == "" || w.secret(r) || !exists(r) {
			continue
		}
		w.walk(r, maxDepth, func(string) bool { return false })
	}
	if tmp != "" {
		w.p.RWDirs = append(w.p.RWDirs, filepath.Clean(tmp))
	}
	return w.p
}

type walker struct {
	p     Paths
	extra []string
}

// secret says p is a credential, or one config.toml named.
func (w *walker) secret(p string) bool {
	if secretpath.Why(p) != "" {
		return true
	}
	for _, e := range w.extra {
		if p == e || strings.HasPrefix(p, e+"/") {
			return true
		}
	}
	return false
}

// holdsExtra says a configured secret, or a path protected since start
// (secretpath.Protect: a host's identity_file, Macroa's data), lies
// beneath dir, so dir is walked rather than granted whole.
func (w *walker) holdsExtra(dir string) bool {
	for _, e := range w.extra {
		if strings.HasPrefix(e, dir+"/") {
			return true
		}
	}
	low := strings.ToLower(dir) + "/"
	for _, p := range secretpath.Protected() {
		if strings.HasPrefix(p, low) {
			return true
		}
	}
	return false
}

// secretScanBudget bounds how many entries holdsSecret reads below one
// directory: past it the directory is granted whole, as before the scan
// (a tree such as node_modules is not read to the end).
const secretScanBudget = 1500

// holdsSecret says a credential by name (a .env file, a key, a .ssh
// directory) lies somewhere below dir, within depth levels and the
// budget, so dir is walked entry by entry rather than granted whole: a
// project's .env or a backup's .ssh stays shut. The scan goes breadth
// first, so a big tree beside it (.git/objects) does not use up the budget
// before a shallow credential is seen. Every directory it reads is
// stamped, so a credential that appears in one later is seen too.
func (w *walker) holdsSecret(dir string, depth int) bool {
	budget := secretScanBudget
	level := []string{dir}
	for d := depth; d > 0 && len(level) > 0; d-- {
		var next []string
		for _, cur := range level {
			st, ok := stampOf(cur)
			if !ok {
				continue
			}
			entries, err := os.ReadDir(cur)
			if err != nil {
				continue
			}
			w.p.stamps = append(w.p.stamps, st)
			for _, e := range entries {
				if budget--; budget < 0 {
					return false
				}
				p := filepath.Join(cur, e.Name())
				if w.secret(p) {
					return true
				}
				if e.IsDir() {
					next = append(next, p)
				}
			}
		}
		level = next
	}
	return false
}

// walk grants dir's entries one by one, skipping secrets and descending
// into the directories that mix both.
func (w *walker) walk(dir string, depth int, descend func(string) bool) {
	if w.secret(dir) {
		return
	}
	st, ok := stampOf(dir)
	if !ok {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	w.p.ListDirs = append(w.p.ListDirs, dir)
	w.p.stamps = append(w.p.stamps, st)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if w.secret(p) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			// A link is granted as what it points to, and only when that
			// is no secret either.
			t, err := filepath.EvalSymlinks(p)
			if err != nil || w.secret(t) {
				continue
			}
			st, err := os.Stat(t)
			if err != nil {
				continue
			}
			isDir = st.IsDir()
		}
		switch {
		case isDir && depth > 0 && (descend(p) || w.holdsExtra(p) || w.holdsSecret(p, depth)):
			w.walk(p, depth-1, descend)
		case isDir:
			w.p.RODirs = append(w.p.RODirs, p)
		case e.Type().IsRegular() || e.Type()&os.ModeSymlink != 0:
			w.p.ROFiles = append(w.p.ROFiles, p)
		}
	}
}

// proc grants /proc's system-wide files (cpuinfo, meminfo, loadavg, sys)
// but no process directory: another process's environ, memory and open
// files, and the parent's among them, stay shut.
func (w *walker) proc() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == "self" || name == "thread-self" || name == "net" || name == "mounts" || isPID(name) {
			continue
		}
		p := "/proc/" + name
		if w.secret(p) {
			continue
		}
		if e.IsDir() {
			w.p.RODirs = append(w.p.RODirs, p)
		} else if e.Type().IsRegular() {
			w.p.ROFiles = append(w.p.ROFiles, p)
		}
	}
}

func isPID(s string) bool {
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

func cleanAll(ps []string) []string {
	var out []string
	for _, p := range ps {
		if strings.TrimSpace(p) != "" {
			out = append(out, filepath.Clean(p))
		}
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

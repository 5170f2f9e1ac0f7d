package sandbox

import (
	"errors"
	"fmt"

	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// The access rights each kind of allow-list entry gets, before they are
// narrowed to what the kernel's Landlock ABI handles.
const (
	accessRODir   = ll.AccessFSExecute | ll.AccessFSReadFile | ll.AccessFSReadDir
	accessROFile  = ll.AccessFSExecute | ll.AccessFSReadFile
	accessListDir = ll.AccessFSReadDir
	accessRWFile  = ll.AccessFSReadFile | ll.AccessFSWriteFile | ll.AccessFSTruncate | ll.AccessFSIoctlDev
	// accessFile are the rights a rule on a file (not a directory) may hold.
	accessFile = ll.AccessFSExecute | ll.AccessFSWriteFile | ll.AccessFSReadFile | ll.AccessFSTruncate | ll.AccessFSIoctlDev
)

// handled is what a ruleset restricts on a kernel of Landlock ABI abi:
// every file right it knows, TCP bind and connect from ABI 4, signals and
// abstract Unix sockets outside the domain from ABI 6.
type handled struct {
	fs, net, scoped uint64
}

func handledFor(abi int) handled {
	h := handled{fs: ll.AccessFSMakeSym<<1 - 1} // ABI 1: execute … make_sym
	if abi >= 2 {
		h.fs |= ll.AccessFSRefer
	}
	if abi >= 3 {
		h.fs |= ll.AccessFSTruncate
	}
	if abi >= 4 {
		h.net = ll.AccessNetBindTCP | ll.AccessNetConnectTCP
	}
	if abi >= 5 {
		h.fs |= ll.AccessFSIoctlDev
	}
	if abi >= abiSignalScope {
		h.scoped = ll.ScopeAbstractUnixSocket | ll.ScopeSignal
	}
	return h
}

// pathRule is one allow-list entry, opened: the kernel binds a rule to
// the file the descriptor names, so a name swapped afterwards changes
// nothing (the walk's stamps notice it and open again).
type pathRule struct {
	fd     int
	access uint64
}

// openRules opens every entry of p (O_PATH: no read happens); an entry
// that vanished since the walk is skipped. The caller closes them.
func openRules(p Paths) []pathRule {
	var out []pathRule
	add := func(paths []string, access uint64) {
		for _, path := range paths {
			fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
			if err != nil {
				continue
			}
			out = append(out, pathRule{fd: fd, access: access})
		}
	}
	add(p.RODirs, accessRODir)
	add(p.ROFiles, accessROFile)
	add(p.ListDirs, accessListDir)
	add(p.RWFiles, accessRWFile)
	return out
}

func closeRules(rs []pathRule) {
	for _, r := range rs {
		_ = unix.Close(r.fd)
	}
}

// newRuleset makes a Landlock ruleset for abi from opened rules and the
// command's writable directories; the caller restricts a thread with it
// and closes it.
func newRuleset(abi int, opened []pathRule, rwDirs []string) (int, error) {
	h := handledFor(abi)
	attr := ll.RulesetAttr{HandledAccessFS: h.fs, HandledAccessNet: h.net, Scoped: h.scoped}
	fd, err := ll.LandlockCreateRuleset(&attr, 0)
	if err != nil {
		return -1, fmt.Errorf("landlock ruleset: %w", err)
	}
	for _, r := range opened {
		if err := addRule(fd, r.fd, r.access&h.fs); err != nil {
			unix.Close(fd)
			return -1, err
		}
	}
	for _, d := range rwDirs {
		dfd, err := unix.Open(d, unix.O_PATH|unix.O_CLOEXEC|unix.O_DIRECTORY, 0)
		if err != nil {
			unix.Close(fd)
			return -1, fmt.Errorf("landlock rule for %s: %w", d, err)
		}
		err = addRule(fd, dfd, h.fs)
		unix.Close(dfd)
		if err != nil {
			unix.Close(fd)
			return -1, err
		}
	}
	return fd, nil
}

// addRule grants access beneath the file target names; a file (not a
// directory) only takes the rights a file has.
func addRule(ruleset, target int, access uint64) error {
	err := ll.LandlockAddPathBeneathRule(ruleset, &ll.PathBeneathAttr{AllowedAccess: access, ParentFd: target}, 0)
	if errors.Is(err, unix.EINVAL) && access&^accessFile != 0 {
		err = ll.LandlockAddPathBeneathRule(ruleset, &ll.PathBeneathAttr{AllowedAccess: access & accessFile, ParentFd: target}, 0)
	}
	if err != nil {
		return fmt.Errorf("landlock rule: %w", err)
	}
	return nil
}

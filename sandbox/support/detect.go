// Package support says what this kernel offers a sandbox (Landlock's ABI,
// seccomp filters) and the level that gives, without restricting
// anything: cheap enough for any command to ask (macroa config does).
package support

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// Support is what this kernel offers a sandbox.
type Support struct {
	// LandlockABI is the kernel's Landlock ABI version; 0 without
	// Landlock (too old a kernel, or not among the enabled LSMs).
	LandlockABI int
	// Seccomp says seccomp filters can be installed.
	Seccomp bool
	// Missing says why something is not there, one line per part.
	Missing []string
}

// Landlock ABI versions that add what the sandbox relies on.
const (
	ABIFiles    = 1 // read, write, execute of files and directories
	ABITruncate = 3 // truncate counts as a write
	ABITCP      = 4 // TCP bind and connect
)

var (
	detectOnce sync.Once
	detected   Support
)

// Detect reads what this kernel offers, once per process; it never
// restricts anything itself.
func Detect() Support {
	detectOnce.Do(func() { detected = detect(landlockABI, seccompAvailable) })
	return detected
}

// detect is Detect over its two probes, so each kernel outcome can be
// tested on any machine.
func detect(landlockABI func() (int, error), seccomp func() error) Support {
	var s Support
	if v, err := landlockABI(); err != nil || v < ABIFiles {
		s.Missing = append(s.Missing, "no Landlock: "+landlockWhy(err))
	} else {
		s.LandlockABI = v
		if v < ABITCP {
			s.Missing = append(s.Missing, fmt.Sprintf("Landlock ABI %d cannot refuse TCP (it needs ABI %d, Linux 6.7)", v, ABITCP))
		}
	}
	if err := seccomp(); err != nil {
		s.Missing = append(s.Missing, "no seccomp filters: "+err.Error())
	} else {
		s.Seccomp = true
	}
	return s
}

func landlockWhy(err error) string {
	switch {
	case err == nil:
		return "the kernel reports no usable ABI"
	case errors.Is(err, unix.ENOSYS):
		return "the kernel is older than 5.13 or built without it"
	case errors.Is(err, unix.EOPNOTSUPP):
		return "it is not among the kernel's enabled security modules (lsm= boot option)"
	}
	return err.Error()
}

// seccompAvailable asks for filter mode with no filter: a kernel that has
// filters refuses the missing pointer (EFAULT) or, without no_new_privs,
// the permission (EACCES); one without them says EINVAL. Nothing is
// installed either way. Without a filter built for this architecture
// there is nothing to install, whatever the kernel offers.
func seccompAvailable() error {
	if !SeccompFilterBuilt(runtime.GOARCH) {
		return errors.New("none built for " + runtime.GOARCH)
	}
	err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, 0, 0, 0)
	switch {
	case errors.Is(err, unix.EFAULT), errors.Is(err, unix.EACCES):
		return nil
	case err == nil:
		return errors.New("the kernel accepted an empty filter") // cannot happen; never trust it
	case errors.Is(err, unix.EINVAL):
		return errors.New("the kernel is built without them")
	}
	return err
}

// landlockABI asks the kernel for its Landlock ABI version (a ruleset
// "created" with the version flag: nothing is made).
func landlockABI() (int, error) {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0, errno
	}
	return int(v), nil
}

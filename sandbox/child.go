package sandbox

import (
	"fmt"
	"os"

	llsyscall "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/sandbox/support"
)

// restrict applies Landlock (the ruleset fd, -1 without it) and seccomp to the
// calling thread (locked, about to fork the command) as far as the kernel
// allows, and fails when that falls short of require. Both bind this thread only: no TSYNC, so
// the rest of the process stays as it was.
func restrict(fd int, require support.Level, s support.Support) error {
	landlocked, filtered := false, false
	// Both Landlock and seccomp need it, and it keeps a setuid program
	// from gaining what the rules deny.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	if err := dropCapabilities(); err != nil {
		return err
	}
	if fd >= 0 {
		err := llsyscall.LandlockRestrictSelf(fd, 0)
		if err != nil && require != support.LevelNone {
			return fmt.Errorf("landlock: %w", err)
		}
		landlocked = err == nil
	}
	if s.Seccomp {
		err := loadSeccomp()
		if err == nil {
			if gerr := loadExtraFilter(os.Getpid()); gerr != nil {
				err = fmt.Errorf("seccomp: second filter: %w", gerr)
			}
		}
		if err != nil && require != support.LevelNone {
			return err
		}
		filtered = err == nil
	}
	return enough(require, s, landlocked, filtered)
}

// enough says whether what was applied meets the level required.
func enough(require support.Level, s support.Support, landlocked, filtered bool) error {
	switch require {
	case support.LevelFull:
		if !landlocked || s.LandlockABI < support.ABITCP || !filtered {
			return fmt.Errorf("full confinement needs Landlock ABI %d and seccomp; this kernel gives %s", support.ABITCP, s.Describe())
		}
	case support.LevelPartial:
		if !landlocked && !filtered {
			return fmt.Errorf("neither Landlock nor seccomp is available: %s", s.Describe())
		}
	}
	return nil
}

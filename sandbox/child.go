package sandbox

import (
	"errors"
	"fmt"
	"github.com/macroa/macroa/sandbox/support"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"github.com/landlock-lsm/go-landlock/landlock"
	llsyscall "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/termsafe"
)

// runChild restricts this thread and replaces the process with the
// spec's command; it returns only an error. Everything happens on one
// locked OS thread: Landlock and seccomp bind the calling thread, and
// execve carries that thread's restrictions into the command and every
// process it starts.
func runChild(spec Spec) error {
	runtime.LockOSThread() // never unlocked: this thread becomes the command
	if len(spec.Argv) == 0 {
		return errors.New("no command to run")
	}
	if spec.Dir != "" {
		if err := os.Chdir(spec.Dir); err != nil {
			return fmt.Errorf("enter %s: %w", spec.Dir, err)
		}
	}
	env := childEnvironment(spec)
	// The program is found with the child's PATH, not the parent's.
	if err := os.Setenv("PATH", spec.Path); err != nil {
		return fmt.Errorf("set PATH: %w", err)
	}
	prog, err := exec.LookPath(spec.Argv[0])
	if err != nil {
		return runError{fmt.Errorf("find %s: %w", spec.Argv[0], err)}
	}
	if err := restrict(spec, support.Detect()); err != nil {
		return err
	}
	err = syscall.Exec(prog, spec.Argv, env)
	return runError{fmt.Errorf("run %s: %w", prog, err)}
}

// childEnvironment is all the command sees: no key, token or socket of
// the parent's.
func childEnvironment(spec Spec) []string {
	env := []string{"PATH=" + spec.Path, "HOME=" + spec.Home, "TMPDIR=" + spec.TempDir}
	if spec.Lang != "" {
		env = append(env, "LANG="+spec.Lang)
	}
	if spec.Term != "" {
		env = append(env, "TERM="+spec.Term)
	}
	return env
}

// restrict applies Landlock and seccomp to the calling thread as far as
// the kernel allows, and fails when that falls short of spec.Require.
func restrict(spec Spec, s support.Support) error {
	var dirs []string
	if spec.Dir != "" {
		dirs = []string{spec.Dir}
	}
	paths := AllowList(spec.Home, spec.TempDir, spec.Secrets, dirs)
	fd, flags, err := landlock.V7.BestEffort().NewRulesetFD(rules(paths)...)
	if err != nil {
		if spec.Require != support.LevelNone {
			return fmt.Errorf("landlock rules: %w", err)
		}
		fd = -1
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	landlocked := false
	if fd >= 0 {
		err := llsyscall.LandlockRestrictSelf(fd, flags)
		unix.Close(fd)
		if err != nil && spec.Require != support.LevelNone {
			return fmt.Errorf("landlock: %w", err)
		}
		landlocked = err == nil
	}
	filtered := false
	if s.Seccomp {
		err := loadSeccomp()
		if err != nil && spec.Require != support.LevelNone {
			return err
		}
		filtered = err == nil
	}
	return enough(spec.Require, s, landlocked, filtered)
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

// rules turns the allow-list into Landlock rules. A path that vanished
// since the walk is skipped rather than failing the spawn. No network
// rule: TCP connect and bind are refused everywhere (from ABI 4).
func rules(p Paths) []landlock.Rule {
	var r []landlock.Rule
	add := func(rule landlock.FSRule, paths []string) {
		if len(paths) > 0 {
			r = append(r, rule.IgnoreIfMissing())
		}
	}
	add(landlock.RODirs(p.RODirs...), p.RODirs)
	add(landlock.ROFiles(p.ROFiles...), p.ROFiles)
	add(landlock.PathAccess(landlock.AccessFSSet(unix.LANDLOCK_ACCESS_FS_READ_DIR), p.ListDirs...), p.ListDirs)
	add(landlock.RWDirs(p.RWDirs...), p.RWDirs)
	add(landlock.RWFiles(p.RWFiles...), p.RWFiles)
	return r
}

// runError is a command that could not be found or started after the
// restriction worked: the shell's "not found" code, not the sandbox's.
type runError struct{ err error }

func (e runError) Error() string { return e.err.Error() }

// exitNotRun is the code for a command that could not be started.
const exitNotRun = 127

// fail ends a child that could not restrict itself or run its command;
// the message names paths, so it is cleaned for the terminal.
func fail(err error) {
	var run runError
	if errors.As(err, &run) {
		fmt.Fprintf(os.Stderr, "sandbox: %s\n", termsafe.Clean(err.Error()))
		os.Exit(exitNotRun)
	}
	fmt.Fprintf(os.Stderr, "sandbox: could not restrict: %s\n", termsafe.Clean(err.Error()))
	os.Exit(ExitRestrictFailed)
}

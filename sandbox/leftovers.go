package sandbox

import (
	"errors"
	"os"
	"os/exec"

	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/sandbox/support"
)

// abiSignalScope is the Landlock ABI that confines signals to the domain
// (Linux 6.12).
const abiSignalScope = 6

// endLeftovers kills what a command left running once it has been waited
// for: a background job, a double fork, a job control group of its own.
// It runs on the thread that started the command, which shares the
// command's Landlock domain: where Landlock scopes signals, kill(-1) from
// here reaches exactly the processes of that domain (the command's and
// their children, no other command's, never this process). Without
// scoping it would reach every process of the user, so then only the
// command's process group is killed.
func endLeftovers(c *exec.Cmd, s support.Support) {
	if s.LandlockABI >= abiSignalScope && signalsScoped() {
		_ = unix.Kill(-1, unix.SIGKILL)
		return
	}
	if c.Process != nil && c.SysProcAttr != nil && c.SysProcAttr.Setpgid && c.SysProcAttr.Pgid == 0 {
		_ = unix.Kill(-c.Process.Pid, unix.SIGKILL)
	}
}

// signalsScoped checks, before kill(-1) is trusted, that this thread
// cannot signal a process outside its domain: this process's parent.
func signalsScoped() bool {
	return errors.Is(unix.Kill(os.Getppid(), 0), unix.EPERM)
}

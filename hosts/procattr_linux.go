package hosts

import "syscall"

// procAttr puts the command in a process group of its own (so a timeout
// or a cancel kills the whole tree) and, on Linux, has the kernel kill it
// when Macroa dies: a command whose runner was killed (kill -9, the
// machine's OOM killer) must not go on running unseen after its approval
// was marked interrupted.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

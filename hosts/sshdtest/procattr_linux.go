package sshdtest

import "syscall"

// procAttr gives sshd a process group of its own and has the kernel kill
// it when the test binary dies without its cleanup (a timeout's panic,
// kill -9): a listener must not outlive its test.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

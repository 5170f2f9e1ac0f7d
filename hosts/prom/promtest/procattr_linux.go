package promtest

import "syscall"

// procAttr has the kernel kill a daemon when the test binary dies, so a
// test killed by its timeout leaves no prometheus behind.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }

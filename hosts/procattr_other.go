//go:build !linux

package hosts

import "syscall"

// procAttr puts the command in a process group of its own, so a timeout
// or a cancel kills the whole tree.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

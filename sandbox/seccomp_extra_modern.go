//go:build linux && !(amd64 || 386 || arm)

package sandbox

import "golang.org/x/sys/unix"

// archDeniedCalls are the System V semaphore operations, which 386 names
// otherwise.
var archDeniedCalls = []uintptr{unix.SYS_SEMOP, unix.SYS_SEMTIMEDOP}

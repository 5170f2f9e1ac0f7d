package sandbox

import "golang.org/x/sys/unix"

// archDeniedCalls are this architecture's older forms of what the second
// filter refuses: file mode, owner and time changes.
var archDeniedCalls = []uintptr{
	unix.SYS_CHMOD, unix.SYS_CHOWN, unix.SYS_LCHOWN, unix.SYS_UTIME, unix.SYS_UTIMES, unix.SYS_FUTIMESAT,
	unix.SYS_SEMOP, unix.SYS_SEMTIMEDOP,
}

package sandbox

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// loadSeccomp installs the seccomp filter on the calling thread only (no
// TSYNC: the thread is locked and about to exec or fork), with
// no_new_privs set first, in one seccomp(2) call.
//
// The filter is compiled ahead of time (seccomp_filter_<arch>.go, from
// seccompPolicy in seccomp_policy_test.go), so neither starting the binary
// nor starting a command pays for building it: a start-up path holding a
// locked thread allocates nothing here. Its first instructions refuse
// every syscall made through another architecture's entry (int 0x80 on
// amd64), which the rules after them would let through unjudged.
func loadSeccomp() error {
	if len(seccompFilter) == 0 {
		return fmt.Errorf("seccomp filters are not built for %s", runtime.GOARCH)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("seccomp: set no_new_privs: %w", err)
	}
	if err := installFilter(seccompFilter); err != nil {
		return fmt.Errorf("seccomp: %w", err)
	}
	return nil
}

// installFilter loads one BPF program on the calling thread.
func installFilter(filter []unix.SockFilter) error {
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return errno
	}
	return nil
}

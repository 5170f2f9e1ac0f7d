//go:build unix

package hosts

import "syscall"

// noFollow opens a file only when it is not a symbolic link.
const noFollow = syscall.O_NOFOLLOW

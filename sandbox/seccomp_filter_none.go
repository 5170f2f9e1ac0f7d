//go:build !amd64 && !arm64 && !386 && !arm

package sandbox

import "golang.org/x/sys/unix"

// seccompFilter is empty where no filter is generated (the library that
// compiles the policy has no syscall table for this architecture):
// loadSeccomp says so, and support reports seccomp missing
// (support.SeccompFilterBuilt).
var seccompFilter []unix.SockFilter

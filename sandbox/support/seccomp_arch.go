package support

// SeccompFilterBuilt says whether this binary carries the sandbox's
// precompiled seccomp filter for goarch (sandbox/seccomp_filter_<goarch>.go,
// generated ahead of time so no command pays for compiling it). On any
// other architecture seccomp is reported missing: the kernel may offer it,
// but there is no filter to install. The sandbox's tests keep this list
// and the generated files in step.
func SeccompFilterBuilt(goarch string) bool {
	switch goarch {
	case "amd64", "arm64", "386", "arm":
		return true
	}
	return false
}

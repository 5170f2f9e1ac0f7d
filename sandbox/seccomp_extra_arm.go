//go:build linux && arm

package sandbox

import "golang.org/x/sys/unix"

// legacyFileMetadataCalls are the older forms of fileMetadataCalls arm
// still has (it never had utime).
var legacyFileMetadataCalls = []uintptr{
	unix.SYS_CHMOD, unix.SYS_CHOWN, unix.SYS_LCHOWN, unix.SYS_UTIMES, unix.SYS_FUTIMESAT,
}

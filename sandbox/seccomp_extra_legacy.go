//go:build linux && (amd64 || 386)

package sandbox

import "golang.org/x/sys/unix"

// legacyFileMetadataCalls are the older forms of fileMetadataCalls this
// architecture still has.
var legacyFileMetadataCalls = []uintptr{
	unix.SYS_CHMOD, unix.SYS_CHOWN, unix.SYS_LCHOWN, unix.SYS_UTIME, unix.SYS_UTIMES, unix.SYS_FUTIMESAT,
}

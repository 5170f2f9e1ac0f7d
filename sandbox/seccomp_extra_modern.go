//go:build linux && !(amd64 || 386 || arm)

package sandbox

// legacyFileMetadataCalls: the *at forms cover this architecture.
var legacyFileMetadataCalls []uintptr

//go:build !unix

package hosts

// noFollow: this platform has no O_NOFOLLOW.
const noFollow = 0

package approvals

import (
	"os"
	"os/user"
)

// login is the name of the person at this terminal, for the audit log.
func login() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "unknown"
}
